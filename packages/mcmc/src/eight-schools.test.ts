import { essBulk, mcseMean, rhat } from "@phlox/diagnostics";
import { f64 } from "@phlox/test-utils";
import { expect, test } from "vitest";
import es from "../fixtures/eight_schools_noncentered.json" with { type: "json" };
import { NUTS } from "./hmc-kernel.js";
import type { PotentialFn } from "./internal/trajectory.js";
import { MCMC } from "./mcmc.js";

// Non-centred eight schools (posteriordb's Stan model): mu ~ N(0, 5), tau ~ half-Cauchy(0, 5),
// eta_j ~ N(0, 1), theta = mu + tau·eta, y_j ~ N(theta_j, sigma_j). z = [mu, log tau, eta_1..8].
const { y, sigma } = es.data;
const J = 8;
const U: PotentialFn = (z, g) => {
  const mu = z[0];
  const s = z[1];
  const tau = Math.exp(s);
  let lp = -(mu * mu) / 50 - Math.log1p((tau / 5) ** 2) + s;
  let dmu = -mu / 25;
  let dtau = (-2 * tau) / 25 / (1 + (tau / 5) ** 2);
  for (let j = 0; j < J; j++) {
    const eta = z[2 + j];
    const theta = mu + tau * eta;
    const r = (y[j] - theta) / (sigma[j] * sigma[j]);
    lp += -0.5 * eta * eta - 0.5 * (y[j] - theta) * r;
    dmu += r;
    dtau += r * eta;
    g[2 + j] = -(-eta + r * tau);
  }
  g[0] = -dmu;
  g[1] = -(tau * dtau + 1);
  return -lp;
};
const postprocessFn = (z: Float64Array) => {
  const tau = Math.exp(z[1]);
  const theta = new Float64Array(J);
  for (let j = 0; j < J; j++) theta[j] = z[0] + tau * z[2 + j];
  return { mu: Float64Array.of(z[0]), tau: Float64Array.of(tau), theta };
};

test("NUTS on non-centred eight schools matches posteriordb's reference (4 chains × 1000 draws)", async () => {
  const mcmc = new MCMC(new NUTS({ potentialFn: U, dim: 10, postprocessFn }), {
    numWarmup: 1000,
    numSamples: 1000,
    numChains: 4,
    progressBar: false,
  });
  await mcmc.run(2026);
  const samples = mcmc.getSamples({ groupByChain: true });
  for (const name of ["mu", "tau", "theta"] as const) {
    const draws = samples[name];
    const data = f64(draws);
    const k = draws.shape[2];
    const ref = es.reference[name];
    const mcse = mcseMean(draws);
    const rh = rhat(draws);
    const ess = essBulk(draws);
    for (let e = 0; e < k; e++) {
      let m = 0;
      let m2 = 0;
      const n = data.length / k;
      for (let i = 0; i < n; i++) {
        const v = data[i * k + e];
        m += v / n;
        m2 += (v * v) / n;
      }
      const sd = Math.sqrt(m2 - m * m);
      // The kit's check: |mean − ref| ≤ max(4·MCSE, 0.05·sd_ref), |sd − sd_ref| ≤ 0.1·sd_ref, R-hat ≤ 1.01, ESS ≥ 400.
      expect(Math.abs(m - ref.mean[e])).toBeLessThanOrEqual(Math.max(4 * mcse[e], 0.05 * ref.sd[e]));
      expect(Math.abs(sd - ref.sd[e])).toBeLessThanOrEqual(0.1 * ref.sd[e]);
      expect(rh[e]).toBeLessThanOrEqual(1.01);
      expect(ess[e]).toBeGreaterThanOrEqual(400);
    }
  }
  expect(mcmc.numDivergences.reduce((a, b) => a + b, 0)).toBeLessThan(10);
});
