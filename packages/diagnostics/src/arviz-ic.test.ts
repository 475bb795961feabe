import { describe, expect, it } from "vitest";
import { compare, type ElpdData, loo, looPit, psislw, waic } from "./index.js";
import { expectAllClose, expectClose, readFixture } from "./testing/fixture.js";

// ArviZ 0.23.4 `loo`, `waic`, `psislw`, `loo_pit` and `compare` on seeded log-likelihoods of three
// models of the same 10 observations, 4 chains × 80 draws (scripts/arviz_fixtures.py).
interface ModelFx {
  posterior: { mu: number[]; sigma: number[] };
  log_lik: number[];
  reff: number;
  loo: {
    elpd_loo: number;
    se: number;
    p_loo: number;
    warning: boolean;
    loo_i: number[];
    pareto_k: number[];
    good_k: number;
  };
  loo_deviance: { elpd_loo: number; se: number; p_loo: number; loo_i: number[] };
  waic: { elpd_waic: number; se: number; p_waic: number; warning: boolean; waic_i: number[] };
  y_hat?: number[];
  loo_pit?: number[];
}
interface Fx {
  ic: {
    y: number[];
    shape: number[];
    models: Record<string, ModelFx>;
    compare: Record<string, { names: string[]; columns: Record<string, number[]>; weight_tight?: number[] }>;
    one_chain_loo: { shape: number[]; elpd_loo: number; se: number; p_loo: number; pareto_k: number[] };
  };
  psislw: Record<string, { log_ratios: number[]; reff: number; log_weights: number[]; k: number }>;
}
const fx = readFixture<Fx>("arviz.json");
const { shape } = fx.ic;
const RTOL = 1e-8;
const draws = (data: number[], s: number[] = shape) => ({ data: Float64Array.from(data), shape: s });
const posterior = (m: ModelFx) => ({
  mu: draws(m.posterior.mu, shape.slice(0, 2)),
  sigma: draws(m.posterior.sigma, shape.slice(0, 2)),
});

describe("PSIS-LOO, WAIC and compare match ArviZ 0.23.4 to 1e-8", () => {
  const computed: Record<string, { loo: ElpdData; waic: ElpdData }> = {};
  for (const [name, m] of Object.entries(fx.ic.models)) {
    it(`loo of model "${name}" with ArviZ's r_eff from the posterior: elpd, se, p, loo_i, Pareto k`, () => {
      const res = loo(draws(m.log_lik), { posterior: posterior(m), warn: false });
      expectClose(res.reff![0], m.reff, RTOL, "reff");
      expectClose(res.estimate, m.loo.elpd_loo, RTOL, "elpd_loo");
      expectClose(res.se, m.loo.se, RTOL, "se");
      expectClose(res.p, m.loo.p_loo, RTOL, "p_loo");
      expectAllClose(res.pointwise, m.loo.loo_i, RTOL, "loo_i");
      expectAllClose(res.paretoK!, m.loo.pareto_k, RTOL, "pareto_k");
      expectClose(res.goodK!, m.loo.good_k, RTOL, "good_k");
      expect(res.warning).toBe(m.loo.warning);
      computed[name] = { loo: res, waic: waic(draws(m.log_lik)) };
    });
    it(`loo of model "${name}" on the deviance scale`, () => {
      const res = loo(draws(m.log_lik), { posterior: posterior(m), scale: "deviance", warn: false });
      expectClose(res.estimate, m.loo_deviance.elpd_loo, RTOL, "elpd_loo");
      expectClose(res.se, m.loo_deviance.se, RTOL, "se");
      expectClose(res.p, m.loo_deviance.p_loo, RTOL, "p_loo");
      expectAllClose(res.pointwise, m.loo_deviance.loo_i, RTOL, "loo_i");
    });
    it(`waic of model "${name}": elpd_waic, se, p_waic, waic_i, warning`, () => {
      const res = waic(draws(m.log_lik));
      expectClose(res.estimate, m.waic.elpd_waic, RTOL, "elpd_waic");
      expectClose(res.se, m.waic.se, RTOL, "se");
      expectClose(res.p, m.waic.p_waic, RTOL, "p_waic");
      expectAllClose(res.pointwise, m.waic.waic_i, RTOL, "waic_i");
      expect(res.warning).toBe(m.waic.warning);
    });
    if (m.loo_pit) {
      it(`looPit of model "${name}" with ArviZ's r_eff`, () => {
        const pit = looPit(fx.ic.y, draws(m.y_hat!), draws(m.log_lik), { reff: m.reff });
        expectAllClose(pit, m.loo_pit!, RTOL, "loo_pit");
      });
    }
  }

  for (const [key, cmp] of Object.entries(fx.ic.compare)) {
    const [group, ic, method] = key.split("_") as ["all" | "pair", "loo" | "waic", "stacking" | "pseudo-BMA"];
    it(`compare (${group} models, ${ic}, ${method}): order, elpd, p, elpd_diff, se, dse and weights`, () => {
      const names = group === "pair" ? ["normal", "shifted"] : Object.keys(fx.ic.models);
      const models = Object.fromEntries(
        names.map((n) => {
          const m = fx.ic.models[n];
          const d =
            ic === "loo"
              ? loo(draws(m.log_lik), { posterior: posterior(m), warn: false })
              : waic(draws(m.log_lik));
          return [n, d];
        }),
      );
      const rows = compare(models, { ic, method });
      expect(rows.map((r) => r.name)).toEqual(cmp.names);
      const col = cmp.columns;
      expectAllClose(
        rows.map((r) => r.rank),
        col.rank,
        0,
        "rank",
      );
      expectAllClose(
        rows.map((r) => r.elpd),
        col[`elpd_${ic}`],
        RTOL,
        "elpd",
      );
      expectAllClose(
        rows.map((r) => r.p),
        col[`p_${ic}`],
        RTOL,
        "p",
      );
      expectAllClose(
        rows.map((r) => r.elpdDiff),
        col.elpd_diff,
        RTOL,
        "elpd_diff",
      );
      expectAllClose(
        rows.map((r) => r.se),
        col.se,
        RTOL,
        "se",
      );
      expectAllClose(
        rows.map((r) => r.dse),
        col.dse,
        RTOL,
        "dse",
      );
      const w = rows.map((r) => r.weight);
      if (method === "pseudo-BMA") expectAllClose(w, col.weight, RTOL, "weight");
      else {
        // ArviZ solves the stacking problem with SLSQP at its default tolerance (ftol 1e-6), so its
        // weights are accurate to ~1e-5; the fixture also holds a tight SLSQP solution (ftol 1e-15).
        w.forEach((v, i) => {
          expect(Math.abs(v - col.weight[i])).toBeLessThan(1e-4);
        });
        w.forEach((v, i) => {
          expect(Math.abs(v - cmp.weight_tight![i])).toBeLessThan(1e-7);
        });
      }
    });
  }

  for (const [label, p] of Object.entries(fx.psislw)) {
    it(`psislw on the "${label}" ratios: smoothed normalised log weights and k`, () => {
      const res = psislw(Float64Array.from(p.log_ratios), { reff: p.reff });
      expectAllClose(res.logWeights, p.log_weights, RTOL, "log_weights");
      expectClose(res.paretoK[0], p.k, RTOL, "k");
    });
  }

  it("loo with one chain uses r_eff = 1, as ArviZ", () => {
    const m = fx.ic.models.normal;
    const S1 = fx.ic.one_chain_loo.shape;
    const one = m.log_lik.slice(0, S1[1] * S1[2]);
    const res = loo(draws(one, S1), { warn: false });
    expectClose(res.estimate, fx.ic.one_chain_loo.elpd_loo, RTOL, "elpd_loo");
    expectClose(res.se, fx.ic.one_chain_loo.se, RTOL, "se");
    expectClose(res.p, fx.ic.one_chain_loo.p_loo, RTOL, "p_loo");
    expectAllClose(res.paretoK!, fx.ic.one_chain_loo.pareto_k, RTOL, "pareto_k");
  });
});
