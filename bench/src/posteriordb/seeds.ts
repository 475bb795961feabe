/**
 * One posteriordb posterior over several seeds: NUTS 4 × (1000 warmup + 1000 draws), chains sequential. Per seed
 * it prints min bulk ESS over all sampled elements, bulk ESS of one parameter (ArviZ-compatible `essBulk`,
 * chains kept), max R-hat, divergences, wall time, mean leapfrog steps per draw, mean accept probability (post-warmup)
 * and each chain's adapted step size; the same columns as
 * `bench/numpyro/radon_centered.py`, for side-by-side runs.
 *
 * Usage (from the repository root):
 * `npx tsx --conditions=@phlox/source bench/src/posteriordb/seeds.ts [posterior] [seed ...] [--param sigma_alpha]
 * [--target-accept 0.8] [--adapt]`
 * (defaults: `radon_mn-radon_hierarchical_intercept_centered`, seed 0). `--adapt` also prints, per chain, the
 * first entries of the adapted inverse mass-matrix diagonal (the unconstrained latent vector in the model's site
 * order) and the median of the rest, plus the parameter's posterior mean and sd.
 */
import { essBulk, rhat } from "@phlox/diagnostics";
import { MCMC, NUTS } from "@phlox/mcmc";
import { loadReference } from "./check.js";
import { buildPosterior } from "./models.js";

const argv = process.argv.slice(2);
const flag = (name: string, fallback: string): string => {
  const i = argv.indexOf(name);
  if (i < 0) return fallback;
  const v = argv[i + 1];
  argv.splice(i, 2);
  return v;
};
const param = flag("--param", "sigma_alpha");
const targetAcceptProb = Number(flag("--target-accept", "0.8"));
const adaptIdx = argv.indexOf("--adapt");
const showAdapt = adaptIdx >= 0;
if (showAdapt) argv.splice(adaptIdx, 1);
const name =
  argv[0] && Number.isNaN(Number(argv[0]))
    ? (argv.shift() as string)
    : "radon_mn-radon_hierarchical_intercept_centered";
const seeds = argv.length ? argv.map(Number) : [0];

const { data } = loadReference(name);
const { model, args } = buildPosterior(name, data);
const pad = (s: string | number, n: number) => String(s).padStart(n);
console.log(`${name}, target accept ${targetAcceptProb}, ESS column: ${param}`);
console.log(
  `${pad("seed", 4)} ${pad("minESS", 7)} ${pad("ess_p", 7)} ${pad("maxRhat", 8)} ${pad("div", 4)} ${pad("secs", 6)} ${pad("steps", 6)} ${pad("acc", 5)}  step sizes (per chain)`,
);
for (const seed of seeds) {
  const mcmc = new MCMC(new NUTS(model as never, { targetAcceptProb }), {
    numWarmup: 1000,
    numSamples: 1000,
    numChains: 4,
    chainMethod: "sequential",
    progressBar: false,
  });
  const t0 = performance.now();
  await mcmc.run(seed, ...args);
  const secs = (performance.now() - t0) / 1000;
  const samples = mcmc.getSamples({ groupByChain: true });
  let minEss = Number.POSITIVE_INFINITY;
  let maxRhat = 0;
  for (const draws of Object.values(samples)) {
    for (const e of essBulk(draws)) minEss = Math.min(minEss, e);
    for (const r of rhat(draws)) maxRhat = Math.max(maxRhat, r);
  }
  const p = samples[param];
  if (p === undefined) throw new Error(`${name}: no site "${param}" (sites: ${Object.keys(samples)})`);
  const essP = essBulk(p)[0];
  const div = mcmc.numDivergences.reduce((a, b) => a + b, 0);
  const extra = mcmc.getExtraFields();
  const meanOf = (t: { dataSync(): ArrayLike<number> } | undefined) =>
    t ? Array.from(t.dataSync()).reduce((a, b) => a + b, 0) / t.dataSync().length : Number.NaN;
  const steps = meanOf(extra.numSteps);
  const acc = meanOf(extra.acceptProb);
  const states = (mcmc.lastState?.chains ?? []) as { stepSize: number; inverseMassMatrix?: number[] }[];
  console.log(
    `${pad(seed, 4)} ${pad(minEss.toFixed(0), 7)} ${pad(essP.toFixed(0), 7)} ${pad(maxRhat.toFixed(4), 8)} ${pad(div, 4)} ${pad(secs.toFixed(1), 6)} ${pad(steps.toFixed(1), 6)} ${pad(acc.toFixed(3), 5)}  ${states.map((s) => s.stepSize.toFixed(4)).join(" ")}`,
  );
  if (showAdapt) {
    states.forEach((s, c) => {
      const m = s.inverseMassMatrix ?? [];
      const rest = m.slice(5).sort((a, b) => a - b);
      const med = rest.length ? rest[Math.floor(rest.length / 2)] : Number.NaN;
      console.log(
        `     chain ${c}: invM[0:5] ${m
          .slice(0, 5)
          .map((x) => x.toPrecision(4))
          .join(",")} median of rest ${med.toPrecision(4)}`,
      );
    });
    const pd = Float64Array.from(p.dataSync());
    const n = pd.length;
    const mean = pd.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(pd.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
    console.log(`     ${param} mean ${mean.toFixed(4)} sd ${sd.toFixed(4)}`);
  }
}
