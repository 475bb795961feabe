import { createDataset } from "./dataset.js";
import { ArvizIoError } from "./errors.js";
import { type ConvertOptions, groupOptions } from "./from-arrays.js";
import { InferenceData } from "./inference-data.js";
import { normalizeArray } from "./internal/arrays.js";
import type { ArrayInput, Dataset } from "./types.js";

/** Samples per site, `{ data, shape }`, with shape `[chain, draw, ...site shape]`. */
export type SampleRecord = Readonly<Record<string, ArrayInput>>;

/**
 * What {@link fromMCMC} needs from a sampler: the structural contract an MCMC driver (Phlox's `MCMC`, or any
 * other) satisfies, directly or through a small adapter. Arrays are `{ data, shape }` with shape
 * `[numChains, numDraws, ...]` when `groupByChain` is true.
 *
 * Extra fields may use NumPyro's names or camelCase: `potential_energy`/`potentialEnergy`, `energy`,
 * `diverging`, `num_steps`/`numSteps`, `accept_prob`/`acceptProb`, `mean_accept_prob`/`meanAcceptProb`,
 * `adapt_state.step_size`/`step_size`/`stepSize`, `trajectory_length`/`trajectoryLength`,
 * `tree_depth`/`treeDepth`. Any other field is kept, renamed to snake_case.
 * @example
 * const source = {
 *   getSamples: () => ({ mu: { data: new Float64Array(8), shape: [2, 4] } }),
 *   getExtraFields: () => ({ diverging: { data: new Uint8Array(8), shape: [2, 4], dtype: "bool" } }),
 * };
 * fromMCMC(source).groupNames(); // → ["posterior", "sample_stats"]
 */
export interface McmcSource {
  /** Posterior draws of every latent and deterministic site, grouped by chain. */
  getSamples(options: { groupByChain: true }): SampleRecord;
  /** Per-draw sampler statistics (NumPyro's `extra_fields`), grouped by chain. */
  getExtraFields?(options: { groupByChain: true }): SampleRecord;
  /** Log-likelihood per observed site, `[chain, draw, ...obs shape]` (or `[chain·draw, ...]`). */
  logLikelihood?(): SampleRecord;
  /** The observed values per observed site (no chain/draw). */
  observations?(): SampleRecord;
  /**
   * Non-sample dimension names per site from the model's plates (ArviZ's `infer_dims`), used when
   * `options.dims` is not given.
   */
  siteDims?(): Readonly<Record<string, readonly string[]>>;
}

/** Options of {@link fromMCMC}. */
export interface FromMCMCOptions extends ConvertOptions {
  /** Include `log_likelihood`: `true` requires `source.logLikelihood`; an object gives the arrays directly. Default: included when the source provides it. */
  readonly logLikelihood?: boolean | SampleRecord;
  /** `observed_data` (default: `source.observations()` when present). */
  readonly observedData?: SampleRecord;
  /** `constant_data`: model inputs (no chain/draw). */
  readonly constantData?: SampleRecord;
  /** `posterior_predictive`: `[chain, draw, ...]` or `[chain·draw, ...]` (e.g. `Predictive` output). */
  readonly posteriorPredictive?: SampleRecord;
  /** `predictions`: out-of-sample predictive draws, `[chain, draw, ...]` or `[chain·draw, ...]`. */
  readonly predictions?: SampleRecord;
  /** `predictions_constant_data`: the inputs used for `predictions`. */
  readonly predictionsConstantData?: SampleRecord;
  /**
   * Prior predictive draws, e.g. `new Predictive(model, { numSamples }).run(key, ...)` (NumPyro's `prior=`):
   * `[numSamples, ...]` as one chain; sites also in the posterior go to `prior`, the others (observed sites)
   * to `prior_predictive`, as `az.from_numpyro` splits them.
   */
  readonly priorPredictive?: SampleRecord;
  /** Alias of {@link FromMCMCOptions.priorPredictive}. */
  readonly prior?: SampleRecord;
}

const STAT_NAMES: Readonly<Record<string, string>> = {
  potential_energy: "lp",
  potentialEnergy: "lp",
  num_steps: "n_steps",
  numSteps: "n_steps",
  accept_prob: "acceptance_rate",
  acceptProb: "acceptance_rate",
  "adapt_state.step_size": "step_size",
  stepSize: "step_size",
  meanAcceptProb: "mean_accept_prob",
  trajectoryLength: "trajectory_length",
  treeDepth: "tree_depth",
};

const snake = (s: string): string => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`).replace(/\./g, "_");

/**
 * Renames NumPyro/Phlox extra fields to ArviZ's sample_stats, as `az.from_numpyro` does:
 * `lp = −potential_energy` (the log density, up to a constant — the sign ArviZ 0.23 and arviz-base 1.x
 * write), `n_steps`, `tree_depth = ⌊log₂ n_steps⌋ + 1` (int64), `acceptance_rate`, `step_size`, `energy`,
 * `diverging` (bool).
 * @param fields - extra fields, `[chain, draw]` each.
 * @returns arrays named as ArviZ names them.
 * @example
 * Object.keys(sampleStatsFromExtraFields({ potential_energy: [[1, 2]] })); // → ["lp"]
 */
export function sampleStatsFromExtraFields(fields: SampleRecord): Record<string, ArrayInput> {
  const out: Record<string, ArrayInput> = {};
  for (const [field, input] of Object.entries(fields)) {
    const name = STAT_NAMES[field] ?? snake(field);
    const where = `sample stat "${field}"`;
    if (name === "lp") {
      const a = normalizeArray(input, where, "float64");
      const d = a.data as Float64Array;
      const neg = new Float64Array(d.length);
      for (let i = 0; i < d.length; i++) neg[i] = -d[i];
      out.lp = { data: neg, shape: a.shape };
    } else if (name === "diverging") {
      const a = normalizeArray(input, where, "bool");
      out.diverging = { data: a.data as Uint8Array, shape: a.shape, dtype: "bool" };
    } else if (name === "n_steps" || name === "tree_depth") {
      const a = normalizeArray(input, where, "int64");
      out[name] = { data: a.data as BigInt64Array, shape: a.shape, dtype: "int64" };
      if (name === "n_steps" && !("tree_depth" in fields || "treeDepth" in fields)) {
        const n = a.data as BigInt64Array;
        const depth = new BigInt64Array(n.length);
        for (let i = 0; i < n.length; i++) {
          depth[i] = n[i] > 0n ? BigInt(Math.floor(Math.log2(Number(n[i]))) + 1) : 0n;
        }
        out.tree_depth = { data: depth, shape: a.shape, dtype: "int64" };
      }
    } else {
      out[name] = input;
    }
  }
  return out;
}

/**
 * Reshapes `[chain·draw, ...]` predictive draws to `[chain, draw, ...]`; arrays already `[chain, draw, ...]`
 * pass through.
 */
function byChain(samples: SampleRecord, numChains: number, numDraws: number, where: string): SampleRecord {
  const out: Record<string, ArrayInput> = {};
  for (const [name, input] of Object.entries(samples)) {
    const a = normalizeArray(input, `${where}: "${name}"`);
    if (a.shape[0] === numChains && a.shape[1] === numDraws) out[name] = a;
    else if (a.shape[0] === numChains * numDraws) {
      out[name] = { data: a.data, shape: [numChains, numDraws, ...a.shape.slice(1)], dtype: a.dtype };
    } else {
      throw new ArvizIoError(
        "invalid-variable",
        `${where}: "${name}" has shape [${a.shape.join(", ")}]; expected [${numChains}, ${numDraws}, ...] or ` +
          `[${numChains * numDraws}, ...] to match the posterior.`,
      );
    }
  }
  return out;
}

/**
 * The dims of log-likelihood arrays, as ArviZ's `skip_event_dims`: a site's dims cut to its batch rank, and
 * cut before the first dim whose coordinate length disagrees with the axis.
 */
function batchDims(
  arrays: SampleRecord,
  dims: Readonly<Record<string, readonly string[]>> | undefined,
  coords: Readonly<Record<string, ArrayLike<unknown>>> | undefined,
): Record<string, readonly string[]> | undefined {
  if (!dims) return undefined;
  const out: Record<string, readonly string[]> = {};
  for (const [name, input] of Object.entries(arrays)) {
    const given = dims[name];
    if (!given) continue;
    const shape = normalizeArray(input, name).shape.slice(2);
    let keep = given.slice(0, shape.length);
    const bad = keep.findIndex((d, i) => coords?.[d] !== undefined && coords[d].length !== shape[i]);
    if (bad >= 0) keep = keep.slice(0, bad);
    out[name] = keep;
  }
  return out;
}

/** Adds a leading chain axis of length 1: `[n, ...]` → `[1, n, ...]`. */
function oneChain(samples: SampleRecord, where: string): SampleRecord {
  const out: Record<string, ArrayInput> = {};
  for (const [name, input] of Object.entries(samples)) {
    const a = normalizeArray(input, `${where}: "${name}"`);
    if (a.shape.length < 1) {
      throw new ArvizIoError(
        "invalid-variable",
        `${where}: "${name}" is a scalar; expected [numSamples, ...].`,
      );
    }
    out[name] = { data: a.data, shape: [1, ...a.shape], dtype: a.dtype };
  }
  return out;
}

/**
 * Converts an MCMC run to InferenceData, as `az.from_numpyro` does: `posterior` (all sites, `chain, draw,
 * <var>_dim_<i>` unless `dims` names them), `sample_stats` (see {@link sampleStatsFromExtraFields}),
 * `log_likelihood`, `observed_data`, `constant_data`, `posterior_predictive`, `predictions`,
 * `predictions_constant_data`, `prior`/`prior_predictive`. Group attributes: `created_at`, `arviz_version`,
 * `inference_library: "phlox"`, `inference_library_version`.
 * @param source - the sampler, through the {@link McmcSource} contract.
 * @param options - dims, coords, and the extra groups.
 * @returns the InferenceData.
 * @throws {ArvizIoError} `invalid-argument` when `logLikelihood: true` but the source cannot give it;
 *   `invalid-variable` on shape mismatches.
 * @example
 * const idata = fromMCMC({ getSamples: () => ({ mu: { data: new Float64Array(8), shape: [2, 4] } }) });
 * idata.sampleShape(); // → { numChains: 2, numDraws: 4 }
 */
export function fromMCMC(source: McmcSource, options: FromMCMCOptions = {}): InferenceData {
  const inferred = options.dims === undefined ? source.siteDims?.() : undefined;
  if (inferred) options = { ...options, dims: inferred };
  const samples = source.getSamples({ groupByChain: true });
  const groups: Record<string, Dataset> = {};
  const make = (group: string, arrays: SampleRecord | undefined): void => {
    if (arrays && Object.keys(arrays).length > 0)
      groups[group] = createDataset(arrays, groupOptions(group, options));
  };
  make("posterior", samples);
  const first = groups.posterior ? Object.values(groups.posterior.variables)[0] : undefined;
  const numChains = first?.shape[0] ?? 1;
  const numDraws = first?.shape[1] ?? 0;
  if (source.getExtraFields)
    make("sample_stats", sampleStatsFromExtraFields(source.getExtraFields({ groupByChain: true })));
  let ll: SampleRecord | undefined;
  if (typeof options.logLikelihood === "object") ll = options.logLikelihood;
  else if (options.logLikelihood !== false && source.logLikelihood) ll = source.logLikelihood();
  else if (options.logLikelihood === true) {
    throw new ArvizIoError(
      "invalid-argument",
      "fromMCMC: logLikelihood: true but the source has no logLikelihood() method; pass the arrays as " +
        "options.logLikelihood = { obs: { data, shape: [chain, draw, ...] } } or implement McmcSource.logLikelihood.",
    );
  }
  if (ll) {
    const arrays = byChain(ll, numChains, numDraws, "fromMCMC log_likelihood");
    if (Object.keys(arrays).length > 0) {
      const o = groupOptions("log_likelihood", options);
      groups.log_likelihood = createDataset(arrays, { ...o, dims: batchDims(arrays, o.dims, o.coords) });
    }
  }
  if (options.posteriorPredictive) {
    make(
      "posterior_predictive",
      byChain(options.posteriorPredictive, numChains, numDraws, "fromMCMC posterior_predictive"),
    );
  }
  if (options.predictions) {
    make("predictions", byChain(options.predictions, numChains, numDraws, "fromMCMC predictions"));
  }
  const priorDraws = options.priorPredictive ?? options.prior;
  if (priorDraws) {
    const prior: Record<string, ArrayInput> = {};
    const priorPredictive: Record<string, ArrayInput> = {};
    for (const [k, v] of Object.entries(oneChain(priorDraws, "fromMCMC priorPredictive"))) {
      if (k in samples) prior[k] = v;
      else priorPredictive[k] = v;
    }
    make("prior", prior);
    make("prior_predictive", priorPredictive);
  }
  make("observed_data", options.observedData ?? source.observations?.());
  make("constant_data", options.constantData);
  make("predictions_constant_data", options.predictionsConstantData);
  return new InferenceData(groups);
}

/** Options of {@link fromPredictive}. */
export interface FromPredictiveOptions extends ConvertOptions {
  /** Target group (default `"posterior_predictive"`). */
  readonly group?: "posterior_predictive" | "prior_predictive" | "predictions" | "prior";
  /** Number of chains the flat `[chain·draw, ...]` draws came from (default 1). */
  readonly numChains?: number;
}

/**
 * InferenceData from `Predictive` output (`{ site: [numSamples, ...] }`), split into `numChains` chains.
 * @param samples - per site `{ data, shape: [numSamples, ...] }` (or already `[chain, draw, ...]` with `numChains`).
 * @param options - group, numChains, dims, coords.
 * @returns InferenceData holding that one group.
 * @throws {ArvizIoError} `invalid-variable` when `numSamples` is not divisible by `numChains`.
 * @example
 * fromPredictive({ y: { data: new Float64Array(6), shape: [6] } }, { numChains: 2 })
 *   .get("posterior_predictive").variables.y.shape; // → [2, 3]
 */
export function fromPredictive(samples: SampleRecord, options: FromPredictiveOptions = {}): InferenceData {
  const group = options.group ?? "posterior_predictive";
  const numChains = options.numChains ?? 1;
  const out: Record<string, ArrayInput> = {};
  for (const [name, input] of Object.entries(samples)) {
    const a = normalizeArray(input, `fromPredictive: "${name}"`);
    if (a.shape.length >= 2 && a.shape[0] === numChains && numChains > 1) {
      out[name] = a;
      continue;
    }
    const n = a.shape[0] ?? 0;
    if (a.shape.length < 1 || n % numChains !== 0) {
      throw new ArvizIoError(
        "invalid-variable",
        `fromPredictive: "${name}" has shape [${a.shape.join(", ")}]; its leading axis (samples) must be divisible by numChains = ${numChains}.`,
      );
    }
    out[name] = { data: a.data, shape: [numChains, n / numChains, ...a.shape.slice(1)], dtype: a.dtype };
  }
  return new InferenceData({ [group]: createDataset(out, groupOptions(group, options)) });
}

/** Options of {@link fromSVI}. */
export interface FromSVIOptions extends ConvertOptions {
  /** `observed_data` arrays. */
  readonly observedData?: SampleRecord;
  /** `constant_data` arrays. */
  readonly constantData?: SampleRecord;
  /** `posterior_predictive` draws `[numSamples, ...]`. */
  readonly posteriorPredictive?: SampleRecord;
}

/**
 * InferenceData from draws of a fitted variational guide (`guide.samplePosterior(key, params, { sampleShape:
 * [n] })`, each site `[n, ...]`): the posterior as one chain of `n` draws, as ArviZ stores VI results.
 * @param guideSamples - per site `{ data, shape: [numSamples, ...] }`.
 * @param options - dims, coords, observedData, constantData, posteriorPredictive.
 * @returns the InferenceData.
 * @example
 * fromSVI({ mu: { data: new Float64Array(5), shape: [5] } }).sampleShape(); // → { numChains: 1, numDraws: 5 }
 */
export function fromSVI(guideSamples: SampleRecord, options: FromSVIOptions = {}): InferenceData {
  const groups: Record<string, Dataset> = {};
  groups.posterior = createDataset(oneChain(guideSamples, "fromSVI"), groupOptions("posterior", options));
  if (options.posteriorPredictive) {
    groups.posterior_predictive = createDataset(
      oneChain(options.posteriorPredictive, "fromSVI posterior_predictive"),
      groupOptions("posterior_predictive", options),
    );
  }
  if (options.observedData)
    groups.observed_data = createDataset(options.observedData, groupOptions("observed_data", options));
  if (options.constantData)
    groups.constant_data = createDataset(options.constantData, groupOptions("constant_data", options));
  return new InferenceData(groups);
}
