import { ShapeError } from "./errors.js";

/** A tensor shape: one non-negative integer per axis; `[]` is a scalar. */
export type Shape = readonly number[];

/** Number of elements of `shape` (1 for a scalar). */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i];
  return n;
}

/** True when the two shapes are identical. */
export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Row-major strides of `shape`. */
export function stridesOf(shape: Shape): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/** Formats a shape as `[2, 3]` for messages. */
export const fmt = (s: Shape): string => `[${s.join(", ")}]`;

/**
 * NumPy broadcasting of two shapes (right-aligned; a 1 stretches).
 * @param op - the calling operation, named in the error.
 * @throws ShapeError naming both shapes and the op when an axis differs and neither is 1.
 * @example
 * broadcastShapes([3, 1], [4]); // → [3, 4]
 */
export function broadcastShapes(a: Shape, b: Shape, op = "broadcast"): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = i < n - a.length ? 1 : a[i - (n - a.length)];
    const db = i < n - b.length ? 1 : b[i - (n - b.length)];
    if (da === db || db === 1) out[i] = da;
    else if (da === 1) out[i] = db;
    else
      throw new ShapeError(
        "broadcast-mismatch",
        `${op}: shapes ${fmt(a)} and ${fmt(b)} do not broadcast (axis ${i - n} has ${da} vs ${db}). ` +
          "Reshape one operand (e.g. expandDims) so each axis matches or is 1.",
      );
  }
  return out;
}

/** Normalises a possibly negative axis for a tensor of rank `rank`; `op` names the caller in errors. */
export function normalizeAxis(axis: number, rank: number, op: string): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank)
    throw new ShapeError(
      "axis-out-of-range",
      `${op}: axis ${axis} is out of range for a tensor of rank ${rank}.`,
    );
  return a;
}

/** Checks that every entry is a non-negative integer; `op` names the caller in errors. */
export function checkShape(shape: Shape, op: string): void {
  for (const d of shape)
    if (!Number.isInteger(d) || d < 0)
      throw new ShapeError("bad-shape", `${op}: shape ${fmt(shape)} must hold non-negative integers.`);
}
