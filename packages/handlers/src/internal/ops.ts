/**
 * The one place this package touches `@phlox/tensor` at run time, so that the signatures it relies on are
 * listed together.
 */
import * as T from "@phlox/tensor";

export type Tensor = T.Tensor;
export type TensorLike = T.TensorLike;
export type Key = T.Key;

/** Promotes a value to a tensor (tensors pass through). */
export function asTensor(x: TensorLike): Tensor {
  return x instanceof T.Tensor ? x : T.tensor(x);
}
export const isTensor = (x: unknown): x is Tensor => x instanceof T.Tensor;
export const makeKey = (seed: number): Key => T.key(seed);
export const isKey = (x: unknown): x is Key => x instanceof T.Tensor;
/** Splits a key into two: `[next, sub]`. */
export function split2(k: Key): [Key, Key] {
  const ks = T.split(k, 2);
  return [ks[0], ks[1]];
}
export const zeros = (shape: readonly number[]): Tensor => T.zeros([...shape]);
export const mul = (a: TensorLike, b: TensorLike): Tensor => T.mul(a, b);
export const logicalAnd = (a: TensorLike, b: TensorLike): Tensor => T.logicalAnd(a, b);
export const logicalNot = (a: TensorLike): Tensor => T.logicalNot(a);
export const where = (c: TensorLike, a: TensorLike, b: TensorLike): Tensor => T.where(c, a, b);
export const reshape = (a: TensorLike, shape: readonly number[]): Tensor => T.reshape(a, [...shape]);
export const take = (a: TensorLike, idx: TensorLike, axis: number): Tensor => T.take(a, idx, axis);
/** `[0, 1, …, n − 1]` as int32. */
export const arangeIndices = (n: number): Tensor => T.arange(0, n, 1, "int32");
/** Integer indices as an int32 tensor. */
export const int32Tensor = (xs: readonly number[]): Tensor => T.tensor([...xs], { dtype: "int32" });
/** `n` uniform draws in [0, 1) read back to JS numbers. */
export function uniformNumbers(k: Key, n: number): number[] {
  return Array.from(T.uniform(k, [n]).dataSync());
}
