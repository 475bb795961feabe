import { describe, expect, it } from "vitest";
import {
  autocorrelation,
  autocovariance,
  DiagnosticsError,
  type Draws,
  effectiveSampleSize,
  essBulk,
  essMean,
  essQuantile,
  essSd,
  essTail,
  gelmanRubin,
  hpdi,
  mcseMean,
  mcseQuantile,
  mcseSd,
  quantile,
  rhat,
  splitGelmanRubin,
  summary,
  summaryArviz,
} from "./index.js";
import {
  at,
  type ConvCase,
  close,
  type Deviation,
  deviationChecker,
  type EdgeFixture,
  lcgAr1,
  type Oracle,
  type Outcome,
  oracle,
  outcome,
} from "./testing/edge-fixture.js";
import { readFixture } from "./testing/fixture.js";

// ArviZ 0.23.4 and NumPyro 0.21.0 at edge inputs (scripts/arviz_edge_fixtures.py → fixtures/arviz-edge.json),
// convergence diagnostics, HDI and sequences (loo, waic, psislw and compare: arviz-edge-ic.test.ts):
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
      "arviz.mcse_mean",
      "arviz.summary.mcse_mean",
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
    where: "convergence/spread_below_resolution",
    keys: ["arviz.summary.sd", "numpyro.summary.std"],
    phlox: { exact: true },
    why: `${PRECISION} (the sd 1.85e-16 of draws 2^-52 apart, where the oracle gives 2.91e-16)`,
  },
  ...(
    [
      ["offset_spread_1e-12", "sd"],
      ["spread_below_resolution", "mean"],
      ["spread_below_resolution", "sd"],
    ] as const
  ).map(
    ([name, stat]): Deviation => ({
      where: `convergence/${name}`,
      keys: [`arviz.mcse_${stat}`, `arviz.summary.mcse_${stat}`],
      phlox: { exactAtFullEss: `arviz.ess_${stat}` },
      why:
        `${PRECISION}. ArviZ's ESS, as Phlox's, is C·D for a slab whose range is below 1e-15 (an absolute ` +
        `threshold): ${stat === "sd" ? "(x − x̄)², about 1e-24, is" : "the draws, 2^-51 apart, are"}; the ` +
        "rescaled exact draws are not, so Phlox gives the exact value rescaled to that ESS",
    }),
  ),
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
    check(where, `${group}.summary.${col}`, got, want as Oracle, {
      exact: c.exact,
      count: c.shape[0] * c.shape[1],
    });
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
          { exact: c.exact, count: c.shape[0] * c.shape[1] },
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

describe("the comparison with the oracle", () => {
  it("holds tiny values to their own scale: the absolute floor serves an expected exact 0 only", () => {
    expect(close(0, 1e-300, 1e-8)).toBe(false);
    expect(close(1.3e-17, 2.06e-17, 1e-8)).toBe(false);
    expect(close(1e-300 * (1 + 1e-9), 1e-300, 1e-8)).toBe(true);
    expect(close(1e-17, 0, 1e-8)).toBe(true);
    expect(close(Number.NaN, Number.NaN, 1e-8) && !close(0, Number.NaN, 1e-8)).toBe(true);
  });
});

describe("the DEVIATIONS table", () => {
  it("has no entry that no fixture case reaches (every pinned deviation was checked above)", () => {
    expect(unused()).toEqual([]);
  });
});
