import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from "vitest";
import {
  autocorrelation,
  autocovariance,
  compare,
  DiagnosticsError,
  type Draws,
  type ElpdData,
  effectiveSampleSize,
  essBulk,
  essMean,
  essQuantile,
  essSd,
  essTail,
  gelmanRubin,
  hpdi,
  loo,
  mcseMean,
  mcseQuantile,
  mcseSd,
  psislw,
  quantile,
  rhat,
  splitGelmanRubin,
  summary,
  summaryArviz,
  waic,
} from "./index.js";
import {
  at,
  buildArray,
  type ConvCase,
  type Deviation,
  deviationChecker,
  type EdgeFixture,
  type IcResult,
  lcgAr1,
  type Oracle,
  type Outcome,
  oracle,
  outcome,
  warningKinds,
} from "./testing/edge-fixture.js";
import { readFixture } from "./testing/fixture.js";

// ArviZ 0.23.4 and NumPyro 0.21.0 at edge inputs (scripts/arviz_edge_fixtures.py → fixtures/arviz-edge.json):
// every number must agree to 1e-8, an oracle error must be a DiagnosticsError, unless DEVIATIONS pins what
// Phlox gives instead and why. A pinned deviation that agrees with the oracle again fails (stale).

const PRECISION =
  "the oracle's sums of the raw draws lose the digits of a large common offset; Phlox sums differences " +
  "from a pivot draw and equals the oracle on the exactly rescaled draws";
const DEVIATIONS: Deviation[] = [
  {
    where: "convergence/offset_1e10",
    keys: [
      "arviz.rhat_identity",
      "arviz.ess_mean",
      "arviz.ess_sd",
      "arviz.mcse_mean",
      "arviz.mcse_sd",
      "arviz.summary.mcse_mean",
      "arviz.summary.mcse_sd",
      "numpyro.gelman_rubin",
      "numpyro.effective_sample_size*",
      "numpyro.summary.n_eff",
    ],
    phlox: { exact: true },
    why: PRECISION,
  },
  {
    where: "convergence/offset_spread_1e-12",
    keys: [
      "arviz.rhat_split",
      "arviz.rhat_identity",
      "arviz.ess_mean",
      "numpyro.*gelman_rubin",
      "numpyro.effective_sample_size*",
      "numpyro.summary.n_eff",
      "numpyro.summary.r_hat",
    ],
    phlox: { exact: true },
    why: PRECISION,
  },
  {
    where: "convergence/spread_below_resolution",
    keys: [
      "arviz.rhat_split",
      "arviz.rhat_identity",
      "numpyro.*gelman_rubin",
      "numpyro.effective_sample_size*",
      "numpyro.summary.n_eff",
      "numpyro.summary.r_hat",
    ],
    phlox: { exact: true },
    why: `${PRECISION} (draws 1, 1 + 2^-52, 1 + 2^-51: NumPyro's ESS 6 is rounding noise, the exact value is 197)`,
  },
  {
    where: "convergence/chains_constant_at_different_values",
    keys: ["arviz.rhat", "arviz.summary.r_hat"],
    phlox: { values: [Number.POSITIVE_INFINITY] },
    why:
      "every half chain is constant, so the within-chain variance of the rank-normalised draws is exactly 0 " +
      "and R-hat is ∞ (ArviZ's own split R-hat is ∞ here); ArviZ's 7.8e15 is rounding noise in its chain means",
  },
  {
    where: "convergence/chains_constant_at_different_values",
    keys: ["numpyro.effective_sample_size*", "numpyro.summary.n_eff"],
    phlox: { exact: true },
    why:
      "NumPyro normalises each chain's autocovariance by its variance, 0/0 for a constant chain whose mean " +
      "rounds to its value (NaN here, 68.9 for a chain of 0.37s); Phlox sums the autocovariances directly (0 for a " +
      "constant chain), NumPyro's own value wherever its rounding leaves a finite one",
  },
  {
    where: "convergence/mostly_zero",
    keys: ["numpyro.effective_sample_size*", "numpyro.summary.n_eff"],
    phlox: { exact: true },
    why: "as above: chain 2 is all zeros, NumPyro's 0/0 gives NaN for the whole ESS",
  },
  {
    where: "convergence/chains2_draws3",
    keys: [
      "arviz.r*",
      "arviz.ess*",
      "arviz.mcse*",
      "arviz.summary.*",
      "numpyro.gelman_rubin",
      "numpyro.effective_sample_size*",
    ],
    phlox: { throws: "too-few-draws" },
    why:
      "below 4 draws per chain Phlox throws a clear too-few-draws error; ArviZ returns NaN diagnostics (with " +
      "a number for the mean and sd), NumPyro's whole-chain R-hat and ESS a number from 3 draws",
  },
  ...[
    "normal_1000",
    "bimodal_1000",
    "n1",
    "n2",
    "n3",
    "all_equal",
    "integer_ties",
    "with_nan",
    "with_plus_inf",
    "inf_both_ends",
    "huge_1e308",
  ].flatMap((name): Deviation[] => [
    {
      where: `hdi/${name}`,
      keys: ["1.0.*"],
      phlox: { ends: true },
      why:
        "at prob 1 ArviZ and NumPyro raise (floor(prob·n) = n leaves no interval); Phlox returns [min, max], the " +
        "interval ArviZ gives for every prob in [(n − 1)/n, 1) (see hdi-limits.test.ts)",
    },
    {
      where: `hdi/${name}`,
      keys: ["0.0.numpyro"],
      phlox: { throws: "invalid-argument" },
      why: "NumPyro's hpdi accepts prob 0 (an empty interval at the minimum); Phlox and ArviZ reject it",
    },
  ]),
  {
    where: "sequences/with_inf",
    keys: ["quantile"],
    phlox: { values: [-1, -0.55, 1.25, Number.NaN, Number.POSITIVE_INFINITY] },
    why:
      "the 1.0 quantile of draws holding +∞ is the largest draw, +∞; NumPy's linear interpolation computes ∞ − ∞ " +
      "even with no interpolation needed (weight 0) and gives NaN. Between 2 and +∞ both give NaN.",
  },
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

function drawsOf(c: ConvCase): Draws {
  if (!c.gen) return { data: Float64Array.from(c.data as number[]), shape: c.shape };
  const data = lcgAr1(c.gen);
  expect(data[data.length - 1], "regenerated chain").toBe(c.gen.last);
  return { data, shape: c.shape };
}

/** hpdi over chain·draw, interleaved [lower, upper] per element as ArviZ's hdi. */
function hdiPairs(x: Draws, prob: number): number[] {
  const [C, D, ...rest] = x.shape;
  const h = hpdi({ data: x.data, shape: [C * D, ...rest] }, prob);
  const E = h.length / 2;
  return Array.from({ length: E }, (_, e) => [h[e], h[E + e]]).flat();
}

const CONVERGENCE: [string, (x: Draws) => ArrayLike<number> | number][] = [
  ["arviz.rhat", rhat],
  ["arviz.rhat_split", splitGelmanRubin],
  ["arviz.rhat_identity", gelmanRubin],
  ["arviz.ess_bulk", essBulk],
  ["arviz.ess_tail", (x) => essTail(x)],
  ["arviz.ess_tail_10_90", (x) => essTail(x, [0.1, 0.9])],
  ["arviz.ess_mean", essMean],
  ["arviz.ess_sd", essSd],
  ["arviz.ess_median", (x) => essQuantile(x, 0.5)],
  ["arviz.ess_quantile", (x) => essQuantile(x, fx.quantile_prob)],
  ["arviz.ess_quantile_0", (x) => essQuantile(x, 0)],
  ["arviz.ess_quantile_1", (x) => essQuantile(x, 1)],
  ["arviz.mcse_mean", mcseMean],
  ["arviz.mcse_sd", mcseSd],
  ["arviz.mcse_median", (x) => mcseQuantile(x, 0.5)],
  ["arviz.mcse_quantile", (x) => mcseQuantile(x, fx.quantile_prob)],
  ["arviz.hdi90", (x) => hdiPairs(x, 0.9)],
  ["numpyro.split_gelman_rubin", splitGelmanRubin],
  ["numpyro.gelman_rubin", gelmanRubin],
  ["numpyro.effective_sample_size", (x) => effectiveSampleSize(x)],
  ["numpyro.effective_sample_size_unbiased", (x) => effectiveSampleSize(x, { bias: false })],
  [
    "numpyro.hpdi90",
    (x) => hpdi({ data: x.data, shape: [x.shape[0] * x.shape[1], ...x.shape.slice(2)] }, 0.9),
  ],
];
const ARVIZ_SUMMARY: [string, keyof ReturnType<typeof summaryArviz>[number]][] = [
  ["mean", "mean"],
  ["sd", "sd"],
  ["hdi_3%", "hdiLower"],
  ["hdi_97%", "hdiUpper"],
  ["mcse_mean", "mcseMean"],
  ["mcse_sd", "mcseSd"],
  ["ess_bulk", "essBulk"],
  ["ess_tail", "essTail"],
  ["r_hat", "rHat"],
];
const NUMPYRO_SUMMARY: [string, keyof ReturnType<typeof summary>[number]][] = [
  ["mean", "mean"],
  ["std", "std"],
  ["median", "median"],
  ["5.0%", "hpdiLower"],
  ["95.0%", "hpdiUpper"],
  ["n_eff", "nEff"],
  ["r_hat", "rHat"],
];

function summaryColumns<R>(
  where: string,
  group: "arviz" | "numpyro",
  c: ConvCase,
  run: () => R[],
  columns: [string, keyof R][],
): void {
  const table = c[group].summary as Record<string, number[]> | { error: string };
  let rows: R[] | { throws: string };
  try {
    rows = run();
  } catch (e) {
    if (!(e instanceof DiagnosticsError)) throw e;
    rows = { throws: e.code };
  }
  for (const [col, field] of columns) {
    const want = "error" in table ? (table as { error: string }) : table[col];
    const got: Outcome = Array.isArray(rows) ? { values: rows.map((r) => r[field] as number) } : rows;
    check(where, `${group}.summary.${col}`, got, want as Oracle, { exact: c.exact });
  }
}

describe(`convergence diagnostics at edge draws match ArviZ ${fx.arviz_version} and NumPyro ${fx.numpyro_version}`, () => {
  for (const [name, c] of Object.entries(fx.convergence)) {
    it(`R-hat, ESS, MCSE, HDI and both summaries on "${name}" (shape ${JSON.stringify(c.shape)})`, () => {
      const where = `convergence/${name}`;
      const x = drawsOf(c);
      for (const [key, fn] of CONVERGENCE) {
        // ArviZ's split and identity R-hat need 2 chains (NaN below); Phlox's are NumPyro's, checked against NumPyro
        if (c.shape[0] < 2 && (key === "arviz.rhat_split" || key === "arviz.rhat_identity")) continue;
        check(
          where,
          key,
          outcome(() => fn(x)),
          oracle(at(c, key)),
          { exact: c.exact },
        );
      }
      summaryColumns(where, "arviz", c, () => summaryArviz({ x }), ARVIZ_SUMMARY);
      summaryColumns(where, "numpyro", c, () => summary({ x }, { prob: 0.9 }), NUMPYRO_SUMMARY);
    });
  }
});

describe("hpdi at probabilities near 0 and 1, tiny, tied, infinite and NaN draws (ArviZ hdi, NumPyro hpdi)", () => {
  for (const [name, c] of Object.entries(fx.hdi)) {
    it(`hpdi on "${name}" (n = ${c.x.length})`, () => {
      for (const [p, r] of Object.entries(c.hdi)) {
        const got = outcome(() => hpdi(c.x, Number(p)));
        check(`hdi/${name}`, `${p}.arviz`, got, oracle(r.arviz), { draws: c.x });
        check(`hdi/${name}`, `${p}.numpyro`, got, oracle(r.numpyro), { draws: c.x });
      }
    });
  }
});

describe("NumPyro's autocorrelation and autocovariance, and NumPy's quantiles, on degenerate sequences", () => {
  for (const [name, c] of Object.entries(fx.sequences)) {
    it(`on "${name}"`, () => {
      const where = `sequences/${name}`;
      check(
        where,
        "autocorrelation",
        outcome(() => autocorrelation(c.x)),
        oracle(c.autocorrelation),
      );
      check(
        where,
        "autocorrelation_unbiased",
        outcome(() => autocorrelation(c.x, { bias: false })),
        oracle(c.autocorrelation_unbiased),
      );
      check(
        where,
        "autocovariance",
        outcome(() => autocovariance(c.x)),
        oracle(c.autocovariance),
      );
      check(
        where,
        "quantile",
        outcome(() => quantile(c.x, [0, 0.1, 0.5, 0.9, 1])),
        oracle(c.quantile),
      );
    });
  }
});

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
