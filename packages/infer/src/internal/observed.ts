import type { Trace } from "@phlox/handlers";
import { broadcastTo, dataOf, PhloxError, realConstraint, unmask } from "./ops.js";

const fmtShape = (s: readonly number[]) => `[${s.join(", ")}]`;

/** True when every element is finite (`real`'s check on plain data, without building a mask tensor). */
function allFinite(a: ArrayLike<number | bigint>): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(Number(a[i]))) return false;
  return true;
}

/** Row-major multi-index of flat index `k` in `shape`. */
function unravel(k: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  let r = k;
  for (let i = shape.length - 1; i >= 0; i--) {
    idx[i] = r % shape[i];
    r = Math.floor(r / shape[i]);
  }
  return idx;
}

/**
 * Checks every observed value of a (concrete) trace against its distribution's support, once, where the
 * site is not masked out: an out-of-support label would otherwise score a finite or NaN log density and
 * silently bias the posterior. Shapes are checked by `sample` itself (`obs-shape`).
 * @throws PhloxError (`obs-outside-support`) naming the site, the value's shape, the first offending
 *   element's index and value, and the support.
 */
export function validateObservations(tr: Trace): void {
  for (const site of tr.values()) {
    if (site.type !== "sample" || !site.isObserved || site.fn === null || site.value === null) continue;
    const { base, mask } = unmask(site.fn);
    if (mask === false) continue;
    const value = site.value;
    if (mask === true && base.support === realConstraint && allFinite(value.dataSync())) continue;
    const ok = base.support.check(value);
    const okv = ok.dataSync();
    const maskv = mask === true ? null : dataOf(broadcastTo(mask, ok.shape));
    for (let k = 0; k < okv.length; k++) {
      if (okv[k] || (maskv !== null && !maskv[k])) continue;
      const vals = dataOf(value);
      const per = Math.max(1, vals.length / Math.max(1, okv.length));
      const bad = Array.from(vals.slice(k * per, k * per + per));
      throw new PhloxError(
        "obs-outside-support",
        `Observed site "${site.name}": the value of shape ${fmtShape(value.shape)} is outside the support ` +
          `${base.support.name} of ${base.name} at index ${fmtShape(unravel(k, ok.shape))} ` +
          `(value ${bad.length === 1 ? bad[0] : fmtShape(bad)}). Fix the data (e.g. labels must be 0…K−1), ` +
          "or mark missing entries with obsMask.",
      );
    }
  }
}
