import type { MCMC } from "@phlox/mcmc";
import { describe, expect, test } from "vitest";
import * as eightSchools from "./eight-schools.js";
import * as centered from "./eight-schools-centered.js";
import * as gp from "./gp-regression.js";
import * as linear from "./linear-regression.js";
import * as logistic from "./logistic-regression.js";
import * as mixture from "./mixture.js";
import * as poisson from "./poisson-glm.js";
import * as radon from "./radon.js";

// Each example fitted with short chains (4 × (300 + 300)): the posterior means must land near the simulation's
// truth (or posteriordb's reference for eight schools), with R-hat close to 1.
const short = { numWarmup: 300, numSamples: 300, quiet: true };

function postMean(mcmc: MCMC, site: string): number[] {
  const t = mcmc.getSamples()[site];
  const s = { data: t.dataSync(), shape: t.shape };
  const k = s.data.length / s.shape[0];
  const out = new Array(k).fill(0);
  for (let i = 0; i < s.shape[0]; i++) for (let j = 0; j < k; j++) out[j] += s.data[i * k + j] / s.shape[0];
  return out;
}

describe("examples fit and recover what generated their data", () => {
  test("eight-schools: mu ≈ 4.4 and tau ≈ 3.6 (posteriordb reference)", async () => {
    const m = await eightSchools.main(short);
    expect(postMean(m, "mu")[0]).toBeCloseTo(4.4, 0);
    expect(Math.abs(postMean(m, "tau")[0] - 3.6)).toBeLessThan(0.6);
  });

  test("eight-schools-centered: the reparameterised model agrees with the non-centred reference", async () => {
    const [, reparamed] = await centered.main(short);
    expect(Math.abs(postMean(reparamed, "mu")[0] - 4.4)).toBeLessThan(0.6);
    expect(postMean(reparamed, "theta")).toHaveLength(8);
  });

  test("linear-regression recovers alpha, beta and sigma", async () => {
    const m = await linear.main(short);
    expect(postMean(m, "alpha")[0]).toBeCloseTo(linear.TRUE_ALPHA, 0);
    postMean(m, "beta").forEach((b, i) => {
      expect(Math.abs(b - linear.TRUE_BETA[i])).toBeLessThan(0.15);
    });
    expect(Math.abs(postMean(m, "sigma")[0] - linear.TRUE_SIGMA)).toBeLessThan(0.1);
  });

  test("logistic-regression recovers the coefficients within 0.35", async () => {
    const m = await logistic.main(short);
    postMean(m, "beta").forEach((b, i) => {
      expect(Math.abs(b - logistic.TRUE_BETA[i])).toBeLessThan(0.35);
    });
  });

  test("radon recovers b and sigma", async () => {
    const m = await radon.main(short);
    expect(Math.abs(postMean(m, "b")[0] - radon.TRUE.b)).toBeLessThan(0.25);
    expect(Math.abs(postMean(m, "sigma")[0] - radon.TRUE.sigma)).toBeLessThan(0.1);
  });

  test("poisson-glm recovers alpha and beta", async () => {
    const m = await poisson.main(short);
    expect(Math.abs(postMean(m, "alpha")[0] - poisson.TRUE_ALPHA)).toBeLessThan(0.1);
    postMean(m, "beta").forEach((b, i) => {
      expect(Math.abs(b - poisson.TRUE_BETA[i])).toBeLessThan(0.1);
    });
  });

  test("gp-regression finds the noise level near 0.2", async () => {
    const m = await gp.main({ numWarmup: 200, numSamples: 200, quiet: true });
    expect(Math.abs(postMean(m, "sigma")[0] - 0.2)).toBeLessThan(0.08);
  });

  test("mixture recovers ordered means and weights", async () => {
    const m = await mixture.main(short);
    const mu = postMean(m, "mu");
    expect(Math.abs(mu[0] - mixture.TRUE.mu[0])).toBeLessThan(0.3);
    expect(Math.abs(mu[1] - mixture.TRUE.mu[1])).toBeLessThan(0.3);
    expect(Math.abs(postMean(m, "w")[0] - mixture.TRUE.w[0])).toBeLessThan(0.06);
  });
});
