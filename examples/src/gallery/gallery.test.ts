import { describe, expect, test } from "vitest";
import { posteriorMean, type RunResult, type SiteDraws } from "./example.js";
import { exampleIds, loadExample } from "./index.js";

// Every gallery example fitted with short chains (2 × (300 + 300) unless said otherwise): what it recovers is
// checked against the simulation's truth or the published reference, and the summary has a row per site.
const short = { numWarmup: 300, numSamples: 300, numChains: 2 };

const mean = (r: RunResult, site: string): number[] => posteriorMean(r.draws[site] as SiteDraws);
const near = (got: number, want: number, tol: number): void => {
  expect(Math.abs(got - want)).toBeLessThan(tol);
};

async function fit(id: string, options = short): Promise<RunResult> {
  const ex = await loadExample(id);
  expect(ex.meta.id).toBe(id);
  let last = 0;
  const r = await ex.run({ ...options, onProgress: (p) => (last = p.fraction) });
  expect(last).toBeCloseTo(1, 6);
  for (const site of ex.meta.plotSites) expect(r.draws[site], `${id}: plotted site ${site}`).toBeDefined();
  expect(r.summary.length).toBeGreaterThan(0);
  for (const row of r.summary) expect(Number.isFinite(row.mean), `${id}: ${row.label}`).toBe(true);
  return r;
}

describe("gallery: twenty NumPyro examples", () => {
  test("has twenty examples, each loadable by id", async () => {
    expect(exampleIds).toHaveLength(20);
    await expect(loadExample("nope")).rejects.toThrow(/known: eight-schools/);
  });

  test("eight-schools: mu ≈ 4.4, tau ≈ 3.6 (posteriordb)", async () => {
    const r = await fit("eight-schools", { numWarmup: 500, numSamples: 500, numChains: 2 });
    near(mean(r, "mu")[0] as number, 4.4, 1);
    near(mean(r, "tau")[0] as number, 3.6, 1);
  });

  test("baseball: partial pooling predicts the rest of the season better than the raw averages", async () => {
    const r = await fit("baseball");
    expect(r.extra.msePooled as number).toBeLessThan((r.extra.mseRaw as number) / 2);
    const p = mean(r, "p");
    // shrinkage: the best raw average (18/45 = 0.4) is pulled towards the league mean
    expect(p[0] as number).toBeLessThan(0.33);
    expect(p[17] as number).toBeGreaterThan(7 / 45);
  });

  test("linear-regression recovers alpha, beta, sigma", async () => {
    const r = await fit("linear-regression");
    near(mean(r, "alpha")[0] as number, 1, 0.15);
    mean(r, "beta").forEach((b, i) => {
      near(b, [1.5, -2, 0.5][i] as number, 0.15);
    });
    near(mean(r, "sigma")[0] as number, 0.5, 0.1);
  });

  test("logistic-regression recovers beta", async () => {
    const r = await fit("logistic-regression");
    mean(r, "beta").forEach((b, i) => {
      near(b, [1, -1, 0.5, 2][i] as number, 0.35);
    });
  });

  test("ordinal-regression recovers beta and the cutpoints", async () => {
    const r = await fit("ordinal-regression");
    near(mean(r, "beta")[0] as number, 1.5, 0.35);
    mean(r, "cutpoints").forEach((c, i) => {
      near(c, [-1, 1][i] as number, 0.35);
    });
  });

  test("radon recovers b and sigma", async () => {
    const r = await fit("radon");
    near(mean(r, "b")[0] as number, -0.7, 0.25);
    near(mean(r, "sigma")[0] as number, 0.8, 0.1);
  });

  test("horseshoe keeps the two signals and shrinks the eight zeros", async () => {
    const r = await fit("horseshoe");
    const beta = mean(r, "beta");
    near(beta[0] as number, 2, 0.3);
    near(beta[1] as number, -1.5, 0.3);
    for (const b of beta.slice(2)) expect(Math.abs(b)).toBeLessThan(0.2);
  });

  test("gp-regression finds the noise level near 0.2", async () => {
    const r = await fit("gp-regression", { numWarmup: 200, numSamples: 200, numChains: 2 });
    near(mean(r, "sigma")[0] as number, 0.2, 0.08);
  });

  test("funnel: the centred fit misses the neck, the reparameterised one gets y's spread of 3", async () => {
    const r = await fit("funnel");
    expect(r.extra.divergencesReparam as number).toBeLessThanOrEqual(r.extra.divergencesCentred as number);
    expect(r.extra.sdYCentred as number).toBeLessThan(2.6);
    near(r.extra.sdYReparam as number, 3, 0.4);
  });

  test("survival recovers alpha and beta with censoring", async () => {
    const r = await fit("survival");
    expect(r.extra.numCensored as number).toBeGreaterThan(30);
    near(mean(r, "alpha")[0] as number, -0.5, 0.2);
    near(mean(r, "beta")[0] as number, 0.8, 0.2);
  });

  test("zero-inflated-poisson recovers gate, alpha, beta", async () => {
    const r = await fit("zero-inflated-poisson");
    near(mean(r, "gate")[0] as number, 0.3, 0.08);
    near(mean(r, "alpha")[0] as number, 0.5, 0.15);
    near(mean(r, "beta")[0] as number, 0.8, 0.15);
  });

  test("ucb-admissions: the gender effect vanishes within departments (Simpson's paradox)", async () => {
    const r = await fit("ucb-admissions");
    near(r.extra.pooledLogOdds as number, 0.61, 0.02);
    near(mean(r, "b_male")[0] as number, -0.1, 0.15);
  });

  test("gaussian-mixture recovers weights and means", async () => {
    const r = await fit("gaussian-mixture");
    expect(r.draws.z, "the labels are summed out, not sampled").toBeUndefined();
    mean(r, "mu").forEach((m, i) => {
      near(m, [-2, 2][i] as number, 0.3);
    });
    near(mean(r, "w")[0] as number, 0.3, 0.06);
  });

  // The enumerated fit is the same call in both hmm tests (same seed and options): fit it once.
  let hmmFit: RunResult | undefined;
  test("hmm recovers the emission means and the stay probabilities", async () => {
    const r = await fit("hmm");
    hmmFit = r;
    mean(r, "mu").forEach((m, i) => {
      near(m, [-1, 1.5][i] as number, 0.3);
    });
    const trans = mean(r, "trans");
    near(trans[0] as number, 0.9, 0.1);
    near(trans[3] as number, 0.8, 0.12);
  });

  test("hmm: the enumerated markov model and the hand-written scan forward algorithm give the same posterior", async () => {
    const { run } = await import("./hmm.js");
    const [a, b] = [hmmFit ?? (await run({ ...short })), await run({ ...short, handWritten: true })];
    for (const site of ["mu", "trans"]) {
      const [ma, mb] = [mean(a, site), mean(b, site)];
      ma.forEach((v, i) => {
        near(v, mb[i] as number, 0.15);
      });
    }
  });

  test("change-point finds tau ≈ 40 and both rates", async () => {
    const r = await fit("change-point");
    near(mean(r, "tau")[0] as number, 40, 4);
    near(mean(r, "r1")[0] as number, 3, 0.8);
    near(mean(r, "r2")[0] as number, 8, 1.2);
  });

  test("ar2 recovers the coefficients", async () => {
    const r = await fit("ar2");
    near(mean(r, "beta1")[0] as number, 0.6, 0.15);
    near(mean(r, "beta2")[0] as number, -0.3, 0.15);
    near(mean(r, "sigma")[0] as number, 0.5, 0.08);
  });

  test("holt-winters recovers the noise scale", async () => {
    const r = await fit("holt-winters");
    near(mean(r, "sigma")[0] as number, 0.3, 0.15);
  });

  test("stochastic-volatility: the posterior mean of h tracks the true log-volatility", async () => {
    const r = await fit("stochastic-volatility");
    expect(r.draws.h?.shape).toEqual([2, 300, 150]);
    expect(r.extra.corrH as number).toBeGreaterThan(0.5);
  });

  test("bnn: the posterior-mean prediction follows the curve", async () => {
    const r = await fit("bnn", { numWarmup: 200, numSamples: 200, numChains: 2 });
    expect(r.extra.rmse as number).toBeLessThan(0.15);
  });

  test("model-comparison ranks the quadratic first by PSIS-LOO", async () => {
    const r = await fit("model-comparison");
    expect(r.extra.best).toBe("quadratic");
    expect(r.extra.elpdDiff as number).toBeGreaterThan(5);
    expect(r.extra.weightQuadratic as number).toBeGreaterThan(0.9);
    expect(r.extra.maxParetoK as number).toBeLessThan(0.7);
  });
});
