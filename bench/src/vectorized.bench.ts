/**
 * Benchmark: batching through `vmap`, measured side by side in one run (asserts nothing). From the repository
 * root:
 *   node --conditions=@phlox/source --import tsx bench/src/vectorized.bench.ts
 * 1. MCMC with 4 chains, `chainMethod: "vectorized"` (chains in lockstep; each leapfrog step of all chains
 *    evaluated by one vmapped compiled call or per-chain calls, whichever the first steps timed faster)
 *    against "sequential" (one chain after another), same key: the draws are identical (checked), the CPU
 *    time of the whole run (initialisation and compiling included) is compared.
 * 2. `Predictive(parallel: true)` (one vmapped program over all 4000 draws) against the default compiled
 *    loop (one generated loop of per-draw code), and `logLikelihood` likewise: identical values (checked).
 * Times are CPU time of this process (`process.cpuUsage`), medians over interleaved rounds, so that a
 * shared, oversubscribed machine measures work rather than waiting for a core.
 */
import { HalfNormal, Normal } from "@phlox/distributions";
import { plate, sample, scan } from "@phlox/handlers";
import { logLikelihood, Predictive } from "@phlox/infer";
import { MCMC, NUTS } from "@phlox/mcmc";
import { type Tensor, tensor } from "@phlox/tensor";

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const same = (a: Record<string, Tensor>, b: Record<string, Tensor>): boolean =>
  Object.keys(a).every((k) => {
    const x = a[k]?.dataSync() as ArrayLike<number>;
    const y = b[k]?.dataSync() as ArrayLike<number>;
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
    return true;
  });

// Eight schools (d = 10: per-call overhead dominates) and a local-level model through scan (T = 200).
const y8 = tensor([28, 8, -3, 7, -1, 1, 18, 12]);
const s8 = tensor([15, 10, 16, 11, 9, 11, 10, 18]);
const schools = (y: Tensor | null, s: Tensor) => {
  const mu = sample("mu", new Normal(0, 5));
  const tau = sample("tau", new HalfNormal(5));
  plate("J", 8, () => {
    const eta = sample("eta", new Normal(0, 1));
    const theta = mu.add(tau.mul(eta));
    sample("obs", new Normal(theta, s), { obs: y ?? undefined });
  });
};
let seed = 1;
const rnd = () => {
  seed = (seed * 48271) % 2147483647;
  return seed / 2147483647;
};
const gauss = () => Math.sqrt(-2 * Math.log(rnd())) * Math.cos(2 * Math.PI * rnd());
const T = 200;
const level: number[] = [];
let x = 0;
for (let t = 0; t < T; t++) {
  x += 0.3 * gauss();
  level.push(x + 0.5 * gauss());
}
const yLevel = tensor(level);
const localLevel = (y: Tensor) => {
  const sigma = sample("sigma", new HalfNormal(1));
  const tau = sample("tau", new HalfNormal(1));
  const x0 = sample("x0", new Normal(0, 1));
  scan(
    (xt: Tensor, yt: Tensor) => {
      const x1 = sample("x", new Normal(xt, tau));
      sample("y", new Normal(x1, sigma), { obs: yt });
      return [x1, null];
    },
    x0,
    y,
  );
};

const cases = [
  { name: "eight schools (d=10)", model: schools, args: [y8, s8], warmup: 500, samples: 500 },
  {
    name: `local level via scan (T=${T}, d=${T + 3})`,
    model: localLevel,
    args: [yLevel],
    warmup: 200,
    samples: 200,
  },
] as const;

console.log(
  "MCMC, 4 chains, NUTS: vectorized (lockstep; per step the faster of one vmapped call and per-chain calls, timed on the first steps) vs sequential",
);
for (const c of cases) {
  const times: Record<string, number[]> = { sequential: [], vectorized: [] };
  let identical = true;
  for (let r = 0; r < 3; r++) {
    const draws: Record<string, Tensor>[] = [];
    for (const chainMethod of ["sequential", "vectorized"] as const) {
      const m = new MCMC(new NUTS(c.model as never), {
        numWarmup: c.warmup,
        numSamples: c.samples,
        numChains: 4,
        chainMethod,
        progressBar: false,
        printWarnings: false,
      });
      const t0 = cpuMs();
      await m.run(r + 1, ...(c.args as readonly unknown[]));
      times[chainMethod]?.push(cpuMs() - t0);
      draws.push(m.getSamples());
    }
    identical &&= same(draws[0] as Record<string, Tensor>, draws[1] as Record<string, Tensor>);
  }
  const s = median(times.sequential as number[]);
  const v = median(times.vectorized as number[]);
  console.log(
    `  ${c.name}: sequential ${s.toFixed(0)} ms, vectorized ${v.toFixed(0)} ms CPU (median of 3, run incl. init) ` +
      `→ vectorized/sequential ${(v / s).toFixed(2)}×; identical draws: ${identical}`,
  );
}

// Predictive over 4000 posterior draws of eight schools: parallel (vmap) vs the compiled loop.
const N = 4000;
const post: Record<string, Tensor> = {
  mu: tensor(Array.from({ length: N }, () => 4 + 3 * gauss())),
  tau: tensor(Array.from({ length: N }, () => Math.abs(3 * gauss()))),
  eta: tensor(Array.from({ length: N }, () => Array.from({ length: 8 }, gauss))),
};
console.log(`Predictive / logLikelihood over ${N} draws (eight schools): parallel (vmap) vs compiled loop`);
for (const [label, run] of [
  [
    "Predictive",
    (parallel: boolean) => new Predictive(schools, { posteriorSamples: post, parallel }).run(3, null, s8),
  ],
  ["logLikelihood", (parallel: boolean) => logLikelihood(schools, post, [y8, s8], { parallel })],
] as const) {
  const tl: number[] = [];
  const tp: number[] = [];
  let identical = true;
  // The first call of each compiles; rounds after it measure a fresh run (trace + compile + draws) each.
  for (let r = 0; r < 7; r++) {
    let t0 = cpuMs();
    const a = run(false);
    tl.push(cpuMs() - t0);
    t0 = cpuMs();
    const b = run(true);
    tp.push(cpuMs() - t0);
    identical &&= same(a, b);
  }
  const l = median(tl);
  const p = median(tp);
  console.log(
    `  ${label}: loop ${l.toFixed(1)} ms, parallel ${p.toFixed(1)} ms CPU per call (median of 7) ` +
      `→ parallel/loop ${(p / l).toFixed(2)}×; identical: ${identical}`,
  );
}
