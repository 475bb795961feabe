/**
 * Where a posterior's end-to-end time goes: the model's compilation (`initializeModel`, timed apart), then
 * when each chain reaches the end of warmup and of sampling, the process CPU time (workers included), and the
 * sampling phase's leapfrog steps (one gradient each), so the time per gradient can be read off.
 * `node --import tsx bench/src/posteriordb/phases.ts [posterior] [sequential|parallel|vectorized]` on the
 * built packages (`pnpm build`), or with `--conditions=@phlox/source` on the sources.
 */
import { initializeModel } from "@phlox/infer";
import { MCMC, NUTS } from "@phlox/mcmc";
import { loadReference } from "./check.js";
import { buildPosterior } from "./models.js";

const name = process.argv[2] ?? "wells_data-wells_dae_inter_model";
const chainMethod = (process.argv[3] ?? "sequential") as "sequential" | "parallel" | "vectorized";
const { data } = loadReference(name);
const { model, args } = buildPosterior(name, data);

const cpuSeconds = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1e6;
};
const c0 = cpuSeconds();
const w0 = performance.now();
initializeModel(0, model as never, args);
console.log(
  `${name}: initializeModel (trace, compile, start point) ${((performance.now() - w0) / 1000).toFixed(3)} s wall, ${(cpuSeconds() - c0).toFixed(3)} s CPU`,
);

const t0 = performance.now();
const marks: { chain: number; phase: string; t: number }[] = [];
const mcmc = new MCMC(new NUTS(model as never), {
  numWarmup: 1000,
  numSamples: 1000,
  numChains: 4,
  chainMethod,
  extraFields: ["numSteps"],
  progressBar: false,
  onProgress: (p) => {
    if (p.iteration === 20 || p.iteration === 1000 || p.iteration === 2000)
      marks.push({ chain: p.chain, phase: `iteration ${p.iteration}`, t: performance.now() - t0 });
  },
});
const c1 = cpuSeconds();
await mcmc.run(0, ...args);
const total = (performance.now() - t0) / 1000;
const cpu = cpuSeconds() - c1;
const steps = (
  mcmc.getExtraFields() as Record<string, { dataSync(): ArrayLike<number> }>
).numSteps?.dataSync();
let sampling = 0;
if (steps) for (let i = 0; i < steps.length; i++) sampling += steps[i] as number;
console.log(`MCMC.run (${chainMethod}): ${total.toFixed(2)} s wall, ${cpu.toFixed(2)} s CPU`);
for (const m of marks)
  console.log(`  chain ${m.chain} ${m.phase.padEnd(15)} at ${(m.t / 1000).toFixed(3)} s`);
console.log(`  sampling: ${sampling} leapfrog steps in all chains, ${(sampling / 4000).toFixed(1)} per draw`);
