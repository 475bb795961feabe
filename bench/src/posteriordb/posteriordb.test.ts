import { describe, expect, test } from "vitest";
import { checkPosterior } from "./check.js";

// The fast posteriordb posteriors, 4 chains × (1000 warmup + 1000 draws) each, every reference element checked:
// |mean − ref| ≤ max(4·MCSE, 0.05·ref sd), |sd − ref sd| ≤ 0.1·ref sd, R-hat ≤ 1.01, bulk ESS ≥ 400.
// `pnpm --filter @phlox/bench posteriordb` runs all 16.
const FAST = [
  "eight_schools-eight_schools_noncentered",
  "sblrc-blr",
  "arK-arK",
  "arK-arK:scan",
  "garch-garch11:scan",
  "GLM_Poisson_Data-GLM_Poisson_model",
  "gp_pois_regr-gp_regr",
  "radon_mn-radon_hierarchical_intercept_noncentered",
];

describe("NUTS matches posteriordb reference posteriors", () => {
  for (const name of FAST) {
    test(`${name}: every element within tolerance of the reference`, async () => {
      const r = await checkPosterior(name, { seed: 1 });
      const bad = r.elements.filter((e) => !e.ok).map((e) => `${e.name} (${e.why})`);
      expect(bad).toEqual([]);
      // A stray divergence in 4000 draws happens with the non-centred eight schools too (Stan sees them); more
      // than two means the adaptation or the integrator went wrong.
      expect(r.divergences).toBeLessThanOrEqual(2);
    });
  }

  test("eight_schools_centered: passes or reports its divergences", async () => {
    const r = await checkPosterior("eight_schools-eight_schools_centered", { seed: 1 });
    // The centred parameterisation has a funnel NUTS cannot fully explore at adapt_delta 0.8: it must either
    // match the reference or say so through divergences.
    expect(r.failed === 0 || r.divergences > 0).toBe(true);
  });
});
