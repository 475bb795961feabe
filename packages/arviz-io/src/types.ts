/**
 * Element types a {@link Variable} can hold, named as NumPy names them. `bool` is stored one byte per element
 * (0/1) in a `Uint8Array`; `string` is a JS `string[]`.
 */
export type DType =
  | "float64"
  | "float32"
  | "int64"
  | "int32"
  | "int16"
  | "int8"
  | "uint64"
  | "uint32"
  | "uint16"
  | "uint8"
  | "bool"
  | "string";

/** The typed array (or string array) behind a {@link Variable}, row-major (C order). */
export type VariableData =
  | Float64Array
  | Float32Array
  | BigInt64Array
  | Int32Array
  | Int16Array
  | Int8Array
  | BigUint64Array
  | Uint32Array
  | Uint16Array
  | Uint8Array
  | string[];

/** An attribute value as netCDF, zarr and JSON can all store it. */
export type AttrValue = string | number | boolean | readonly string[] | readonly number[];

/** Attributes of a group, a variable or the whole InferenceData. */
export type Attrs = Readonly<Record<string, AttrValue>>;

/**
 * One named n-dimensional array with named dimensions, like an `xarray.DataArray` without its coordinates.
 * `data.length` is the product of `shape`; `dims.length === shape.length`.
 */
export interface Variable {
  readonly dims: readonly string[];
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly data: VariableData;
  readonly attrs: Attrs;
}

/**
 * One InferenceData group, like an `xarray.Dataset`: data variables, one 1-D coordinate per dimension used
 * (`coords[dim].dims` is `[dim]`), and the group attributes (`created_at`, `arviz_version`,
 * `inference_library`, `inference_library_version`, ...).
 */
export interface Dataset {
  readonly variables: Readonly<Record<string, Variable>>;
  readonly coords: Readonly<Record<string, Variable>>;
  readonly attrs: Attrs;
}

/** A nested JS array of numbers, booleans or strings (any depth, rectangular). */
export type NestedArray = number | boolean | string | readonly NestedArray[];

/**
 * An array with a `shape` and a synchronous `dataSync()` read: a `Tensor` of `@phlox/tensor` (what `MCMC`,
 * `Predictive` and the guides return), or any other library's array with those members. Read, never kept
 * by reference beyond the InferenceData it builds, never mutated.
 */
export interface TensorLike {
  readonly shape: readonly number[];
  readonly dtype?: string;
  dataSync(): ArrayLike<number>;
}

/**
 * What the constructors accept for one array: a tensor ({@link TensorLike}), `{ data, shape }` (the form
 * `@phlox/diagnostics` uses; `dtype` optional, inferred from the typed array), or a rectangular nested JS array.
 */
export type ArrayInput =
  | TensorLike
  | {
      readonly data: ArrayLike<number> | ArrayLike<bigint> | readonly boolean[] | readonly string[];
      readonly shape: readonly number[];
      readonly dtype?: DType;
    }
  | NestedArray;

/** Coordinate values for one dimension: labels (strings) or numbers. */
export type CoordInput = readonly string[] | readonly number[] | ArrayLike<number>;

/** Draws in the form `@phlox/diagnostics` takes: per variable `{ data, shape: [chain, draw, ...] }`. */
export type DrawsRecord = Record<string, { data: Float64Array; shape: number[] }>;
