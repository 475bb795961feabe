import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from "vitest";
import { compare, type ElpdData, loo, psislw, waic } from "./index.js";
import {
  buildArray,
  type Deviation,
  deviationChecker,
  type EdgeFixture,
  type IcResult,
  type Oracle,
  outcome,
  warningKinds,
} from "./testing/edge-fixture.js";
import { readFixture } from "./testing/fixture.js";

// ArviZ 0.23.4 at edge log-likelihoods (scripts/arviz_edge_fixtures.py → fixtures/arviz-edge.json): loo, waic,
// psislw and compare (the convergence cases: arviz-edge.test.ts). Every number must agree to 1e-8, an oracle
// error must be a DiagnosticsError, unless DEVIATIONS pins what Phlox gives instead and why. A pinned deviation
// that agrees with the oracle again fails (stale).

const DEVIATIONS: Deviation[] = [
  {
    where: "ic/draws_2x3",
    keys: ["loo*", "waic*"],
    phlox: { throws: "too-few-draws" },
    why: "3 draws per chain: Phlox's clear too-few-draws error, as for every function here; ArviZ computes",
  },
  {
    where: "ic/reff_nan",
    keys: ["loo", "loo_deviance"],
    phlox: { throws: "invalid-argument" },
    why:
      "an r_eff the caller gives must be positive; ArviZ silently takes a tail of S/5 draws for NaN (Phlox " +
      "does that too when the NaN comes from the posterior's ESS, as ArviZ: case posterior_with_nan)",
  },
  ...["loo", "waic"].flatMap((ic): Deviation[] => [
    {
      where: "compare/huge_pointwise",
      keys: [`${ic}_stacking_log.weight`, `${ic}_stacking_deviance.weight`],
      phlox: { shiftedStacking: true },
      why:
        "ArviZ exponentiates the pointwise elpd (about −1000 here) unshifted: every term underflows to 0, the " +
        "objective is −∞ and SLSQP stops at equal weights. Phlox shifts each observation by its max.",
    },
  ]),
];

const fx = readFixture<EdgeFixture>("arviz-edge.json");
const RTOL = 1e-8;
const { check, unused } = deviationChecker(DEVIATIONS, RTOL);

function looValues(r: ElpdData, withK: boolean): number[] {
  const base = [r.estimate, r.se, r.p, ...r.pointwise];
  return withK ? [...base, ...(r.paretoK as Float64Array), r.goodK as number, r.warning ? 1 : 0] : base;
}

function looOracle(o: IcResult | { error: string }, withK: boolean): Oracle {
  if ("error" in o) return o as { error: string };
  const base = [o.elpd_loo, o.se, o.p_loo, ...(o.loo_i as number[])] as number[];
  return withK ? [...base, ...(o.pareto_k as number[]), o.good_k as number, o.warning ? 1 : 0] : base;
}

describe("loo and waic at edge log-likelihoods match ArviZ (values, Pareto k, warnings)", () => {
  let spy: MockInstance<(...args: unknown[]) => void>;
  beforeEach(() => {
    spy = vi.spyOn(console, "warn").mockImplementation(() => {});
  });
  afterEach(() => spy.mockRestore());
  const messages = () => spy.mock.calls.map((call) => String(call[0]));

  for (const [name, c] of Object.entries(fx.ic)) {
    it(`loo (log and deviance scale) and waic on "${name}" (shape ${JSON.stringify(c.shape)})`, () => {
      const where = `ic/${name}`;
      const ll = buildArray(c.log_lik, fx.arrays);
      const posterior = Object.fromEntries(
        Object.entries(c.posterior).map(([k, s]) => [k, buildArray(s, fx.arrays)]),
      );
      const opts = c.reff !== undefined ? { reff: c.reff } : { posterior };
      spy.mockClear();
      const lo = outcome(() => looValues(loo(ll, opts), true));
      check(where, "loo", lo, looOracle(c.loo, true));
      if ("values" in lo) {
        // the same warnings as ArviZ; the Pareto k one names the threshold as ArviZ does
        const kinds = warningKinds(messages());
        expect(kinds, `${where}: loo warnings`).toEqual(warningKinds(c.loo_warnings));
        const goodK = lo.values[lo.values.length - 2];
        if (kinds.includes("pareto-k"))
          expect(messages().join()).toContain(`greater than ${goodK.toFixed(2)}`);
      }
      check(
        where,
        "loo_deviance",
        outcome(() => looValues(loo(ll, { ...opts, scale: "deviance", warn: false }), false)),
        looOracle(c.loo_deviance, false),
      );
      spy.mockClear();
      const wa = outcome(() => {
        const r = waic(ll);
        return [r.estimate, r.se, r.p, ...r.pointwise, r.warning ? 1 : 0];
      });
      const w = c.waic as IcResult;
      const want =
        "error" in w
          ? (w as { error: string })
          : ([w.elpd_waic, w.se, w.p_waic, ...(w.waic_i as number[]), w.warning ? 1 : 0] as number[]);
      check(where, "waic", wa, want);
      if ("values" in wa)
        expect(warningKinds(messages()), `${where}: waic warnings`).toEqual(warningKinds(c.waic_warnings));
    });
  }
});

describe("psislw at edge log ratios matches ArviZ", () => {
  for (const [name, c] of Object.entries(fx.psislw)) {
    it(`psislw on "${name}"`, () => {
      const got = outcome(() => {
        const r = psislw(Float64Array.from(c.log_ratios), { reff: c.reff });
        return [...r.logWeights, r.paretoK[0]];
      });
      check(
        `psislw/${name}`,
        "psislw",
        got,
        c.error ? { error: c.error } : [...(c.log_weights as number[]), c.k as number],
      );
    });
  }
});

describe("compare at identical models and huge pointwise values matches ArviZ (ranks, elpd, dse, weights)", () => {
  for (const [name, c] of Object.entries(fx.compare)) {
    it(`compare on "${name}": loo and waic, stacking, pseudo-BMA and BB-pseudo-BMA, log and deviance scale`, () => {
      const posterior = Object.fromEntries(
        Object.entries(c.posterior).map(([k, s]) => [k, buildArray(s, fx.arrays)]),
      );
      for (const [key, { value }] of Object.entries(c.results)) {
        const [ic, method, scale] = key.split("_") as ["loo" | "waic", string, "log" | "deviance"];
        const models = Object.fromEntries(
          Object.entries(c.log_lik).map(([m, s]) => {
            const ll = buildArray(s, fx.arrays);
            return [
              m,
              ic === "loo" ? loo(ll, { posterior, scale, warn: false }) : waic(ll, { scale, warn: false }),
            ];
          }),
        );
        const where = `compare/${name}`;
        // BB-pseudo-BMA's bootstrap runs on Phlox's own generator: 20000 samples against ArviZ's 1000
        const bb = method === "BB-pseudo-BMA";
        const run = () =>
          compare(models, { ic, scale, method: method as "stacking", ...(bb ? { bSamples: 20000 } : {}) });
        if ("error" in value) {
          check(
            where,
            key,
            outcome(() => run().map((r) => r.elpd)),
            value,
          );
          continue;
        }
        const col = value.columns;
        const rows = outcome(() =>
          run().flatMap((r) => [r.rank, r.elpd, r.p, r.elpdDiff, r.se, r.dse, r.weight]),
        );
        if (!("values" in rows)) {
          check(where, key, rows, col[`elpd_${ic}`]);
          continue;
        }
        const names = run().map((r) => r.name);
        expect(names, `${where} ${key}: order`).toEqual(value.names);
        const pick = (j: number) => ({ values: rows.values.filter((_, i) => i % 7 === j) });
        check(where, `${key}.rows`, pick(0), col.rank);
        for (const [j, label] of [
          [1, `elpd_${ic}`],
          [2, `p_${ic}`],
          [3, "elpd_diff"],
          [4, "se"],
          [5, "dse"],
        ] as const) {
          if (bb && label === "se") continue;
          check(where, `${key}.${label}`, pick(j), col[label]);
        }
        if (bb) {
          // Monte Carlo error of the bootstrap (weights' sd ≤ ½; the relative sd of an sd ≈ 1/√(2B)), 5 sds
          const w = pick(6).values;
          const se = pick(4).values;
          let want = col.weight;
          if (want.some(Number.isNaN) && scale === "deviance") {
            // ArviZ divides z − max(z) by the deviance scale's −2 before exponentiating: with |elpd| this
            // large the exponentials overflow and its weights are ∞/∞ = NaN. Phlox shifts the exponents
            // themselves by their maximum, which gives the log scale's weights (exp(z/−2) with z = −2·z_log):
            // compared with ArviZ's log-scale weights of the same case.
            const log = c.results[`${ic}_${method}_log`]?.value;
            if (!log || "error" in log) throw new Error(`${where}: no log-scale ${ic} BB-pseudo-BMA result`);
            want = log.columns.weight;
          }
          const wTol = 5 * 0.5 * Math.sqrt(1 / 1000 + 1 / 20000);
          const seTol = 5 * Math.sqrt(1 / 2000 + 1 / 40000);
          for (const [i, v] of w.entries())
            expect(Math.abs(v - want[i]), `${where} ${key}.weight[${i}]`).toBeLessThan(wTol);
          for (const [i, v] of se.entries())
            expect(Math.abs(v / col.se[i] - 1), `${where} ${key}.se[${i}]`).toBeLessThan(seTol);
          continue;
        }
        // ArviZ's SLSQP stops at its default tolerance: stacking weights agree to 1e-4 (arviz-ic.test.ts holds
        // them to a tight solution); pseudo-BMA's closed form to 1e-8
        const shifted = c[`${ic}_stacking_weight_shifted`] as number[] | undefined;
        const tol = method === "stacking" ? 1e-4 : RTOL;
        check(where, `${key}.weight`, pick(6), col.weight, { stacking: shifted }, tol);
      }
    });
  }
});

describe("the DEVIATIONS table", () => {
  it("has no entry that no fixture case reaches (every pinned deviation was checked above)", () => {
    expect(unused()).toEqual([]);
  });
});
