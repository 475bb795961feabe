import type { DType, TypedArray } from "./dtype.js";
import { MissingRuleError } from "./errors.js";
import type { Program } from "./ir.js";
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
  scan: ScanParams;
  cond: CondParams;
  whileLoop: WhileLoopParams;
}

/**
 * Params of `scan` (inputs: consts, initial carry, stacked xs; outputs: final carry, stacked ys). `body`
 * takes consts, carry, one slice of each xs and returns the new carry then one slice of each ys; it has no
 * constants of its own (closed-over tensors are the consts), so params stay plain JSON-able data.
 */
export interface ScanParams {
  body: Program;
  numConsts: number;
  numCarry: number;
  /** Number of steps (the leading axis of every xs and ys). */
  length: number;
  /** Run t = length−1 … 0 (ys are still stored at index t). */
  reverse: boolean;
  /** Body copies per generated loop iteration (a codegen hint; results are identical). */
  unroll: number;
  /** Reverse mode stores only the carries and recomputes each step's body in the backward scan. */
  checkpoint: boolean;
  /** Name shown in errors and warnings. */
  name: string;
}

/**
 * Params of `cond` (inputs: an int32 scalar branch index, then the operands every branch takes; output:
 * the chosen branch's results). Each branch program has the same inputs and outputs (shapes and dtypes).
 */
export interface CondParams {
  branches: Program[];
  name: string;
}

/**
 * Params of `whileLoop` (inputs: cond consts, body consts, carry; output: the final carry). `cond` maps
 * (cond consts, carry) to a bool scalar; `body` maps (body consts, carry) to the new carry.
 */
export interface WhileLoopParams {
  cond: Program;
  body: Program;
  numCondConsts: number;
  numBodyConsts: number;
  name: string;
}

/** Names of primitives with several outputs and sub-programs (control flow). */
export type MultiPrimitiveName = "scan" | "cond" | "whileLoop";

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

/** A primitive's VJP rule (see {@link PrimitiveRules.vjp}). */
export type VjpRule<P extends PrimitiveName> = NonNullable<PrimitiveRules<P>["vjp"]>;

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

/**
 * A primitive with several outputs whose params hold sub-programs (control flow). Its rules mirror
 * {@link PrimitiveRules} for tuples of outputs; evaluation is `impl` on concrete tensors (it binds the body's
 * primitives, so it runs on any backend), and transformations see one equation with several outputs.
 */
export interface MultiPrimitive<P extends MultiPrimitiveName = MultiPrimitiveName> {
  readonly name: P;
  /** Output avals from input avals. */
  avals(inputs: readonly Aval[], params: PrimitiveParams[P]): Aval[];
  /** Eager evaluation on concrete tensors. */
  impl(inputs: readonly Tensor[], params: PrimitiveParams[P]): Tensor[];
  /**
   * Forward pass for reverse mode: the outputs plus whatever the VJP rule needs (e.g. `scan`'s stored
   * residuals). Absent: the primitive itself is bound and `residuals` is empty.
   */
  vjpForward?: (
    primals: readonly Tensor[],
    params: PrimitiveParams[P],
    needs: readonly boolean[],
  ) => { outs: Tensor[]; residuals: Tensor[] };
  /** Cotangents of the inputs from the outputs' cotangents (`null`: symbolic zero). */
  vjp?: (
    cts: readonly (Tensor | null)[],
    primals: readonly Tensor[],
    outs: readonly Tensor[],
    residuals: readonly Tensor[],
    params: PrimitiveParams[P],
    needs: readonly boolean[],
  ) => (Tensor | null)[];
  /** Forward mode: output tangents from input tangents (`null`: zero). */
  jvp?: (
    primals: readonly Tensor[],
    tangents: readonly (Tensor | null)[],
    params: PrimitiveParams[P],
  ) => { outs: Tensor[]; tangents: (Tensor | null)[] };
}

const multiRegistry = new Map<string, MultiPrimitive>();

/** Creates and registers a multi-output primitive. */
export function defineMultiPrimitive<P extends MultiPrimitiveName>(
  name: P,
  rules: Omit<MultiPrimitive<P>, "name">,
): MultiPrimitive<P> {
  const p = { name, ...rules } as MultiPrimitive<P>;
  multiRegistry.set(name, p as unknown as MultiPrimitive);
  return p;
}

/** The multi-output primitive of that name, or undefined (interpreters dispatch on this). */
export function getMultiPrimitive(name: string): MultiPrimitive | undefined {
  return multiRegistry.get(name);
}

/** Reads a kernel argument's buffer as a typed array (JS backend). */
export const arr = (x: KernelArg): TypedArray => x.buf as TypedArray;
/** Reads a kernel argument's buffer as a Float64Array-compatible numeric array (JS backend). */
export const num = (x: KernelArg): Float64Array => x.buf as Float64Array;
