/**
 * Benchmark: the compiled potential of the logistic model (N = 100k, D = 20, Bernoulli with logits, through
 * `initializeModel(...).potentialFn`, value + gradient) and one AutoNormal SVI step on the same model, each in
 * several fresh Node processes, to expose process-to-process instability (V8 tiering of the generated code).
 * Times are CPU times of the measuring process (`process.cpuUsage`), robust to other load on a shared machine.
 * Asserts nothing. Run from the repository root:
 *   node --conditions=@phlox/source --import tsx bench/src/logistic.bench.ts [processes=6] [extra node flags…]
 * Each child prints one JSON line; the parent prints per-process figures, the median and the spread (min–max),
 * and the ratio SVI step / value+grad measured side by side in each process.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Bernoulli, Normal } from "@phlox/distributions";
import { plate, sample } from "@phlox/handlers";
import { initializeModel } from "@phlox/infer";
import { type Tensor, tensor } from "@phlox/tensor";
import { AutoNormal } from "../../packages/autoguide/src/index.js";
import { Adam, SVI, TraceELBO } from "../../packages/vi/src/index.js";

const N = 100_000;
const D = 20;

const cpuMs = (): number => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

function data(): { X: Float64Array; Y: Float64Array } {
  let s = 12345;
  const rnd = (): number => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 4294967296;
  };
  const X = new Float64Array(N * D);
  const Y = new Float64Array(N);
  const beta = Array.from({ length: D }, (_, j) => ((j % 5) - 2) * 0.5);
  for (let i = 0; i < N; i++) {
    let eta = 0.5;
    for (let j = 0; j < D; j++) {
      const v = (rnd() - 0.5) * 3.4;
      X[i * D + j] = v;
      eta += v * (beta[j] as number);
    }
    Y[i] = rnd() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
  }
  return { X, Y };
}

function logistic(x: Tensor, y?: Tensor): void {
  const alpha = sample("alpha", new Normal(0, 5));
  const b = sample("beta", new Normal(0, 2.5).expand([D]).toEvent(1));
  plate("data", N, () => sample("y", new Bernoulli({ logits: x.matmul(b).add(alpha) }), { obs: y }));
}

/** Median CPU ms per call over `rounds` blocks of `calls` calls each. */
function timeBlocks(f: () => void, calls: number, rounds: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const c0 = cpuMs();
    for (let i = 0; i < calls; i++) f();
    out.push((cpuMs() - c0) / calls);
  }
  return out;
}

function child(): void {
  const { X, Y } = data();
  const Xt = tensor(X, { shape: [N, D] }) as Tensor;
  const Yt = tensor(Y) as Tensor;
  const info = initializeModel(0, logistic, [Xt, Yt]);
  const z = new Float64Array(D + 1);
  for (let i = 0; i < z.length; i++) z[i] = 0.01 * i;
  const g = new Float64Array(D + 1);
  let sink = 0;
  const vg = (): void => {
    z[0] = (z[0] as number) + 1e-13;
    sink += info.potentialFn(z, g);
  };
  const vgFirst = timeBlocks(vg, 20, 1)[0] as number; // the first 20 calls: tiering up
  timeBlocks(vg, 50, 2); // warm
  const guide = new AutoNormal(logistic);
  const svi = new SVI(logistic, guide, new Adam(0.01), new TraceELBO());
  let state = svi.init(0, Xt, Yt);
  const step = (): void => {
    state = svi.update(state, Xt, Yt).state;
  };
  timeBlocks(step, 50, 2); // warm
  // interleaved blocks: value+grad and SVI step side by side
  const tv: number[] = [];
  const ts: number[] = [];
  for (let r = 0; r < 5; r++) {
    tv.push(...timeBlocks(vg, 40, 1));
    ts.push(...timeBlocks(step, 40, 1));
  }
  if (sink === 42) console.error("");
  console.log(JSON.stringify({ vgFirst, vg: median(tv), svi: median(ts), ratio: median(ts) / median(tv) }));
}

function parent(processes: number, flags: string[]): void {
  const file = fileURLToPath(import.meta.url);
  const rows: { vgFirst: number; vg: number; svi: number; ratio: number }[] = [];
  for (let p = 0; p < processes; p++) {
    const r = spawnSync(
      process.execPath,
      [...flags, "--conditions=@phlox/source", "--import", "tsx", file, "--child"],
      { encoding: "utf8", maxBuffer: 1 << 26 },
    );
    const line = r.stdout.trim().split("\n").pop() ?? "";
    try {
      const row = JSON.parse(line);
      rows.push(row);
      console.log(
        `process ${p + 1}: value+grad ${row.vg.toFixed(2)} ms CPU (first 20 calls ${row.vgFirst.toFixed(2)} ms), ` +
          `SVI step ${row.svi.toFixed(2)} ms CPU, ratio ${row.ratio.toFixed(2)}`,
      );
    } catch {
      console.log(`process ${p + 1}: failed\n${r.stderr.slice(-2000)}`);
    }
  }
  const summary = (name: string, xs: number[], unit: string): string =>
    `${name}: median ${median(xs).toFixed(2)}${unit}, spread ${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}${unit}`;
  console.log(`\nlogistic N=${N} D=${D}, ${rows.length} processes (CPU time per call)`);
  console.log(
    summary(
      "value+grad",
      rows.map((r) => r.vg),
      " ms",
    ),
  );
  console.log(
    summary(
      "AutoNormal SVI step",
      rows.map((r) => r.svi),
      " ms",
    ),
  );
  console.log(
    summary(
      "SVI step / value+grad",
      rows.map((r) => r.ratio),
      "×",
    ),
  );
}

const args = process.argv.slice(2);
if (args.includes("--child")) child();
else parent(Number(args[0] ?? 6), args.slice(1));
