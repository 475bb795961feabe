import { validateDataset } from "./dataset.js";
import { ArvizIoError } from "./errors.js";
import { sizeOf, toFloat64Array } from "./internal/arrays.js";
import type { Attrs, Dataset, DrawsRecord, Variable } from "./types.js";

/**
 * The InferenceData groups ArviZ knows, in ArviZ's order. Other names are kept too (a reader loads every
 * group it finds); these only fix the order of {@link InferenceData.groupNames}.
 */
export const GROUP_NAMES = [
  "posterior",
  "posterior_predictive",
  "predictions",
  "log_likelihood",
  "log_prior",
  "sample_stats",
  "prior",
  "prior_predictive",
  "sample_stats_prior",
  "observed_data",
  "constant_data",
  "predictions_constant_data",
  "unconstrained_posterior",
  "unconstrained_prior",
  "warmup_posterior",
  "warmup_posterior_predictive",
  "warmup_predictions",
  "warmup_sample_stats",
  "warmup_log_likelihood",
  "warmup_log_prior",
] as const;

/** A known InferenceData group name. */
export type GroupName = (typeof GROUP_NAMES)[number];

const GROUP_RE = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/**
 * ArviZ's InferenceData: named groups (`posterior`, `sample_stats`, `observed_data`, ...), each a
 * {@link Dataset} of variables with named dims and coordinates, plus root attributes. Immutable: `with`
 * returns a new object. Build one with {@link fromMCMC}, {@link fromArrays}, {@link fromSVI} or a reader.
 * @example
 * const idata = fromArrays({ posterior: { mu: { data: new Float64Array(8), shape: [2, 4] } } });
 * idata.groupNames(); // → ["posterior"]
 */
export class InferenceData {
  /** The groups by name. */
  readonly groups: Readonly<Record<string, Dataset>>;
  /** InferenceData-level attributes (stored on the root group/object). */
  readonly attrs: Attrs;

  /**
   * @param groups - the groups by name; each is validated.
   * @param attrs - root attributes (default none).
   * @throws {ArvizIoError} `invalid-group` for a bad group name or an inconsistent dataset.
   */
  constructor(groups: Readonly<Record<string, Dataset>>, attrs: Attrs = {}) {
    for (const [name, ds] of Object.entries(groups)) {
      if (!GROUP_RE.test(name)) {
        throw new ArvizIoError(
          "invalid-group",
          `InferenceData: group name "${name}" is not a valid identifier (letters, digits, "_").`,
        );
      }
      validateDataset(ds, `InferenceData group "${name}"`);
    }
    this.groups = Object.freeze({ ...groups });
    this.attrs = Object.freeze({ ...attrs });
  }

  /**
   * The group names present: known groups in ArviZ's order, then any others alphabetically.
   * @returns group names.
   */
  groupNames(): string[] {
    const known = GROUP_NAMES.filter((g) => g in this.groups) as string[];
    const other = Object.keys(this.groups)
      .filter((g) => !(GROUP_NAMES as readonly string[]).includes(g))
      .sort();
    return [...known, ...other];
  }

  /**
   * Whether a group is present.
   * @param group - group name.
   * @returns true when present.
   */
  has(group: string): boolean {
    return Object.hasOwn(this.groups, group);
  }

  /**
   * One group.
   * @param group - group name, e.g. `"posterior"`.
   * @returns the {@link Dataset}.
   * @throws {ArvizIoError} `invalid-argument` when the group is absent (the message lists those present).
   */
  get(group: string): Dataset {
    if (!this.has(group)) {
      throw new ArvizIoError(
        "invalid-argument",
        `InferenceData.get: no group "${group}"; present: [${this.groupNames().join(", ")}].`,
      );
    }
    return this.groups[group];
  }

  /**
   * One variable of one group.
   * @param group - group name.
   * @param name - variable name.
   * @returns the {@link Variable} (dims, shape, dtype, data).
   * @throws {ArvizIoError} `invalid-argument` when absent.
   */
  variable(group: string, name: string): Variable {
    const ds = this.get(group);
    const v = ds.variables[name] ?? ds.coords[name];
    if (!v) {
      throw new ArvizIoError(
        "invalid-argument",
        `InferenceData.variable: group "${group}" has no variable "${name}"; it has [${Object.keys(ds.variables).join(", ")}].`,
      );
    }
    return v;
  }

  /**
   * A group's numeric variables in the form `@phlox/diagnostics` takes: `{ [name]: { data, shape } }`, with
   * shape `[chain, draw, ...]` for sampled groups. Bools become 0/1, ints become doubles; string variables are
   * skipped.
   * @param group - group name (default `"posterior"`).
   * @param varNames - the variables to include (default all).
   * @returns the draws record (Float64Array data, shared when already float64).
   * @throws {ArvizIoError} `invalid-argument` for a missing group or variable.
   * @example
   * fromArrays({ posterior: { mu: [[1, 2], [3, 4]] } }).draws().mu.shape; // → [2, 2]
   */
  draws(group = "posterior", varNames?: readonly string[]): DrawsRecord {
    const ds = this.get(group);
    const names = varNames ?? Object.keys(ds.variables);
    const out: DrawsRecord = {};
    for (const n of names) {
      const v = this.variable(group, n);
      if (v.dtype === "string") continue;
      out[n] = { data: toFloat64Array(v, `draws("${group}", "${n}")`), shape: [...v.shape] };
    }
    return out;
  }

  /**
   * Like `az.extract`: one variable's draws with `chain` and `draw` merged into one `sample` axis
   * (chain-major, which is the storage order, so no reordering happens).
   * @param name - variable name.
   * @param group - group name (default `"posterior"`).
   * @returns `{ data, shape: [chain·draw, ...] }` as Float64Array.
   * @throws {ArvizIoError} `invalid-argument` if the variable does not start with `chain, draw`.
   * @example
   * fromArrays({ posterior: { mu: [[1, 2], [3, 4]] } }).extract("mu").shape; // → [4]
   */
  extract(name: string, group = "posterior"): { data: Float64Array; shape: number[] } {
    const v = this.variable(group, name);
    if (v.dims[0] !== "chain" || v.dims[1] !== "draw") {
      throw new ArvizIoError(
        "invalid-argument",
        `InferenceData.extract: "${group}.${name}" has dims [${v.dims.join(", ")}], not [chain, draw, ...].`,
      );
    }
    const shape = [v.shape[0] * v.shape[1], ...v.shape.slice(2)];
    return { data: toFloat64Array(v, `extract("${name}")`), shape };
  }

  /**
   * A new InferenceData with one group added or replaced (`undefined` removes it).
   * @param group - group name.
   * @param dataset - the group, or undefined to drop it.
   * @returns a new InferenceData; this one is unchanged.
   */
  with(group: string, dataset: Dataset | undefined): InferenceData {
    const groups: Record<string, Dataset> = { ...this.groups };
    if (dataset === undefined) delete groups[group];
    else groups[group] = dataset;
    return new InferenceData(groups, this.attrs);
  }

  /**
   * Number of chains and draws of the posterior (or another sampled group).
   * @param group - group name (default `"posterior"`).
   * @returns `{ numChains, numDraws }`.
   */
  sampleShape(group = "posterior"): { numChains: number; numDraws: number } {
    const ds = this.get(group);
    const c = ds.coords.chain;
    const d = ds.coords.draw;
    if (!c || !d) {
      throw new ArvizIoError(
        "invalid-argument",
        `InferenceData.sampleShape: group "${group}" has no chain/draw.`,
      );
    }
    return { numChains: sizeOf(c.shape), numDraws: sizeOf(d.shape) };
  }
}
