import { fromArrays, type InferenceData } from "@phlox/arviz-io";
import { quantile } from "@phlox/diagnostics";
import { seed, trace, uncondition } from "@phlox/handlers";
import { Predictive } from "@phlox/infer";
import { key } from "@phlox/tensor";
import { CliError } from "./errors.js";
import type { DataRecord } from "./files.js";
import { fixed, table } from "./format.js";
import { type SiteDraws, toDraws } from "./internal/draws.js";
import type { ModelModule } from "./model-module.js";

/** Options of {@link priorCheck}. */
export interface PriorCheckOptions {
  /** Prior predictive draws (default 500). */
  numSamples?: number;
  /** PRNG seed (default 0). */
  seed?: number;
  /** The interval reported for each statistic (default 0.94, as ArviZ's HDI). */
  prob?: number;
}

/** One test statistic of one observed site: its observed value against its prior predictive distribution. */
export interface PriorCheckStat {
  /** The observed site. */
  readonly site: string;
  /** `mean`, `sd`, `min` or `max` over the site's elements. */
  readonly stat: "mean" | "sd" | "min" | "max";
  /** T(y). */
  readonly observed: number;
  /** Mean of T(y_rep) over the prior predictive draws. */
  readonly predictiveMean: number;
  /** Central interval of T(y_rep) of mass `prob`. */
  readonly lower: number;
  readonly upper: number;
  /** P(T(y_rep) ≤ T(y)): near 0 or 1 means the prior rarely produces data like the observed. */
  readonly pValue: number;
  /** Whether T(y) lies outside the interval. */
  readonly outside: boolean;
}

/** A latent site's prior, element by element. */
export interface PriorSiteRow {
  readonly label: string;
  readonly mean: number;
  readonly sd: number;
  readonly lower: number;
  readonly upper: number;
}

/** What {@link priorCheck} returns. */
export interface PriorCheckResult {
  readonly numSamples: number;
  readonly prob: number;
  /** Observed sites and their statistics. */
  readonly stats: readonly PriorCheckStat[];
  /** The latent sites' prior draws summarised. */
  readonly prior: readonly PriorSiteRow[];
  /** Prior predictive and observed data as InferenceData (groups `prior`, `prior_predictive`, `observed_data`). */
  readonly idata: InferenceData;
}

const STATS = {
  mean: (x: Float64Array) => x.reduce((a, b) => a + b, 0) / x.length,
  sd: (x: Float64Array) => {
    const m = x.reduce((a, b) => a + b, 0) / x.length;
    return Math.sqrt(x.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, x.length - 1));
  },
  min: (x: Float64Array) => x.reduce((a, b) => Math.min(a, b), Number.POSITIVE_INFINITY),
  max: (x: Float64Array) => x.reduce((a, b) => Math.max(a, b), Number.NEGATIVE_INFINITY),
} as const;

function label(name: string, shape: readonly number[], e: number): string {
  if (shape.length === 0) return name;
  const idx: number[] = [];
  for (let k = shape.length - 1; k >= 0; k--) {
    idx[k] = e % shape[k];
    e = Math.floor(e / shape[k]);
  }
  return `${name}[${idx.join(", ")}]`;
}

/**
 * A prior predictive check: the model's observed sites are found by tracing it on the data, then
 * `Predictive` draws every site from the prior with the observations released (`uncondition`), and each observed
 * site's mean, sd, min and max are compared with their prior predictive distributions.
 * @param mod - the model module.
 * @param data - the data JSON (its observations are what the draws are compared with).
 * @param options - draws, seed, interval mass.
 * @returns the statistics, the latent sites' prior summary and the draws as InferenceData (for `plotPpc`).
 * @throws CliError `bad-model` when the model observes nothing; `bad-option` for out-of-range options.
 */
export function priorCheck(
  mod: ModelModule,
  data: DataRecord,
  options: PriorCheckOptions = {},
): PriorCheckResult {
  const numSamples = options.numSamples ?? 500;
  const prob = options.prob ?? 0.94;
  const s = options.seed ?? 0;
  if (!Number.isInteger(numSamples) || numSamples < 2)
    throw new CliError(
      "bad-option",
      `phlox prior-check: --samples must be an integer ≥ 2, got ${numSamples}.`,
    );
  if (!(prob > 0 && prob < 1))
    throw new CliError("bad-option", `phlox prior-check: --prob must be in (0, 1), got ${prob}.`);
  const model = mod.model as (...a: unknown[]) => unknown;
  const args = mod.args(data);
  const tr = trace(seed(model, key(s))).getTrace(...args);
  const observed: Record<string, { data: Float64Array; shape: number[] }> = {};
  const latent: string[] = [];
  for (const [name, msg] of tr) {
    if (msg.type !== "sample") continue;
    if (msg.isObserved && msg.value) observed[name] = toDraws(msg.value as SiteDraws);
    else latent.push(name);
  }
  if (Object.keys(observed).length === 0)
    throw new CliError(
      "bad-model",
      `phlox prior-check: model "${mod.name}" observes no site with this data; pass the observations through ` +
        "args(data) to a sample(..., { obs }) site.",
    );
  const draws = new Predictive(uncondition(model), { numSamples }).run(key(s + 1), ...args) as Record<
    string,
    SiteDraws
  >;
  const lo = (1 - prob) / 2;
  const stats: PriorCheckStat[] = [];
  const priorPredictive: Record<string, { data: Float64Array; shape: number[] }> = {};
  for (const [site, y] of Object.entries(observed)) {
    const rep = toDraws(draws[site]);
    const n = y.data.length;
    if (rep.data.length !== numSamples * n)
      throw new CliError(
        "bad-model",
        `phlox prior-check: site "${site}" has ${n} observed values but ${rep.data.length / numSamples} per prior predictive draw.`,
      );
    priorPredictive[site] = { data: rep.data, shape: [1, numSamples, ...y.shape] };
    for (const stat of ["mean", "sd", "min", "max"] as const) {
      const t = STATS[stat];
      const ty = t(y.data);
      const trep = Float64Array.from({ length: numSamples }, (_, i) =>
        t(rep.data.subarray(i * n, (i + 1) * n)),
      );
      const [l, u] = Array.from(quantile(trep, [lo, 1 - lo]));
      let below = 0;
      for (const v of trep) if (v <= ty) below++;
      stats.push({
        site,
        stat,
        observed: ty,
        predictiveMean: STATS.mean(trep),
        lower: l,
        upper: u,
        pValue: below / numSamples,
        outside: ty < l || ty > u,
      });
    }
  }
  const prior: PriorSiteRow[] = [];
  const priorGroup: Record<string, { data: Float64Array; shape: number[] }> = {};
  for (const site of latent) {
    if (!draws[site]) continue;
    const d = toDraws(draws[site]);
    const shape = d.shape.slice(1);
    const size = shape.reduce((a, b) => a * b, 1);
    priorGroup[site] = { data: d.data, shape: [1, ...d.shape] };
    for (let e = 0; e < size; e++) {
      const x = Float64Array.from({ length: numSamples }, (_, i) => d.data[i * size + e]);
      const [l, u] = Array.from(quantile(x, [lo, 1 - lo]));
      prior.push({ label: label(site, shape, e), mean: STATS.mean(x), sd: STATS.sd(x), lower: l, upper: u });
    }
  }
  const idata = fromArrays({
    prior: priorGroup,
    prior_predictive: priorPredictive,
    observed_data: Object.fromEntries(Object.entries(observed).map(([k, v]) => [k, v])),
  });
  return { numSamples, prob, stats, prior, idata };
}

/**
 * The lines `phlox prior-check` prints.
 * @param r - from {@link priorCheck}.
 * @param name - the model's name.
 * @returns the lines.
 */
export function formatPriorCheck(r: PriorCheckResult, name: string): string[] {
  const pct = (p: number) => `${Number((100 * p).toPrecision(6))}%`;
  const lo = pct((1 - r.prob) / 2);
  const hi = pct(1 - (1 - r.prob) / 2);
  const outside = r.stats.filter((s) => s.outside);
  return [
    `${name}: ${r.numSamples} prior predictive draws against the observed data`,
    "",
    ...table(
      ["", "observed", "prior_pred_mean", lo, hi, "p(T_rep<=T_obs)", ""],
      r.stats.map((s) => [
        `${s.stat}(${s.site})`,
        fixed(s.observed, 3),
        fixed(s.predictiveMean, 3),
        fixed(s.lower, 3),
        fixed(s.upper, 3),
        fixed(s.pValue, 3),
        s.outside ? "outside" : "",
      ]),
    ),
    "",
    "prior of the latent sites:",
    ...table(
      ["", "mean", "sd", lo, hi],
      r.prior.map((p) => [p.label, fixed(p.mean, 3), fixed(p.sd, 3), fixed(p.lower, 3), fixed(p.upper, 3)]),
    ),
    "",
    outside.length
      ? `warning: the observed ${outside.map((s) => `${s.stat}(${s.site})`).join(", ")} lie${outside.length === 1 ? "s" : ""} outside the prior predictive ${pct(r.prob)} interval; the prior may be too narrow or misplaced`
      : `every observed statistic lies inside its prior predictive ${pct(r.prob)} interval`,
  ];
}
