/**
 * The structural view of a tensor IR `Program` that the code generator consumes. It matches
 * `Program` from `@phlox/tensor` (see ARCHITECTURE.md "The IR"), restated here so that the compiler
 * depends only on the shape of the data, not on the tracer's classes.
 */

/** Element type of a variable: float64 by default, float32, int32, uint32 or bool. */
export type IRDType = "float64" | "float32" | "int32" | "uint32" | "bool";

/** A typed array that can hold any {@link IRDType}. */
export type IRTypedArray = Float64Array | Float32Array | Int32Array | Uint32Array | Uint8Array;

/** A typed variable of the program. */
export interface IRVar {
  readonly id: number;
  readonly shape: readonly number[];
  readonly dtype: string;
}

/** A scalar constant written inline. */
export interface IRLiteral {
  readonly literal: number;
  readonly dtype: string;
}

/** An equation operand. */
export type IRAtom = IRVar | IRLiteral;

/** One primitive application. */
export interface IREqn {
  readonly primitive: string;
  readonly inputs: readonly IRAtom[];
  // biome-ignore lint/suspicious/noExplicitAny: params are typed per primitive in @phlox/tensor.
  readonly params: any;
  readonly outputs: readonly IRVar[];
}

/** A flat program: inputs, captured constants, equations, outputs. */
export interface IRProgram {
  readonly inputs: readonly IRVar[];
  readonly constants: readonly { readonly v: IRVar; readonly value: ArrayLike<number> }[];
  readonly eqns: readonly IREqn[];
  readonly outputs: readonly IRAtom[];
}

/** True when `a` is a literal. */
export const isLiteral = (a: IRAtom): a is IRLiteral => (a as IRLiteral).literal !== undefined;

/** Number of elements of a shape. */
export const sizeOf = (shape: readonly number[]): number => {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
};

/** Row-major strides of a shape. */
export const stridesOf = (shape: readonly number[]): number[] => {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i] as number;
  }
  return s;
};

/** Shape and dtype of a program input or output. */
export interface ArgSpec {
  readonly shape: readonly number[];
  readonly dtype: string;
}
