import { ArvizIoError } from "../errors.js";
import type {
  ArrayInput,
  CoordInput,
  DType,
  NestedArray,
  TensorLike,
  Variable,
  VariableData,
} from "../types.js";

/** Product of a shape's entries (1 for a scalar). */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

/** Bytes per element of each numeric dtype (bool is stored as one byte). */
export const ITEM_BYTES: Readonly<Record<Exclude<DType, "string">, number>> = {
  float64: 8,
  float32: 4,
  int64: 8,
  int32: 4,
  int16: 2,
  int8: 1,
  uint64: 8,
  uint32: 4,
  uint16: 2,
  uint8: 1,
  bool: 1,
};

/** The dtype a typed array stands for (Uint8Array stands for uint8; pass dtype "bool" to mean bool). */
export function dtypeOfData(data: unknown): DType | undefined {
  if (data instanceof Float64Array) return "float64";
  if (data instanceof Float32Array) return "float32";
  if (data instanceof BigInt64Array) return "int64";
  if (data instanceof Int32Array) return "int32";
  if (data instanceof Int16Array) return "int16";
  if (data instanceof Int8Array) return "int8";
  if (data instanceof BigUint64Array) return "uint64";
  if (data instanceof Uint32Array) return "uint32";
  if (data instanceof Uint16Array) return "uint16";
  if (data instanceof Uint8Array) return "uint8";
  return undefined;
}

/** Allocates the storage for `n` elements of `dtype`. */
export function allocate(dtype: DType, n: number): VariableData {
  switch (dtype) {
    case "float64":
      return new Float64Array(n);
    case "float32":
      return new Float32Array(n);
    case "int64":
      return new BigInt64Array(n);
    case "int32":
      return new Int32Array(n);
    case "int16":
      return new Int16Array(n);
    case "int8":
      return new Int8Array(n);
    case "uint64":
      return new BigUint64Array(n);
    case "uint32":
      return new Uint32Array(n);
    case "uint16":
      return new Uint16Array(n);
    case "uint8":
    case "bool":
      return new Uint8Array(n);
    case "string":
      return new Array<string>(n).fill("");
  }
}

const BIG = new Set<DType>(["int64", "uint64"]);

/** Converts arbitrary element values to the storage of `dtype`, with a clear error on a bad element. */
export function convert(values: ArrayLike<unknown>, dtype: DType, where: string): VariableData {
  const n = values.length;
  const out = allocate(dtype, n);
  if (dtype === "string") {
    const s = out as string[];
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (typeof v !== "string") {
        throw new ArvizIoError(
          "invalid-variable",
          `${where}: element ${i} is ${String(v)}, expected a string.`,
        );
      }
      s[i] = v;
    }
    return s;
  }
  if (BIG.has(dtype)) {
    const b = out as BigInt64Array | BigUint64Array;
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (typeof v === "bigint") b[i] = v;
      else if (typeof v === "boolean") b[i] = v ? 1n : 0n;
      else if (typeof v === "number" && Number.isInteger(v)) b[i] = BigInt(v);
      else
        throw new ArvizIoError(
          "invalid-variable",
          `${where}: element ${i} is ${String(v)}, not an integer; dtype ${dtype} needs integers (use dtype "float64").`,
        );
    }
    return b;
  }
  const t = out as Exclude<VariableData, string[] | BigInt64Array | BigUint64Array>;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (typeof v === "number") t[i] = dtype === "bool" ? (v !== 0 ? 1 : 0) : v;
    else if (typeof v === "boolean") t[i] = v ? 1 : 0;
    else if (typeof v === "bigint") t[i] = Number(v);
    else
      throw new ArvizIoError(
        "invalid-variable",
        `${where}: element ${i} is ${String(v)}, expected a number.`,
      );
  }
  return t;
}

function nestedShape(x: NestedArray, where: string): number[] {
  const shape: number[] = [];
  let cur: NestedArray = x;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    if (cur.length === 0) break;
    cur = cur[0] as NestedArray;
  }
  if (shape.length > 32)
    throw new ArvizIoError("invalid-variable", `${where}: nesting deeper than 32 levels.`);
  return shape;
}

function flatten(x: NestedArray, shape: number[], where: string): unknown[] {
  const out: unknown[] = [];
  const walk = (v: NestedArray, depth: number): void => {
    if (depth === shape.length) {
      if (Array.isArray(v)) throw new ArvizIoError("invalid-variable", `${where}: ragged nested array.`);
      out.push(v);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) {
      throw new ArvizIoError(
        "invalid-variable",
        `${where}: ragged nested array (expected length ${shape[depth]} at depth ${depth}); pass a rectangular array.`,
      );
    }
    for (const e of v) walk(e as NestedArray, depth + 1);
  };
  walk(x, 0);
  return out;
}

function inferDtype(values: ArrayLike<unknown>): DType {
  if (values.length === 0) return "float64";
  const first = values[0];
  if (typeof first === "string") return "string";
  if (typeof first === "boolean") return "bool";
  if (typeof first === "bigint") return "int64";
  return "float64";
}

/** A normalised array: storage, shape and dtype. */
export interface NormalArray {
  data: VariableData;
  shape: number[];
  dtype: DType;
}

function checkShape(shape: readonly number[], where: string): number[] {
  if (!Array.isArray(shape)) throw new ArvizIoError("invalid-variable", `${where}: shape must be an array.`);
  for (const s of shape) {
    if (!Number.isInteger(s) || s < 0) {
      throw new ArvizIoError(
        "invalid-variable",
        `${where}: shape [${shape.join(", ")}] has a bad entry ${s}; entries are non-negative integers.`,
      );
    }
  }
  return [...shape];
}

/**
 * Turns any {@link ArrayInput} into storage + shape + dtype. Typed arrays keep their dtype (no copy when the
 * dtype matches); nested arrays and plain arrays are converted (numbers → float64, booleans → bool,
 * strings → string, unless `dtype` says otherwise).
 */
export function normalizeArray(input0: ArrayInput, where: string, dtype?: DType): NormalArray {
  const input = isTensorLike(input0) ? fromTensorLike(input0, where) : input0;
  if (input !== null && typeof input === "object" && !Array.isArray(input) && "data" in input) {
    const shape = checkShape(input.shape, where);
    const raw = input.data;
    if (raw === null || typeof raw !== "object" || typeof raw.length !== "number") {
      throw new ArvizIoError("invalid-variable", `${where}: data must be a typed array or an array.`);
    }
    if (raw.length !== sizeOf(shape)) {
      throw new ArvizIoError(
        "invalid-variable",
        `${where}: data has ${raw.length} elements but shape [${shape.join(", ")}] needs ${sizeOf(shape)}.`,
      );
    }
    const want = dtype ?? input.dtype ?? dtypeOfData(raw) ?? inferDtype(raw as ArrayLike<unknown>);
    if (want !== "bool" && dtypeOfData(raw) === want)
      return { data: raw as VariableData, shape, dtype: want };
    return { data: convert(raw as ArrayLike<unknown>, want, where), shape, dtype: want };
  }
  const nested = input as NestedArray;
  const shape = nestedShape(nested, where);
  const flat = flatten(nested, shape, where);
  const want = dtype ?? inferDtype(flat);
  return { data: convert(flat, want, where), shape, dtype: want };
}

/** Whether `x` is a tensor-like (`shape` plus a `dataSync()` method), e.g. a `Tensor` of `@phlox/tensor`. */
export function isTensorLike(x: unknown): x is TensorLike {
  return (
    x !== null &&
    typeof x === "object" &&
    !Array.isArray(x) &&
    typeof (x as { dataSync?: unknown }).dataSync === "function" &&
    "shape" in x
  );
}

/** `{ data, shape, dtype }` of a tensor-like: a copy of its elements (bool tensors stay bool). */
function fromTensorLike(t: TensorLike, where: string): ArrayInput {
  const raw = t.dataSync();
  if (raw === null || typeof raw !== "object" || typeof raw.length !== "number") {
    throw new ArvizIoError("invalid-variable", `${where}: dataSync() did not return an array.`);
  }
  const data = ArrayBuffer.isView(raw)
    ? (raw as unknown as { slice(): ArrayLike<number> }).slice()
    : Array.from(raw);
  const dtype = t.dtype === "bool" ? "bool" : undefined;
  return { data, shape: Array.from(t.shape), dtype };
}

/** Coordinate values → a 1-D index variable over `dim`: strings stay strings, integers become int64. */
export function coordVariable(dim: string, values: CoordInput, where: string): Variable {
  const arr = Array.from(values as ArrayLike<unknown>);
  let dtype: DType;
  if (arr.length > 0 && typeof arr[0] === "string") dtype = "string";
  else if (arr.every((v) => typeof v === "number" && Number.isInteger(v))) dtype = "int64";
  else dtype = "float64";
  return { dims: [dim], shape: [arr.length], dtype, data: convert(arr, dtype, where), attrs: {} };
}

/** The default coordinate `0 … n−1` (int64), as ArviZ writes with `index_origin = 0`. */
export function rangeCoord(dim: string, n: number): Variable {
  const data = new BigInt64Array(n);
  for (let i = 0; i < n; i++) data[i] = BigInt(i);
  return { dims: [dim], shape: [n], dtype: "int64", data, attrs: {} };
}

/** A copy of numeric storage as Float64Array (bool → 0/1, int64 → nearest double). */
export function toFloat64Array(v: Variable, where: string): Float64Array {
  if (v.dtype === "string") {
    throw new ArvizIoError("invalid-variable", `${where}: is a string variable; it has no numeric draws.`);
  }
  if (v.data instanceof Float64Array) return v.data;
  const out = new Float64Array(v.data.length);
  const d = v.data as ArrayLike<number | bigint>;
  for (let i = 0; i < out.length; i++) out[i] = Number(d[i]);
  return out;
}
