import { DtypeError } from "./errors.js";

/** Element type of a tensor. `float64` is the default float; `bool` is stored as 0/1 bytes. */
export type DType = "float64" | "float32" | "int32" | "uint32" | "bool";

/** A typed array holding the elements of one tensor. */
export type TypedArray = Float64Array | Float32Array | Int32Array | Uint32Array | Uint8Array;

/** All dtypes, in promotion order from narrowest to widest. */
export const DTYPES: readonly DType[] = ["bool", "uint32", "int32", "float32", "float64"];

/** True for `float32` and `float64`. */
export const isFloat = (d: DType): boolean => d === "float64" || d === "float32";
/** True for `int32` and `uint32`. */
export const isInt = (d: DType): boolean => d === "int32" || d === "uint32";

/**
 * Allocates a zero-filled typed array for `n` elements of dtype `d`.
 * @example
 * Array.from(allocate("float32", 3)); // → [0, 0, 0]
 */
export function allocate(d: DType, n: number): TypedArray {
  switch (d) {
    case "float64":
      return new Float64Array(n);
    case "float32":
      return new Float32Array(n);
    case "int32":
      return new Int32Array(n);
    case "uint32":
      return new Uint32Array(n);
    case "bool":
      return new Uint8Array(n);
  }
}

/** The dtype matching a typed array's class. */
export function dtypeOfArray(a: TypedArray): DType {
  if (a instanceof Float64Array) return "float64";
  if (a instanceof Float32Array) return "float32";
  if (a instanceof Int32Array) return "int32";
  if (a instanceof Uint32Array) return "uint32";
  return "bool";
}

/**
 * Result dtype of a binary operation on two (strongly typed) dtypes, JAX style: bool < ints < float32 < float64;
 * int32 with uint32 gives float64 (there is no int64), any int with float32 gives float32.
 * @example
 * promoteTypes("int32", "float32"); // → "float32"
 */
export function promoteTypes(a: DType, b: DType): DType {
  if (a === b) return a;
  if (a === "float64" || b === "float64") return "float64";
  if (a === "float32" || b === "float32") return "float32";
  if (a === "bool") return b;
  if (b === "bool") return a;
  return "float64"; // int32 with uint32
}

/** Throws a `DtypeError` unless `d` is a float dtype; `op` names the caller. */
export function checkFloat(op: string, d: DType): void {
  if (!isFloat(d))
    throw new DtypeError(
      "dtype-not-float",
      `${op}: expected a float tensor (float64 or float32), got ${d}. Cast first, e.g. x.cast("float64").`,
    );
}
