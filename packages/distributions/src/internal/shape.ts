import { ShapeError } from "./ops.js";

/** NumPy broadcasting of shapes; throws a ShapeError naming `where` on mismatch. */
export function broadcastShapes(where: string, ...shapes: readonly (readonly number[])[]): number[] {
  const nd = Math.max(0, ...shapes.map((s) => s.length));
  const out: number[] = new Array(nd).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const j = nd - s.length + i;
      const d = s[i]!;
      if (out[j] === 1) out[j] = d;
      else if (d !== 1 && d !== out[j]) {
        throw new ShapeError(
          "distribution-shape",
          `${where}: shapes ${shapes.map((x) => `[${x.join(", ")}]`).join(", ")} do not broadcast ` +
            `(dimension ${j} is ${out[j]} vs ${d}). Give parameters broadcast-compatible shapes.`,
        );
      }
    }
  }
  return out;
}

/** Product of the entries of a shape (1 for the scalar shape). */
export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** True when two shapes are equal entry by entry. */
export function shapeEquals(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Formats a shape as `[a, b]` for messages. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}
