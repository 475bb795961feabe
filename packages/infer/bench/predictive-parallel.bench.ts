// Predictive(parallel: true) — one vmapped program over all draws — against today's compiled loop (one generated
// per-draw function run once per draw), side by side in one process: 4000 draws of eight schools (prior and
// posterior predictive), a regression (matmul per draw) and a Gamma–Poisson model, and logLikelihood on eight
// schools. "cold" is the first call with a fresh model (trace + compile + run), "warm" the median of 7 more.
// Both paths give bit-identical draws (checked here). Asserts nothing.
// Run: `node --conditions=@phlox/source --import tsx packages/infer/bench/predictive-parallel.bench.ts`
import { Gamma, HalfCauchy, HalfNormal, Normal, Poisson } from "@phlox/distributions";
import { deterministic, plate, sample } from "@phlox/handlers";
import { key, normal, type Tensor, tensor, uniform } from "@phlox/tensor";
import { logLikelihood, Predictive } from "../src/index.js";

const N = 4000;
const sigma = tensor([15, 10, 16, 11, 9, 11, 10, 18]);
const y = tensor([28, 8, -3, 7, -1, 1, 18, 12]);
const X = normal(key(9), [20, 3]);

const eightSchools = () => (s: Tensor, obs?: Tensor) => {
  const mu = sample("mu", new Normal(0, 5));
  const tau = sample("tau", new HalfCauchy(5));
  plate("school", 8, () => {
    const z = sample("theta_raw", new Normal(0, 1));
    const theta = deterministic("theta", mu.add(tau.mul(z)));
    sample("obs", new Normal(theta, s), { obs });
  });
};
const regression = () => (x: Tensor) => {
  const beta = sample("beta", new Normal(tensor([0, 0, 0]), 2).toEvent(1));
  const s = sample("s", new HalfNormal(1));
  plate("n", x.shape[0] as number, () => sample("y", new Normal(x.matmul(beta), s)));
};
const counts = () => () => {
  const rate = sample("rate", new Gamma(2, 1));
  plate("n", 10, () => sample("y", new Poisson(rate)));
};

const post8 = {
  mu: normal(key(1), [N]).mul(3).add(4),
  tau: uniform(key(2), [N], { minval: 0.1, maxval: 6 }),
  theta_raw: normal(key(3), [N, 8]),
};
const postR = { beta: normal(key(4), [N, 3]), s: uniform(key(5), [N], { minval: 0.2, maxval: 2 }) };

type Run = (parallel: boolean, model: (...a: never[]) => unknown) => Record<string, Tensor>;
const cases: [string, () => (...a: never[]) => unknown, Run][] = [
  [
    "eight schools prior",
    eightSchools,
    (parallel, m) => new Predictive(m, { numSamples: N, parallel }).run(key(7), sigma),
  ],
  [
    "eight schools posterior",
    eightSchools,
    (parallel, m) => new Predictive(m, { posteriorSamples: post8, parallel }).run(key(8), sigma),
  ],
  [
    "regression posterior",
    regression,
    (parallel, m) => new Predictive(m, { posteriorSamples: postR, parallel }).run(key(8), X),
  ],
  [
    "gamma-poisson prior",
    counts,
    (parallel, m) => new Predictive(m, { numSamples: N, parallel }).run(key(3)),
  ],
  [
    "eight schools logLikelihood",
    eightSchools,
    (parallel, m) => logLikelihood(m, post8, [sigma, y], { parallel }),
  ],
];

const time = <T>(f: () => T): [number, T] => {
  const t = performance.now();
  const r = f();
  return [performance.now() - t, r];
};
const med = (a: number[]) => [...a].sort((p, q) => p - q)[a.length >> 1] as number;
const same = (a: Record<string, Tensor>, b: Record<string, Tensor>) =>
  Object.keys(b).every((k) => {
    const x = a[k]?.dataSync() as ArrayLike<number>;
    const z = b[k]?.dataSync() as ArrayLike<number>;
    return x.length === z.length && Array.from(z).every((v, i) => Object.is(v, x[i]));
  });

// warm the modules and V8 on a small run of each path
for (const p of [false, true])
  new Predictive(eightSchools(), { numSamples: 10, parallel: p }).run(key(0), sigma);

console.log(`${N} draws; ms; loop = compiled per-draw loop (default), vmap = parallel: true`);
console.log(
  "case                          | loop cold | vmap cold | loop warm | vmap warm | warm loop/vmap | same draws",
);
for (const [name, make, run] of cases) {
  const ml = make();
  const mv = make();
  const [loopCold, a] = time(() => run(false, ml));
  const [vmapCold, b] = time(() => run(true, mv));
  const loopWarm = med(Array.from({ length: 7 }, () => time(() => run(false, ml))[0]));
  const vmapWarm = med(Array.from({ length: 7 }, () => time(() => run(true, mv))[0]));
  const f = (v: number) => v.toFixed(1).padStart(9);
  console.log(
    `${name.padEnd(29)} | ${f(loopCold)} | ${f(vmapCold)} | ${f(loopWarm)} | ${f(vmapWarm)} | ${(loopWarm / vmapWarm).toFixed(2).padStart(14)} | ${same(a, b)}`,
  );
}
