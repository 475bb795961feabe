import { type CreateDatasetOptions, createDataset } from "./dataset.js";
import { ArvizIoError } from "./errors.js";
import { InferenceData } from "./inference-data.js";
import type { ArrayInput, Attrs, CoordInput, Dataset } from "./types.js";

/** Groups that hold data rather than draws: their variables have no `chain, draw` dims. */
export const DATA_GROUPS: readonly string[] = ["observed_data", "constant_data", "predictions_constant_data"];

/** Options shared by the InferenceData constructors. */
export interface ConvertOptions {
  /** Non-sample dimension names per variable, e.g. `{ theta: ["school"], obs: ["school"] }`. */
  readonly dims?: Readonly<Record<string, readonly string[]>>;
  /** Dims for `predictions` and `predictions_constant_data` (default: `dims`), as `pred_dims` in ArviZ. */
  readonly predDims?: Readonly<Record<string, readonly string[]>>;
  /** Coordinate values per dimension name, e.g. `{ school: ["Choate", ...] }`. */
  readonly coords?: Readonly<Record<string, CoordInput>>;
  /** Coordinates for the prediction groups (default: `coords`), as `pred_coords` in ArviZ. */
  readonly predCoords?: Readonly<Record<string, CoordInput>>;
  /** Extra attributes written on every group. */
  readonly attrs?: Attrs;
}

/**
 * Builds InferenceData from plain arrays, like `az.from_dict`: each group is `{ var: array }`; sampled groups'
 * arrays have shape `[chain, draw, ...]`, data groups (`observed_data`, `constant_data`,
 * `predictions_constant_data`) have none. Dimensions are named `chain, draw`, then `dims[var]`, then
 * `<var>_dim_<i>`; coordinates default to `0 … n−1`.
 * @param groups - `{ posterior: { mu: { data, shape: [4, 1000] } }, observed_data: { y: [...] }, ... }`.
 * @param options - dims, coords, predDims, predCoords, attrs.
 * @returns the InferenceData.
 * @throws {ArvizIoError} `invalid-variable` on a shape, dims or coords mismatch.
 * @example
 * fromArrays({ posterior: { mu: [[0.1, 0.2]] } }).get("posterior").variables.mu.shape; // → [1, 2]
 */
export function fromArrays(
  groups: Readonly<Record<string, Readonly<Record<string, ArrayInput>> | undefined>>,
  options: ConvertOptions = {},
): InferenceData {
  const out: Record<string, Dataset> = {};
  for (const [group, arrays] of Object.entries(groups)) {
    if (arrays === undefined) continue;
    if (arrays === null || typeof arrays !== "object") {
      throw new ArvizIoError("invalid-argument", `fromArrays: group "${group}" must be an object of arrays.`);
    }
    out[group] = createDataset(arrays, groupOptions(group, options));
  }
  return new InferenceData(out);
}

/** The createDataset options for one group under the shared options (pred dims for prediction groups). */
export function groupOptions(group: string, options: ConvertOptions): CreateDatasetOptions {
  const pred =
    group === "predictions" || group === "predictions_constant_data" || group === "warmup_predictions";
  return {
    dims: pred ? (options.predDims ?? options.dims) : options.dims,
    coords: pred ? { ...options.coords, ...options.predCoords } : options.coords,
    sampleDims: !DATA_GROUPS.includes(group),
    attrs: options.attrs,
  };
}
