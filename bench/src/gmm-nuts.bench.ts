/**
 * Benchmark: the Gaussian mixture N=1000 K=3 under NUTS, three ways on the same data in one run — Phlox with
 * the assignments enumerated (`configEnumerate`), Phlox with them marginalised by hand (a `factor` of the
 * log-sum-exp), and NumPyro 0.21 with `config_enumerate` (`bench/numpyro/gmm_enum.py`, run with the python
 * named by `PHLOX_ORACLE`; without it the NumPyro column is skipped with a note). From the repository root:
 *   PHLOX_ORACLE=<python with NumPyro> node --conditions=@phlox/source --import tsx bench/src/gmm-nuts.bench.ts [warmup] [samples] [chains]
 * Defaults 500 warmup, 500 samples, 2 chains run one after another, all engines in float64, every chain
 * started by init-to-median (NumPyro's `init_to_median`): the mixture is not identified, and chains started
 * uniformly at random often settle on different labellings (locs permuted), which makes the across-chain
 * bulk ESS ~3 whatever the sampler's speed; the prior medians of locs (-5, 0, 5) pick one labelling. Each engine runs
 * twice on the same MCMC object with different keys: the first run includes compilation (Phlox:
 * `initializeModel` tracing and jit; NumPyro: JAX tracing and XLA compilation), the second reuses Phlox's
 * compiled potential, so its wall is compile-excluded, and run 1's compile time is `initializeModel` on the
 * same model and data timed on its own after the runs; NumPyro recompiles part of its sampler on every run, so
 * its compile-excluded figure is the wall less the union of JAX's trace/lower/compile time spans. ESS is the
 * minimum bulk ESS over every element of the continuous sites (w, locs, sigma), computed for all three engines
 * by `@phlox/diagnostics`' `essBulk` on draws grouped by chain (NumPyro's exported through JSON; ArviZ's
 * `ess_bulk` minimum is printed beside it as a cross-check). Wall and process CPU time are both printed: the
 * machine may be shared, and CPU time is steadier under load. The data are generated here, deterministically,
 * and written to a temporary directory that is removed afterwards.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { essBulk } from "@phlox/diagnostics";
import { Categorical, Dirichlet, HalfNormal, Normal } from "@phlox/distributions";
import { configEnumerate, factor, plate, sample } from "@phlox/handlers";
import { initializeModel, initToMedian } from "@phlox/infer";
import { MCMC, NUTS } from "@phlox/mcmc";
import * as T from "@phlox/tensor";

type Tensor = T.Tensor;
interface FlatDraws {
  data: ArrayLike<number>;
  shape: number[];
}
interface Run {
  wall: number;
  cpu: number;
  compile: number | null;
  minEss: number;
  divergences: number;
  note: string;
}

const [numWarmup, numSamples, numChains] = [2, 3, 4].map((i, j) => {
  const v = Number(process.argv[i] ?? [500, 500, 2][j]);
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`argument ${i - 1} must be a positive integer.`);
  return v;
}) as [number, number, number];
const SITES = ["w", "locs", "sigma"] as const;

const lcg = (seed: number) => {
  let s = seed >>> 0;
  return (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
};
const gauss = (r: () => number): number =>
  Math.sqrt(-2 * Math.log(r() + 1e-300)) * Math.cos(2 * Math.PI * r());

// The data of enum.bench.ts: three well-separated unit-variance components, N = 1000.
const N = 1000;
const r = lcg(7);
const yd = Array.from({ length: N }, (_, i) => ([-4, 0.5, 4.5][i % 3] as number) + gauss(r));
const y = T.tensor(yd);

function gmm(data: Tensor): void {
  const w = sample("w", new Dirichlet(T.ones([3])));
  const locs = plate("K", 3, () => sample("locs", new Normal(T.tensor([-5, 0, 5]), 1.5)));
  const sigma = sample("sigma", new HalfNormal(2));
  plate("N", data.shape[0], () => {
    const z = sample("z", new Categorical(w));
    sample("y", new Normal(T.take(locs, T.cast(z, "int32"), 0), sigma), { obs: data });
  });
}
const gmmEnum = configEnumerate(gmm);
function gmmHand(data: Tensor): void {
  const w = sample("w", new Dirichlet(T.ones([3])));
  const locs = plate("K", 3, () => sample("locs", new Normal(T.tensor([-5, 0, 5]), 1.5)));
  const sigma = sample("sigma", new HalfNormal(2));
  const comp = T.add(T.log(w), new Normal(locs, sigma).logProb(T.reshape(data, [data.shape[0], 1])));
  factor("y", T.sum(T.logSumExp(comp, -1)));
}

const toFlat = (v: unknown): FlatDraws =>
  v instanceof T.Tensor
    ? { data: Float64Array.from(v.dataSync() as ArrayLike<number>), shape: [...v.shape] }
    : { data: (v as FlatDraws).data, shape: [...(v as FlatDraws).shape] };
const minEss = (draws: Record<string, unknown>): number =>
  Math.min(
    ...SITES.flatMap((k) => {
      const d = toFlat(draws[k]);
      return Array.from(essBulk({ data: Float64Array.from(d.data), shape: d.shape }));
    }),
  );
const cpuS = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

async function phlox(model: (d: Tensor) => void): Promise<Run[]> {
  const mcmc = new MCMC(new NUTS(model, { initStrategy: initToMedian() }), {
    numWarmup,
    numSamples,
    numChains,
    chainMethod: "sequential",
    progressBar: false,
    printWarnings: false,
  });
  const runs: Run[] = [];
  for (const key of [1, 2]) {
    const w0 = performance.now();
    const c0 = cpuS();
    await mcmc.run(key, y);
    const wall = (performance.now() - w0) / 1000;
    const cpu = cpuS() - c0;
    const div = toFlat(mcmc.getExtraFields().diverging);
    runs.push({
      wall,
      cpu,
      compile: null,
      minEss: minEss(mcmc.getSamples({ groupByChain: true })),
      divergences: Array.from(div.data).filter((x) => x !== 0).length,
      note: "",
    });
  }
  // Run 2 reuses run 1's compiled potential (compile 0). Run 1's compile is what the kernel's first init does,
  // `initializeModel` on the same model and data, timed here after the runs so it cannot warm them.
  const w0 = performance.now();
  initializeModel(0, model, [y], { initStrategy: initToMedian() });
  const [a, b] = runs as [Run, Run];
  a.compile = (performance.now() - w0) / 1000;
  b.compile = 0;
  return runs;
}

function numpyro(): { runs: Run[]; header: string } | string {
  const py = process.env.PHLOX_ORACLE;
  if (!py) return "NumPyro column skipped: set PHLOX_ORACLE to a python with NumPyro 0.21 and funsor.";
  const dir = mkdtempSync(join(tmpdir(), "phlox-gmm-"));
  try {
    const dataPath = join(dir, "data.json");
    const outPath = join(dir, "out.json");
    writeFileSync(dataPath, JSON.stringify({ y: yd }));
    const script = join(dirname(fileURLToPath(import.meta.url)), "..", "numpyro", "gmm_enum.py");
    const args = [script, dataPath, outPath, String(numWarmup), String(numSamples), String(numChains)];
    const printed = execFileSync(py, args, { encoding: "utf8", maxBuffer: 1 << 26 }).trim();
    const out = JSON.parse(readFileSync(outPath, "utf8")) as {
      runs: {
        wall: number;
        cpu: number;
        compile: number;
        draws: Record<string, FlatDraws>;
        arvizMinEssBulk: number;
        divergences: number;
      }[];
    };
    const runs = out.runs.map((o) => ({
      wall: o.wall,
      cpu: o.cpu,
      compile: o.compile,
      minEss: minEss(o.draws),
      divergences: o.divergences,
      note: `ArviZ min ess_bulk ${o.arvizMinEssBulk.toFixed(0)}`,
    }));
    return { runs, header: printed };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const fmtLoad = (): string =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(" ");
console.log(
  `GMM N=${N} K=3, NUTS ${numWarmup} warmup + ${numSamples} samples x ${numChains} chains (sequential), float64; ` +
    `node ${process.version}; load average at start ${fmtLoad()}`,
);
const results: [string, Run[]][] = [
  ["phlox hand-marginalised", await phlox(gmmHand)],
  ["phlox enumerated", await phlox(gmmEnum)],
];
const np = numpyro();
if (typeof np === "string") console.log(np);
else {
  console.log(`oracle: ${np.header}`);
  results.push(["numpyro enumerated", np.runs]);
}
console.log(`load average at end ${fmtLoad()}`);

const rows: string[][] = [
  [
    "engine",
    "run",
    "wall s",
    "cpu s",
    "compile s",
    "wall excl. compile s",
    "min ESS_bulk",
    "ESS/s (wall)",
    "ESS/s (wall excl. compile)",
    "divergences",
    "note",
  ],
];
for (const [name, runs] of results) {
  runs.forEach((x, i) => {
    const compile = x.compile ?? 0;
    rows.push([
      name,
      i === 0 ? "1 (compile incl.)" : "2",
      x.wall.toFixed(2),
      x.cpu.toFixed(2),
      x.compile === null ? "?" : compile.toFixed(2),
      (x.wall - compile).toFixed(2),
      x.minEss.toFixed(0),
      (x.minEss / x.wall).toFixed(1),
      (x.minEss / (x.wall - compile)).toFixed(1),
      String(x.divergences),
      x.note,
    ]);
  });
}
rows.splice(1, 0, rows[0]?.map(() => "---") ?? []);
for (const row of rows) console.log(`| ${row.join(" | ")} |`);

// Ratios: enumerated / hand-marginalised (the target: ≤ 1.3×), NumPyro / each Phlox column.
const ex = (x: Run): number => x.wall - (x.compile ?? 0);
const pairs: [number, number][] = [
  [1, 0],
  [2, 0],
  [2, 1],
];
for (const [i, j] of pairs) {
  if (!results[i]) continue;
  const [name, runs] = results[i] as [string, Run[]];
  const [baseName, base] = results[j] as [string, Run[]];
  const [a, b] = runs as [Run, Run];
  const [ha, hb] = base as [Run, Run];
  console.log(
    `${name} / ${baseName}: wall (run 1, compile incl.) ${(a.wall / ha.wall).toFixed(2)}x, ` +
      `wall excl. compile (run 1) ${(ex(a) / ex(ha)).toFixed(2)}x, wall (run 2) ${(b.wall / hb.wall).toFixed(2)}x, ` +
      `cpu (run 2) ${(b.cpu / hb.cpu).toFixed(2)}x, ESS/s excl. compile (run 1) ` +
      `${(a.minEss / ex(a) / (ha.minEss / ex(ha))).toFixed(2)}x`,
  );
}
