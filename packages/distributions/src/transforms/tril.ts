import {
  asTensor,
  concatenate,
  indexTensor,
  reshape,
  ShapeError,
  type Tensor,
  take,
  zeros,
} from "../internal/ops.js";

/** The last entry of a shape. */
export const last = (s: readonly number[]): number => s[s.length - 1]!;

/** Index maps between a packed vector and the lower triangle of an n×n matrix (row-major). */
function trilIndices(n: number, strict: boolean): { rows: number[]; cols: number[] } {
  const rows: number[] = [];
  const cols: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < (strict ? i : i + 1); j++) {
      rows.push(i);
      cols.push(j);
    }
  }
  return { rows, cols };
}

/**
 * Packed `[..., m]` → `[..., n, n]` with the entries in the (strict) lower triangle, zeros elsewhere.
 * @example
 * vecToTril(tensor([1, 2, 3]), 2, false).toArray(); // → [[1, 0], [2, 3]]
 */
export function vecToTril(x: Tensor, n: number, strict: boolean): Tensor {
  const { rows, cols } = trilIndices(n, strict);
  const m = rows.length;
  const batch = x.shape.slice(0, -1);
  const padded = concatenate([x, zeros([...batch, 1])], -1);
  const idx: number[] = new Array(n * n).fill(m);
  rows.forEach((r, k) => {
    idx[r * n + cols[k]!] = k;
  });
  return reshape(take(padded, indexTensor(idx), -1), [...batch, n, n]);
}

/**
 * `[..., n, n]` → packed `[..., m]` of the (strict) lower triangle, row-major.
 * @example
 * trilToVec(tensor([[1, 0], [2, 3]]), 2, true).toArray(); // → [2]
 */
export function trilToVec(y: Tensor, n: number, strict: boolean): Tensor {
  const { rows, cols } = trilIndices(n, strict);
  const batch = y.shape.slice(0, -2);
  const flat = reshape(y, [...batch, n * n]);
  return take(flat, indexTensor(rows.map((r, k) => r * n + cols[k]!)), -1);
}

/** n for a packed last dimension m = n(n+1)/2 (or n(n−1)/2 when `strict`); throws naming `who` otherwise. */
export function sideFromPacked(m: number, strict: boolean, who: string): number {
  const n = strict ? (1 + Math.sqrt(1 + 8 * m)) / 2 : (Math.sqrt(1 + 8 * m) - 1) / 2;
  if (!Number.isInteger(n)) {
    throw new ShapeError(
      "transform-shape",
      `${who}: a last dimension of ${m} is not a triangular number ${strict ? "n(n−1)/2" : "n(n+1)/2"}. ` +
        `Pass a vector of length ${strict ? "n(n−1)/2" : "n(n+1)/2"} for an n×n matrix.`,
    );
  }
  return n;
}

/** The n×n identity as a constant tensor. */
export const eyeLike = (n: number): Tensor =>
  asTensor(Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))));
