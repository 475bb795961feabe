/** Axis helpers shared by the batching rules: moving, inserting and materialising batch axes. */
import type { Tensor } from "../core/tensor.js";
import { bind } from "../core/trace.js";
import { broadcastToP } from "../primitives/broadcast-to.js";
import { reshapeP } from "../primitives/reshape.js";
import { transposeP } from "../primitives/transpose.js";

/** `x` with axis `from` moved to position `to` (the other axes keep their order). */
export function moveAxis(x: Tensor, from: number, to: number): Tensor {
  if (from === to) return x;
  const perm: number[] = [];
  for (let i = 0; i < x.shape.length; i++) if (i !== from) perm.push(i);
  perm.splice(to, 0, from);
  return bind(transposeP, [x], { perm });
}

/** `shape` with `value` inserted at position `at`. */
export function insertAt(shape: readonly number[], at: number, value: number): number[] {
  const s = shape.slice();
  s.splice(at, 0, value);
  return s;
}

/** `x` reshaped to a new shape (no-op when it already has it). */
export function reshapeTo(x: Tensor, shape: readonly number[]): Tensor {
  if (x.shape.length === shape.length && x.shape.every((d, i) => d === shape[i])) return x;
  return bind(reshapeP, [x], { shape: [...shape] });
}

/** `x` broadcast to `shape` (no-op when it already has it). */
export function broadcastToShape(x: Tensor, shape: readonly number[]): Tensor {
  if (x.shape.length === shape.length && x.shape.every((d, i) => d === shape[i])) return x;
  return bind(broadcastToP, [x], { shape: [...shape] });
}

/**
 * The batched value with its batch axis at `to`: an unbatched value (`from === null`) is repeated `size` times
 * along a new axis there.
 */
export function batchAt(x: Tensor, from: number | null, to: number, size: number): Tensor {
  if (from !== null) return moveAxis(x, from, to);
  // A new leading axis is plain (right-aligned) broadcasting; elsewhere a unit axis is inserted first.
  const lifted = to === 0 ? x : reshapeTo(x, insertAt(x.shape, to, 1));
  return broadcastToShape(lifted, insertAt(x.shape, to, size));
}

/** Maps an axis of the unbatched value to the batched value whose batch axis is at `bdim`. */
export const physicalAxis = (axis: number, bdim: number): number => (axis >= bdim ? axis + 1 : axis);

/** `0, 1, …, n − 1` shifted by `from`. */
export const range = (from: number, to: number): number[] => {
  const r: number[] = [];
  for (let i = from; i < to; i++) r.push(i);
  return r;
};
