import type { DType, TypedArray } from "./dtype.js";
import { MissingRuleError } from "./errors.js";
import type { Tensor } from "./tensor.js";

/** Params of primitives that take none. */
export type NoParams = Record<string, never>;
/** Params of reductions. */
export interface ReduceParams {
  axes: number[];
  keepDims: boolean;
}

/**
 * Parameters of every primitive, keyed by name: the contract between tensor, jit and the backends
 * (ARCHITECTURE.md "Primitives and their params"). Third parties add primitives by declaration merging.
 */
export interface PrimitiveParams {
  neg: NoParams;
  exp: NoParams;
  log: NoParams;
  log1p: NoParams;
  expm1: NoParams;
  sqrt: NoParams;
  rsqrt: NoParams;
  sin: NoParams;
  cos: NoParams;
  tan: NoParams;
  tanh: NoParams;
  logistic: NoParams;
  abs: NoParams;
  sign: NoParams;
  floor: NoParams;
  ceil: NoParams;
  round: NoParams;
  lgamma: NoParams;
  digamma: NoParams;
  erf: NoParams;
  erfc: NoParams;
  ndtri: NoParams;
  isnan: NoParams;
  isfinite: NoParams;
  logicalNot: NoParams;
  stopGradient: NoParams;
  polygamma: { n: number };
  add: NoParams;
  sub: NoParams;
  mul: NoParams;
  div: NoParams;
  pow: NoParams;
  maximum: NoParams;
  minimum: NoParams;
  lt: NoParams;
  le: NoParams;
  gt: NoParams;
  ge: NoParams;
  eq: NoParams;
  ne: NoParams;
  logicalAnd: NoParams;
  logicalOr: NoParams;
  select: NoParams;
  cast: { dtype: DType };
  reduceSum: ReduceParams;
  reduceMax: ReduceParams;
  reduceMin: ReduceParams;
  reduceProd: ReduceParams;
  argmax: { axis: number; keepDims: boolean };
  argmin: { axis: number; keepDims: boolean };
  reshape: { shape: number[] };
  broadcastTo: { shape: number[] };
  transpose: { perm: number[] };
  slice: { start: number[]; end: number[] };
  pad: { lo: number[]; hi: number[] };
  concatenate: { axis: number };
  gather: { axis: number };
  scatterAdd: { axis: number };
  cumsum: { axis: number; reverse: boolean };
  matmul: NoParams;
  cholesky: NoParams;
  triangularSolve: { lower: boolean; transposeA: boolean; leftSide: boolean };
  randomBits: { shape: number[] };
}

/** Name of a primitive. */
export type PrimitiveName = keyof PrimitiveParams;

/** Abstract value: what the shape rules see (shape and dtype, no data). */
export interface Aval {
  readonly shape: readonly number[];
  readonly dtype: DType;
}

/** What a kernel receives per input: the backend buffer with its shape and dtype. */
export interface KernelArg extends Aval {
  readonly buf: unknown;
}

/** The rules of one primitive (Autodidax's rule tables, gathered per primitive). */
export interface PrimitiveRules<P extends PrimitiveName> {
  /** Output shape from input avals (abstract evaluation). */
  shape(inputs: readonly Aval[], params: PrimitiveParams[P]): readonly number[];
  /** Output dtype from input avals. */
  dtype(inputs: readonly Aval[], params: PrimitiveParams[P]): DType;
  /**
   * Cotangents of the inputs given the output cotangent `g`, written with public ops so that it re-binds into
   * whatever interpreter is current (higher derivatives, staging). `null` is a symbolic zero.
   */
  vjp?: (
    g: Tensor,
    primals: readonly Tensor[],
    out: Tensor,
    params: PrimitiveParams[P],
    /** `needs[i]` is false when input i is a constant here: the rule may return `null` for it and skip work. */
    needs: readonly boolean[],
  ) => (Tensor | null)[];
  /** True when the output is a constant for autodiff (comparisons, floor, random bits, stopGradient). */
  nondiff?: boolean;
  /** Reference JS kernel: reads `inputs[i].buf` as typed arrays and returns the output array. */
  kernel(
    inputs: readonly KernelArg[],
    params: PrimitiveParams[P],
    shape: readonly number[],
    dtype: DType,
  ): TypedArray;
}

/** A primitive: its name plus its rules. */
export interface Primitive<P extends PrimitiveName = PrimitiveName> extends PrimitiveRules<P> {
  readonly name: P;
}

const registry = new Map<string, Primitive>();

/**
 * Creates (and registers by name) a primitive from its rules.
 * @example
 * const negP = definePrimitive("neg", { shape: (i) => i[0].shape, dtype: (i) => i[0].dtype, kernel: ... });
 */
export function definePrimitive<P extends PrimitiveName>(name: P, rules: PrimitiveRules<P>): Primitive<P> {
  const p = { name, ...rules } as Primitive<P>;
  registry.set(name, p as unknown as Primitive);
  return p;
}

/**
 * Looks a primitive up by name (the IR interpreter and backends use this).
 * @throws MissingRuleError when no primitive has that name.
 */
export function getPrimitive<P extends PrimitiveName>(name: P): Primitive<P> {
  const p = registry.get(name);
  if (p === undefined)
    throw new MissingRuleError("unknown-primitive", `getPrimitive: no primitive named "${name}" is defined.`);
  return p as unknown as Primitive<P>;
}

/** Names of all defined primitives. */
export function primitiveNames(): string[] {
  return [...registry.keys()];
}

/** Reads a kernel argument's buffer as a typed array (JS backend). */
export const arr = (x: KernelArg): TypedArray => x.buf as TypedArray;
/** Reads a kernel argument's buffer as a Float64Array-compatible numeric array (JS backend). */
export const num = (x: KernelArg): Float64Array => x.buf as Float64Array;
