import type { Distribution } from "@phlox/distributions";
import { mul, type Tensor } from "@phlox/tensor";

/** Duck-typed check used where a value may be a distribution or a plain record of them. */
export function isDistribution(x: unknown): x is Distribution {
  return (
    typeof x === "object" &&
    x !== null &&
    typeof (x as { logProb?: unknown }).logProb === "function" &&
    typeof (x as { sample?: unknown }).sample === "function" &&
    Array.isArray((x as { batchShape?: unknown }).batchShape)
  );
}

/** `a * b` for site scales, where `null` means 1 and numbers stay numbers. */
export function mulScale(a: Tensor | number | null, b: Tensor | number | null): Tensor | number | null {
  if (a === null) return b;
  if (b === null) return a;
  if (typeof a === "number" && typeof b === "number") return a * b;
  return mul(a, b);
}

/** `[1, 2]` → `"[1, 2]"`, for error messages. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

/**
 * NumPy broadcasting of two shapes, or `null` when they do not broadcast.
 */
export function tryBroadcastShapes(a: readonly number[], b: readonly number[]): number[] | null {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const x = i < n - a.length ? 1 : a[i - (n - a.length)];
    const y = i < n - b.length ? 1 : b[i - (n - b.length)];
    if (x === y || y === 1) out[i] = x;
    else if (x === 1) out[i] = y;
    else return null;
  }
  return out;
}
