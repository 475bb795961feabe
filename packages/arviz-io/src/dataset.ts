import { ArvizIoError } from "./errors.js";
import { coordVariable, normalizeArray, rangeCoord, sizeOf } from "./internal/arrays.js";
import type { ArrayInput, Attrs, AttrValue, CoordInput, Dataset, Variable } from "./types.js";
import { ARVIZ_FORMAT_VERSION, PHLOX_VERSION } from "./version.js";

/** Options of {@link createDataset}. */
export interface CreateDatasetOptions {
  /** Names of the non-sample dimensions per variable (`{ theta: ["school"] }`); missing ones get `<var>_dim_<i>`. */
  readonly dims?: Readonly<Record<string, readonly string[]>>;
  /** Coordinate values per dimension name; missing ones default to `0 … n−1`. */
  readonly coords?: Readonly<Record<string, CoordInput>>;
  /** Whether every variable starts with `chain, draw` (true for sampled groups, false for data groups). */
  readonly sampleDims?: boolean;
  /** Extra group attributes, merged over {@link makeAttrs}'s defaults. */
  readonly attrs?: Attrs;
  /** Whether to add the default attributes (`created_at`, `arviz_version`, `inference_library`, ...). Default true. */
  readonly defaultAttrs?: boolean;
}

/**
 * The standard group attributes ArviZ writes: `created_at` (ISO-8601 UTC, Python `isoformat()` style),
 * `arviz_version` (the ArviZ layout followed), `inference_library: "phlox"`, `inference_library_version`.
 * @param extra - attributes that override or add to the defaults.
 * @returns a fresh attribute record.
 * @example
 * makeAttrs().inference_library; // → "phlox"
 */
export function makeAttrs(extra: Attrs = {}): Record<string, AttrValue> {
  return {
    created_at: new Date().toISOString().replace("Z", "+00:00"),
    arviz_version: ARVIZ_FORMAT_VERSION,
    inference_library: "phlox",
    inference_library_version: PHLOX_VERSION,
    ...extra,
  };
}

/**
 * Builds one InferenceData group from arrays, naming dimensions as `az.from_dict` / `az.from_numpyro` do:
 * `chain, draw` first (when `sampleDims`), then the names in `dims[var]`, then `<var>_dim_<i>` where `i`
 * counts the non-sample axes from 0. Every dimension gets a coordinate: from `coords`, else int64 `0 … n−1`.
 * @param arrays - per variable, `{ data, shape }` (shape `[chain, draw, ...]` when `sampleDims`) or nested arrays.
 * @param options - dims, coords, sampleDims (default true), attrs.
 * @returns the group as a {@link Dataset}.
 * @throws {ArvizIoError} `invalid-variable` when a shape, a dims list or a coordinate length disagrees.
 * @example
 * createDataset({ mu: { data: new Float64Array(6), shape: [2, 3] } }).variables.mu.dims; // → ["chain", "draw"]
 */
export function createDataset(
  arrays: Readonly<Record<string, ArrayInput>>,
  options: CreateDatasetOptions = {},
): Dataset {
  const sampleDims = options.sampleDims ?? true;
  const variables: Record<string, Variable> = {};
  const coords: Record<string, Variable> = {};
  for (const [name, input] of Object.entries(arrays)) {
    const where = `createDataset: variable "${name}"`;
    const arr = normalizeArray(input, where);
    const lead = sampleDims ? 2 : 0;
    if (arr.shape.length < lead) {
      throw new ArvizIoError(
        "invalid-variable",
        `${where} has shape [${arr.shape.join(", ")}] but sampled groups need [chain, draw, ...]; ` +
          `reshape flat draws to [numChains, numDraws, ...] or pass sampleDims: false for data groups.`,
      );
    }
    const given = options.dims?.[name] ?? [];
    const eventRank = arr.shape.length - lead;
    if (given.length > eventRank) {
      throw new ArvizIoError(
        "invalid-variable",
        `${where}: dims [${given.join(", ")}] name ${given.length} axes but the variable has ${eventRank} ` +
          `non-sample axes (shape [${arr.shape.join(", ")}]).`,
      );
    }
    const dims: string[] = sampleDims ? ["chain", "draw"] : [];
    for (let i = 0; i < eventRank; i++) dims.push(given[i] ?? `${name}_dim_${i}`);
    if (new Set(dims).size !== dims.length) {
      throw new ArvizIoError(
        "invalid-variable",
        `${where}: repeated dimension name in [${dims.join(", ")}].`,
      );
    }
    variables[name] = { dims, shape: arr.shape, dtype: arr.dtype, data: arr.data, attrs: {} };
    for (let i = 0; i < dims.length; i++) {
      const dim = dims[i];
      const n = arr.shape[i];
      const existing = coords[dim];
      if (existing) {
        if (existing.shape[0] !== n) {
          throw new ArvizIoError(
            "invalid-variable",
            `${where}: dimension "${dim}" has length ${n} here but ${existing.shape[0]} in another variable.`,
          );
        }
        continue;
      }
      const values = options.coords?.[dim];
      const coord = values === undefined ? rangeCoord(dim, n) : coordVariable(dim, values, `coords.${dim}`);
      if (coord.shape[0] !== n) {
        throw new ArvizIoError(
          "invalid-variable",
          `${where}: coords.${dim} has ${coord.shape[0]} values but dimension "${dim}" has length ${n}.`,
        );
      }
      coords[dim] = coord;
    }
  }
  const attrs = options.defaultAttrs === false ? { ...options.attrs } : makeAttrs(options.attrs);
  return { variables, coords, attrs };
}

/**
 * Checks a {@link Dataset}'s invariants: each variable's data length equals its shape's product, dims match
 * shape, and every dimension has a 1-D coordinate of the same length.
 * @param ds - the group to check.
 * @param where - a label for error messages (e.g. the group name).
 * @throws {ArvizIoError} `invalid-group` naming the variable and what disagrees.
 */
export function validateDataset(ds: Dataset, where: string): void {
  const sizes = new Map<string, number>();
  for (const [name, c] of Object.entries(ds.coords)) {
    if (c.dims.length !== 1 || c.dims[0] !== name || c.shape.length !== 1 || c.data.length !== c.shape[0]) {
      throw new ArvizIoError(
        "invalid-group",
        `${where}: coordinate "${name}" must be 1-D over its own dimension (dims [${c.dims.join(", ")}]).`,
      );
    }
    sizes.set(name, c.shape[0]);
  }
  for (const [name, v] of Object.entries(ds.variables)) {
    if (sizes.has(name)) {
      throw new ArvizIoError(
        "invalid-group",
        `${where}: variable "${name}" has the name of a dimension/coordinate; rename the variable.`,
      );
    }
    if (v.dims.length !== v.shape.length) {
      throw new ArvizIoError(
        "invalid-group",
        `${where}: variable "${name}" has dims [${v.dims.join(", ")}] but shape [${v.shape.join(", ")}].`,
      );
    }
    if (v.data.length !== sizeOf(v.shape)) {
      throw new ArvizIoError(
        "invalid-group",
        `${where}: variable "${name}" holds ${v.data.length} values but shape [${v.shape.join(", ")}] needs ${sizeOf(v.shape)}.`,
      );
    }
    v.dims.forEach((d, i) => {
      const n = sizes.get(d);
      if (n === undefined) {
        throw new ArvizIoError(
          "invalid-group",
          `${where}: variable "${name}" uses dimension "${d}" which has no coordinate; add coords["${d}"].`,
        );
      }
      if (n !== v.shape[i]) {
        throw new ArvizIoError(
          "invalid-group",
          `${where}: variable "${name}" has length ${v.shape[i]} along "${d}" but the coordinate has ${n}.`,
        );
      }
    });
  }
}
