/**
 * Benchmark: the compiled logistic potential over large data (`initializeModel(...).potentialFn`, value +
 * gradient) with the JavaScript row loops, the WebAssembly SIMD kernels, and SIMD with float32 data, at
 * N = 100k D = 20 and N = 1M D = 10; and one AutoNormal SVI step on the N = 100k model (SIMD and scalar).
 * Side by side with JAX (jitted value_and_grad, float64 and float32) and NumPyro's SVI update, run by
 * `bench/jax/logistic_jax.py` with the python named by `PHLOX_ORACLE` (skipped without it).
 * Phlox runs on one thread; JAX uses every core. Prints the median wall and process-CPU ms per call over
 * interleaved blocks, and the ratios Phlox / JAX on both. Asserts nothing. Run from the repository root:
 *   PHLOX_ORACLE=<python> node --conditions=@phlox/source --import tsx bench/src/large-data.bench.ts
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { disableWasmSimd } from "@phlox/backend-js";
import { Bernoulli, Normal } from "@phlox/distributions";
import { plate, sample } from "@phlox/handlers";
import { initializeModel, setThreads } from "@phlox/infer";
import { type Tensor, tensor } from "@phlox/tensor";
import { AutoNormal } from "../../packages/autoguide/src/index.js";
import { Adam, SVI, TraceELBO } from "../../packages/vi/src/index.js";

interface Row {
  case: string;
  impl: string;
  wall: number;
  cpu: number;
}

const now = (): { wall: number; cpu: number } => {
  const c = process.cpuUsage();
  return { wall: performance.now(), cpu: (c.user + c.system) / 1000 };
};
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

function data(n: number, d: number): { X: Tensor; Y: Tensor } {
  let s = 12345;
  const rnd = (): number => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 4294967296;
  };
  const X = new Float64Array(n * d);
  const Y = new Float64Array(n);
  const beta = Array.from({ length: d }, (_, j) => ((j % 5) - 2) * 0.5);
  for (let i = 0; i < n; i++) {
    let eta = 0.5;
    for (let j = 0; j < d; j++) {
      const v = (rnd() - 0.5) * 3.4;
      X[i * d + j] = v;
      eta += v * (beta[j] as number);
    }
    Y[i] = rnd() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
  }
  return { X: tensor(X, { shape: [n, d] }) as Tensor, Y: tensor(Y) as Tensor };
}

const model =
  (n: number, d: number) =>
  (x: Tensor, y?: Tensor): void => {
    const alpha = sample("alpha", new Normal(0, 5));
    const b = sample("beta", new Normal(0, 2.5).expand([d]).toEvent(1));
    plate("data", n, () => sample("y", new Bernoulli({ logits: x.matmul(b).add(alpha) }), { obs: y }));
  };

/** Interleaved timing: `rounds` rounds, each one block of `calls` calls of every function. */
function interleaved(fs: Record<string, () => void>, calls: number, rounds: number): Record<string, Row> {
  const walls: Record<string, number[]> = {};
  const cpus: Record<string, number[]> = {};
  for (const [k, f] of Object.entries(fs)) {
    for (let i = 0; i < calls * 2; i++) f(); // warm
    walls[k] = [];
    cpus[k] = [];
  }
  for (let r = 0; r < rounds; r++)
    for (const [k, f] of Object.entries(fs)) {
      const t0 = now();
      for (let i = 0; i < calls; i++) f();
      const t1 = now();
      walls[k]?.push((t1.wall - t0.wall) / calls);
      cpus[k]?.push((t1.cpu - t0.cpu) / calls);
    }
  const out: Record<string, Row> = {};
  for (const k of Object.keys(fs))
    out[k] = { case: "", impl: k, wall: median(walls[k] as number[]), cpu: median(cpus[k] as number[]) };
  return out;
}

function valueGrad(n: number, d: number, calls: number): Row[] {
  const { X, Y } = data(n, d);
  const m = model(n, d);
  const scalar = initializeModel(0, m, [X, Y], { simd: false });
  const simd = initializeModel(0, m, [X, Y]);
  const f32 = initializeModel(0, m, [X, Y], { dataDtype: "float32" });
  // Data-parallel threads (setThreads is read when a program is compiled): the same kernels over 2 threads.
  setThreads(2);
  const simd2 = initializeModel(0, m, [X, Y]);
  const f32x2 = initializeModel(0, m, [X, Y], { dataDtype: "float32" });
  setThreads(1);
  const z = new Float64Array(d + 1).map((_, i) => 0.01 * i);
  const g = new Float64Array(d + 1);
  let sink = 0;
  const call = (f: (z: Float64Array, g: Float64Array) => number) => (): void => {
    z[0] = (z[0] as number) + 1e-13;
    sink += f(z, g);
  };
  const rows = interleaved(
    {
      "Phlox scalar JS": call(scalar.potentialFn),
      "Phlox SIMD": call(simd.potentialFn),
      "Phlox SIMD float32 data": call(f32.potentialFn),
      "Phlox SIMD, 2 threads": call(simd2.potentialFn),
      "Phlox SIMD float32 data, 2 threads": call(f32x2.potentialFn),
    },
    calls,
    7,
  );
  if (sink === 42) console.error("");
  return Object.values(rows).map((r) => ({ ...r, case: `logistic N=${n} D=${d} value+grad` }));
}

function sviStep(n: number, d: number, calls: number): Row[] {
  const { X, Y } = data(n, d);
  const m = model(n, d);
  const make = (): (() => void) => {
    const svi = new SVI(m, new AutoNormal(m), new Adam(0.01), new TraceELBO());
    let state = svi.init(0, X, Y);
    // One step here compiles the objective while this setThreads setting holds.
    state = svi.update(state, X, Y).state;
    return () => {
      state = svi.update(state, X, Y).state;
    };
  };
  disableWasmSimd(true);
  const scalar = make();
  disableWasmSimd(false);
  const simd = make();
  setThreads(2);
  const simd2 = make();
  setThreads(1);
  const rows = interleaved(
    { "Phlox scalar JS": scalar, "Phlox SIMD": simd, "Phlox SIMD, 2 threads": simd2 },
    calls,
    7,
  );
  return Object.values(rows).map((r) => ({ ...r, case: `SVI AutoNormal step, logistic N=${n} D=${d}` }));
}

function oracle(): Row[] {
  const python = process.env.PHLOX_ORACLE;
  if (python === undefined || python === "") {
    console.log("PHLOX_ORACLE not set: JAX/NumPyro skipped");
    return [];
  }
  const script = fileURLToPath(new URL("../jax/logistic_jax.py", import.meta.url));
  const r = spawnSync(python, [script], { encoding: "utf8", maxBuffer: 1 << 24 });
  if (r.status !== 0) {
    console.log(`oracle failed:\n${r.stderr.slice(-2000)}`);
    return [];
  }
  const rows: Row[] = [];
  for (const line of r.stdout.trim().split("\n")) {
    const j = JSON.parse(line);
    if (j.info !== undefined) console.log(`oracle: ${j.info}`);
    else rows.push(j as Row);
  }
  return rows;
}

const c = process.cpuUsage();
console.log(
  `node ${process.version}, load ${(await import("node:os"))
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(" ")}`,
);
const phlox = [...valueGrad(100_000, 20, 30), ...valueGrad(1_000_000, 10, 4), ...sviStep(100_000, 20, 30)];
const ref = oracle();
for (const name of [...new Set(phlox.map((r) => r.case))]) {
  console.log(`\n${name}`);
  const refs = ref.filter((r) => r.case.replace(/000000/, "000000") === name.replace("1000000", "1000000"));
  const mine = phlox.filter((r) => r.case === name);
  for (const r of [...mine, ...refs]) {
    const ratios = refs
      .map((j) =>
        mine.includes(r)
          ? `  ${(r.cpu / j.cpu).toFixed(2)}× CPU, ${(r.wall / j.wall).toFixed(2)}× wall of ${j.impl}`
          : "",
      )
      .filter((x) => x !== "")
      .join(";");
    console.log(
      `  ${r.impl.padEnd(36)} ${r.cpu.toFixed(2).padStart(8)} ms CPU ${r.wall.toFixed(2).padStart(8)} ms wall${ratios}`,
    );
  }
}
const used = process.cpuUsage(c);
console.log(`\n(process CPU ${(used.user + used.system) / 1e6} s)`);
