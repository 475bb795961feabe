/**
 * Benchmark: `loo` of this checkout against an earlier version of @phlox/diagnostics, side by side in one
 * process (asserts nothing), at radon's size (4 chains × 1000 draws × 919 observations, ArviZ r_eff from a
 * posterior, the synthetic log-likelihood of postprocess.bench.ts). Alternates the two for 9 rounds and prints
 * the median CPU time of each (CPU time: the 2-core machine is shared) and the largest difference in elpd_i
 * and Pareto k. Run from the repository root, with the earlier sources extracted from git:
 *   git archive <rev> packages/diagnostics/src | tar -x -C <dir>
 *   node --conditions=@phlox/source --import tsx bench/src/loo-before-after.bench.ts <dir>/packages/diagnostics/src/index.ts
 */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { loo } from "@phlox/diagnostics";

const before = process.argv[2];
if (!before) throw new Error("usage: loo-before-after.bench.ts <earlier diagnostics src/index.ts>");
const old = (await import(pathToFileURL(resolve(before)).href)) as { loo: typeof loo };

const [C, D, N] = [4, 1000, 919];
let s = 1;
const u = (): number => {
  s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
  return (s + 0.5) / 4294967296;
};
const normal = (): number => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
const y = Float64Array.from({ length: N }, () => normal() * 0.8 + (u() < 0.02 ? 4 : 0));
const mu = new Float64Array(C * D);
const sigma = new Float64Array(C * D);
let m = 0;
for (let i = 0; i < C * D; i++) {
  m = 0.6 * m + 0.8 * 0.03 * normal();
  mu[i] = m;
  sigma[i] = 0.8 * Math.exp(0.02 * normal());
}
const ll = new Float64Array(C * D * N);
for (let i = 0; i < C * D; i++) {
  for (let j = 0; j < N; j++) {
    const z = (y[j] - mu[i]) / sigma[i];
    ll[i * N + j] = -Math.log(sigma[i]) - 0.5 * Math.log(2 * Math.PI) - 0.5 * z * z;
  }
}
const posterior = { mu: { data: mu, shape: [C, D] }, sigma: { data: sigma, shape: [C, D] } };
const x = { data: ll, shape: [C, D, N] };
const cpu = <T>(f: () => T): [number, T] => {
  const c = process.cpuUsage();
  const r = f();
  const d = process.cpuUsage(c);
  return [(d.user + d.system) / 1000, r];
};
const tNew: number[] = [];
const tOld: number[] = [];
let diff = 0;
for (let r = 0; r < 9; r++) {
  const [a, ra] = cpu(() => loo(x, { posterior, warn: false }));
  const [b, rb] = cpu(() => old.loo(x, { posterior, warn: false }));
  tNew.push(a);
  tOld.push(b);
  for (let i = 0; i < N; i++) {
    diff = Math.max(diff, Math.abs(ra.pointwise[i] - rb.pointwise[i]));
    diff = Math.max(diff, Math.abs((ra.paretoK?.[i] ?? 0) - (rb.paretoK?.[i] ?? 0)));
  }
}
const med = (v: number[]): number => [...v].sort((p, q) => p - q)[4];
console.log(`loo, ${C} chains × ${D} draws × ${N} observations, median CPU ms of 9 alternating runs`);
console.log(
  `  this checkout ${med(tNew).toFixed(0)} ms | earlier ${med(tOld).toFixed(0)} ms | ratio ${(med(tNew) / med(tOld)).toFixed(2)}`,
);
console.log(`  largest |Δ| in elpd_i and Pareto k: ${diff.toExponential(1)}`);
