import fc from "fast-check";
import { expect, it } from "vitest";
import { psisSmooth, selectKth } from "./psis.js";

it("selectKth returns the k-th smallest value, ties included", () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 1, maxLength: 60 }),
      fc.nat(),
      (xs, k0) => {
        const k = k0 % xs.length;
        const a = Float64Array.from(xs);
        expect(selectKth(a, a.length, k)).toBe([...xs].sort((p, q) => p - q)[k]);
      },
    ),
  );
});

it("PSIS with the partial selection keeps the smoothed weights in the ratios' stable order (tied ratios too)", () => {
  // Tied blocks of large ratios (every 9th draw shifted by the same amount); the ArviZ oracle tests check the
  // values, this checks the order the selection hands to the tail smoothing.
  const S = 400;
  for (const tiesAt of [0, 3, 17]) {
    const lw = Float64Array.from({ length: S }, (_, i) => Math.sin(i * 1.7) * 3 + (i % 9 === 0 ? tiesAt : 0));
    const ref = Float64Array.from(lw);
    const order = new Uint32Array(S);
    const tail = new Float64Array(S);
    const k = psisSmooth(lw, 0, S, 1, true, "arviz", order, tail);
    // Full stable sort by hand: the smoothed tail must be increasing in the original ratios' order.
    const idx = Array.from({ length: S }, (_, i) => i).sort((a, b) => ref[a] - ref[b] || a - b);
    for (let i = 1; i < S; i++) expect(lw[idx[i]]).toBeGreaterThanOrEqual(lw[idx[i - 1]] - 1e-12);
    expect(Number.isFinite(k)).toBe(true);
    let s = 0;
    for (let i = 0; i < S; i++) s += Math.exp(lw[i]);
    expect(s).toBeCloseTo(1, 12);
  }
});
