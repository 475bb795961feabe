/**
 * The table of batching rules, keyed by primitive name. A rule receives the batched values of a primitive's
 * inputs with the position of each one's batch axis (`null`: the input is not batched, it is the same for every
 * slice) and returns the batched output and the position of its batch axis. Rules bind ordinary primitives on
 * the values, so they work eagerly, under autodiff and while staging.
 */
import type {
  MultiPrimitive,
  MultiPrimitiveName,
  Primitive,
  PrimitiveName,
  PrimitiveParams,
} from "../core/primitive.js";
import type { Tensor } from "../core/tensor.js";

/** A batching rule: `(prim, values, batchDims, params, axisSize) → [output, outputBatchDim]`. */
export type BatchingRule<P extends PrimitiveName = PrimitiveName> = (
  prim: Primitive,
  vals: readonly Tensor[],
  dims: readonly (number | null)[],
  params: PrimitiveParams[P],
  size: number,
) => [Tensor, number | null];

const table = new Map<string, BatchingRule>();

/**
 * Registers (or replaces) the batching rule of a primitive, for primitives defined outside `@phlox/tensor`.
 * @example
 * registerBatchingRule("myUnary", (prim, [x], [d], params) => [bind(prim, [x], params), d]);
 */
export function registerBatchingRule<P extends PrimitiveName>(name: P, rule: BatchingRule<P>): void {
  table.set(name, rule as unknown as BatchingRule);
}

/** The batching rule of a primitive, or `undefined` when it has none. */
export function getBatchingRule(name: string): BatchingRule | undefined {
  return table.get(name);
}

/** Names of the primitives that have a batching rule. */
export function batchingRuleNames(): string[] {
  return [...table.keys()];
}

/**
 * A batching rule of a multi-output primitive (control flow): `(prim, values, batchDims, params, axisSize) →
 * [outputs, outputBatchDims]`.
 */
export type MultiBatchingRule<P extends MultiPrimitiveName = MultiPrimitiveName> = (
  prim: MultiPrimitive<P>,
  vals: readonly Tensor[],
  dims: readonly (number | null)[],
  params: PrimitiveParams[P],
  size: number,
) => [Tensor[], (number | null)[]];

const multiTable = new Map<string, MultiBatchingRule>();

/** Registers (or replaces) the batching rule of a multi-output primitive. */
export function registerMultiBatchingRule<P extends MultiPrimitiveName>(
  name: P,
  rule: MultiBatchingRule<P>,
): void {
  multiTable.set(name, rule as unknown as MultiBatchingRule);
}

/** The batching rule of a multi-output primitive, or `undefined`. */
export function getMultiBatchingRule(name: string): MultiBatchingRule | undefined {
  return multiTable.get(name);
}

/** Names of the multi-output primitives that have a batching rule. */
export function multiBatchingRuleNames(): string[] {
  return [...multiTable.keys()];
}
