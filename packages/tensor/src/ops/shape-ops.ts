import { ShapeError } from "../core/errors.js";
import { fmt, normalizeAxis } from "../core/shape.js";
import { type Tensor, type TensorLike, tensor, toTensor } from "../core/tensor.js";
import { concatenate } from "../primitives/concatenate.js";
import { take } from "../primitives/gather.js";
import { reshape } from "../primitives/reshape.js";

/**
 * Inserts an axis of length 1 at position `axis` (negative counts from the end of the result).
 * @example
 * expandDims([1, 2], 0).shape; // → [1, 2]
 */
export function expandDims(x: TensorLike, axis: number): Tensor {
  const t = toTensor(x);
  const a = normalizeAxis(axis, t.shape.length + 1, "expandDims");
  const s = [...t.shape];
  s.splice(a, 0, 1);
  return reshape(t, s);
}

/**
 * Removes axes of length 1 (all of them, or the given ones).
 * @throws ShapeError when a given axis does not have length 1.
 * @example
 * squeeze([[1], [2]]).shape; // → [2]
 */
export function squeeze(x: TensorLike, axis?: number | readonly number[]): Tensor {
  const t = toTensor(x);
  const r = t.shape.length;
  const axes =
    axis === undefined
      ? t.shape.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0)
      : (typeof axis === "number" ? [axis] : axis).map((a) => normalizeAxis(a, r, "squeeze"));
  for (const a of axes)
    if (t.shape[a] !== 1)
      throw new ShapeError(
        "squeeze-axis",
        `squeeze: axis ${a} of shape ${fmt(t.shape)} has length ${t.shape[a]}, not 1.`,
      );
  return reshape(
    t,
    t.shape.filter((_, i) => !axes.includes(i)),
  );
}

/**
 * Stacks tensors of identical shape along a new axis.
 * @throws ShapeError when the shapes differ.
 * @example
 * stack([[1, 2], [3, 4]], 1).toArray(); // → [[1, 3], [2, 4]]
 */
export function stack(xs: readonly TensorLike[], axis = 0): Tensor {
  const ts = xs.map(toTensor);
  if (ts.length === 0) throw new ShapeError("stack-empty", "stack: needs at least one tensor.");
  for (const t of ts)
    if (fmt(t.shape) !== fmt(ts[0].shape))
      throw new ShapeError(
        "stack-shape",
        `stack: all shapes must be equal, got ${ts.map((u) => fmt(u.shape)).join(", ")}.`,
      );
  const a = normalizeAxis(axis, ts[0].shape.length + 1, "stack");
  return concatenate(
    ts.map((t) => expandDims(t, a)),
    a,
  );
}

/**
 * The main diagonals of the last two axes: `[..., n, n] → [..., n]`.
 * @example
 * diagonal([[1, 2], [3, 4]]).toArray(); // → [1, 4]
 */
export function diagonal(x: TensorLike): Tensor {
  const t = toTensor(x);
  const r = t.shape.length;
  if (r < 2 || t.shape[r - 1] !== t.shape[r - 2])
    throw new ShapeError(
      "diagonal-shape",
      `diagonal: expected square matrices [..., n, n], got ${fmt(t.shape)}.`,
    );
  const n = t.shape[r - 1];
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i * (n + 1);
  return take(reshape(t, [...t.shape.slice(0, -2), n * n]), tensor(idx), r - 2);
}
