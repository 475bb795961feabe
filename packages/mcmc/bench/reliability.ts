/**
 * Costs of the reliability features, measured side by side in one process (medians of 5 repeats):
 * - eight schools (non-centred) through NUTS with distribution validation on vs off (the model must stay
 *   compiled; target ≤ 1.2×);
 * - a sequential run that yields to the event loop every 20 ms vs one long synchronous advance of the same
 *   chain runner, same key (target ≤ 2 % extra; minimum of 10 alternating repeats).
 * Run: node --expose-gc --import ./packages/mcmc/bench/register-ts.mjs --conditions=@phlox/source \
 *        packages/mcmc/bench/reliability.ts
 */
import { enableValidation, HalfCauchy, Normal } from "@phlox/distributions";
import { plate, sample } from "@phlox/handlers";
import { initializeModel } from "@phlox/infer";
import { silenceWarnings, type Tensor, tensor } from "@phlox/tensor";
import { NUTS } from "../src/hmc-kernel.js";
import { ChainRunner } from "../src/internal/run-chain.js";
import { MCMC } from "../src/mcmc.js";

silenceWarnings(true);
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
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function timeRun(validate: boolean, seed: number): Promise<{ ms: number; compiled: boolean }> {
  enableValidation(validate);
  try {
    const compiled = initializeModel(seed, eightSchools, [SIGMA, Y]).compiled;
    const m = new MCMC(new NUTS(eightSchools), {
      numWarmup: 500,
      numSamples: 1000,
      progressBar: false,
      printWarnings: false,
    });
    const t0 = performance.now();
    await m.run(seed, SIGMA, Y);
    return { ms: performance.now() - t0, compiled };
  } finally {
    enableValidation(false);
  }
}

const off: number[] = [];
const on: number[] = [];
let compiledOn = true;
for (let rep = 0; rep < 5; rep++) {
  off.push((await timeRun(false, rep)).ms);
  const r = await timeRun(true, rep);
  on.push(r.ms);
  compiledOn &&= r.compiled;
}
console.log(
  `eight schools NUTS 500+1000: validation off ${median(off).toFixed(0)} ms, on ${median(on).toFixed(0)} ms, ` +
    `ratio ${(median(on) / median(off)).toFixed(3)} (compiled with validation: ${compiledOn})`,
);

// Yield cost: the driver's sequential run (20 ms slices, each ended by a yield to the event loop) against the
// same chain runner (same recording of draws and fields) advanced in one synchronous call, same kernel and key.
const U = (z: Float64Array, g: Float64Array) => {
  let u = 0;
  for (let i = 0; i < z.length; i++) {
    u += 0.5 * z[i] * z[i];
    g[i] = z[i];
  }
  return u;
};
const N = 50_000;
const sliced: number[] = [];
const plain: number[] = [];
const viaDriver = async (rep: number) => {
  const k = new NUTS({ potentialFn: U, initParams: new Float64Array(10) });
  const m = new MCMC(k, { numWarmup: 0, numSamples: N, progressBar: false, printWarnings: false });
  const t0 = performance.now();
  await m.run(rep);
  sliced.push(performance.now() - t0);
};
const direct = (rep: number) => {
  const k = new NUTS({ potentialFn: U, initParams: new Float64Array(10) });
  const s = k.init({ key: [0, rep], numWarmup: 0, modelArgs: [] });
  const t0 = performance.now();
  new ChainRunner(k, s, 0, N, 1, k.defaultFields, 0, k.maxTreeDepth).advance(N);
  plain.push(performance.now() - t0);
};
// Alternating order, and the minimum over repeats: on a shared machine the least disturbed run is the best
// estimate of each one's own cost.
for (let rep = 0; rep < 10; rep++) {
  if (rep % 2 === 0) {
    await viaDriver(rep);
    direct(rep);
  } else {
    direct(rep);
    await viaDriver(rep);
  }
}
const min = (xs: number[]) => Math.min(...xs);
console.log(
  `sequential NUTS ${N} iterations (10-D normal), min of 10: driver with yields ${min(sliced).toFixed(0)} ms, ` +
    `one synchronous advance ${min(plain).toFixed(0)} ms, ratio ${(min(sliced) / min(plain)).toFixed(3)}`,
);
