/**
 * The browser check of `chainMethod: "parallel"` (built by Vite in src/browser.test.ts, run in headless
 * Chromium): eight schools (non-centred) with NUTS, 2 chains in Web Workers and the same run sequentially in
 * the page; the draws must be identical. Results go to `window.__phlox`.
 */
import { HalfCauchy, Normal } from "@phlox/distributions";
import { deterministic, plate, sample } from "@phlox/handlers";
import { key, type Tensor, tensor } from "@phlox/tensor";
import { MCMC, NUTS } from "../src/index.js";

function eightSchools(sigma: Tensor, y?: Tensor): void {
  const mu = sample("mu", new Normal(0, 5));
  const tau = sample("tau", new HalfCauchy(5));
  plate("school", sigma.shape[0], () => {
    const z = sample("theta_raw", new Normal(0, 1));
    const theta = deterministic("theta", mu.add(tau.mul(z)));
    sample("obs", new Normal(theta, sigma), { obs: y });
  });
}

async function run(chainMethod: "parallel" | "sequential"): Promise<{ mu: number[]; seconds: number }> {
  const mcmc = new MCMC(new NUTS(eightSchools), {
    numWarmup: 300,
    numSamples: 300,
    numChains: 2,
    chainMethod,
    progressBar: false,
  });
  const t0 = performance.now();
  await mcmc.run(key(3), tensor([15, 10, 16, 11, 9, 11, 10, 18]), tensor([28, 8, -3, 7, -1, 1, 18, 12]));
  return { mu: Array.from(mcmc.getSamples().mu.dataSync()), seconds: (performance.now() - t0) / 1000 };
}

async function main(): Promise<Record<string, unknown>> {
  const parallel = await run("parallel");
  const sequential = await run("sequential");
  return {
    workers: typeof Worker === "function",
    draws: parallel.mu.length,
    identical: parallel.mu.every((v, i) => v === sequential.mu[i]),
    meanMu: parallel.mu.reduce((a, b) => a + b, 0) / parallel.mu.length,
    seconds: { parallel: parallel.seconds, sequential: sequential.seconds },
  };
}

main().then(
  (r) => {
    (window as unknown as { __phlox: unknown }).__phlox = r;
    (document.getElementById("out") as HTMLElement).textContent = JSON.stringify(r, null, 2);
  },
  (e: unknown) => {
    (window as unknown as { __phlox: unknown }).__phlox = { error: String((e as Error)?.stack ?? e) };
  },
);
