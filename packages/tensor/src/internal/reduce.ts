import type { TypedArray } from "../core/dtype.js";
import { normalizeAxis } from "../core/shape.js";

/** Normalises a public `axis` argument (undefined/null = all axes) into sorted unique axes. */
export function normAxes(
  axis: number | readonly number[] | null | undefined,
  rank: number,
  op: string,
): number[] {
  if (axis === undefined || axis === null) return [...Array(rank).keys()];
  const list = typeof axis === "number" ? [axis] : axis;
  return [...new Set(list.map((a) => normalizeAxis(a, rank, op)))].sort((a, b) => a - b);
}

/** Output shape of a reduction. */
export function reducedShape(shape: readonly number[], axes: readonly number[], keepDims: boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    if (axes.includes(i)) {
      if (keepDims) out.push(1);
    } else out.push(shape[i]);
  }
  return out;
}

/** Generic reduction kernel: folds `f` over the reduced axes, starting from `init`, into `out`. */
export function reduceInto(
  x: TypedArray,
  shape: readonly number[],
  axes: readonly number[],
  out: TypedArray,
  init: number,
  f: (acc: number, v: number) => number,
): void {
  const n = x.length;
  const m = out.length;
  const acc = new Float64Array(m).fill(init);
  if (m === 1) {
    let a = init;
    for (let i = 0; i < n; i++) a = f(a, x[i]);
    acc[0] = a;
  } else if (n > 0) {
    const r = shape.length;
    const ostr = new Array<number>(r).fill(0);
    let s = 1;
    for (let i = r - 1; i >= 0; i--) {
      if (!axes.includes(i)) {
        ostr[i] = s;
        s *= shape[i];
      }
    }
    const idx = new Array<number>(r).fill(0);
    let o = 0;
    for (let i = 0; i < n; i++) {
      acc[o] = f(acc[o], x[i]);
      let ax = r - 1;
      while (ax >= 0) {
        idx[ax]++;
        o += ostr[ax];
        if (idx[ax] < shape[ax]) break;
        o -= ostr[ax] * shape[ax];
        idx[ax] = 0;
        ax--;
      }
    }
  }
  for (let i = 0; i < m; i++) out[i] = acc[i];
}
