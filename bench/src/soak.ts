/**
 * Soak: 10⁶ NUTS iterations of one model through `MCMC` (eight schools, non-centred, compiled), in runs of
 * `numSamples` draws each continued from `lastState`, printing RSS, heap and array buffers after each run. Memory
 * must stay flat: each run replaces the previous draws, nothing else accumulates.
 * Run: node --expose-gc --import tsx --conditions=@phlox/source bench/src/soak.ts [totalIterations] [perRun]
 * (defaults 1000000 and 50000).
 */
import { HalfCauchy, Normal } from "@phlox/distributions";
import { plate, sample } from "@phlox/handlers";
import { MCMC, NUTS, runOptions } from "@phlox/mcmc";
import { silenceWarnings, type Tensor, tensor } from "@phlox/tensor";

silenceWarnings(true);
const total = Number(process.argv[2] ?? 1_000_000);
const perRun = Number(process.argv[3] ?? 50_000);
const SIGMA = tensor([15, 10, 16, 11, 9, 11, 10, 18]);
const Y = tensor([28, 8, -3, 7, -1, 1, 18, 12]);
function eightSchools(sigma: Tensor, y: Tensor): void {
  const mu = sample("mu", new Normal(0, 5));
  const tau = sample("tau", new HalfCauchy(5));
  plate("school", 8, () => {
    const raw = sample("theta_decentered", new Normal(0, 1));
    sample("obs", new Normal(mu.add(tau.mul(raw)), sigma), { obs: y });
  });
}
const gc = (globalThis as { gc?: () => void }).gc;
const mb = (x: number) => (x / 2 ** 20).toFixed(1).padStart(7);
const mcmc = new MCMC(new NUTS(eightSchools), {
  numWarmup: 1000,
  numSamples: perRun,
  progressBar: false,
  printWarnings: false,
});
const t0 = performance.now();
let done = 0;
let first: NodeJS.MemoryUsage | undefined;
console.log("iterations   rss MB  heap MB  buffers MB   s");
while (done < total) {
  await mcmc.run(done, SIGMA, Y, runOptions({ continueChains: true }));
  mcmc.postWarmupState = mcmc.lastState;
  done += perRun;
  gc?.();
  const m = process.memoryUsage();
  first ??= m;
  console.log(
    `${String(done).padStart(10)} ${mb(m.rss)} ${mb(m.heapUsed)} ${mb(m.arrayBuffers)}    ${((performance.now() - t0) / 1000).toFixed(0)}`,
  );
}
const last = process.memoryUsage();
if (first) {
  console.log(
    `heap growth from the first to the last run: ${mb(last.heapUsed - first.heapUsed)} MB; rss ${mb(last.rss - first.rss)} MB; ` +
      `divergences in the last run: ${mcmc.numDivergences[0]}`,
  );
}
