import fc from "fast-check";
import { expect, it } from "vitest";
import { loo } from "./loo.js";
import { largestKth, psisSmooth, selectKth, sortCandidates } from "./psis.js";

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

it("largestKth finds the r-th largest through the sampled threshold and through the fallback", () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: -40, max: 40 }), { minLength: 1100, maxLength: 1300 }),
      fc.integer({ min: 1, max: 250 }),
      (xs, r) => {
        const a = Float64Array.from(xs);
        const want = [...xs].sort((p, q) => q - p)[r - 1];
        expect(largestKth(a, 0, a.length, r, new Float64Array(a.length))).toBe(want);
      },
    ),
    { numRuns: 40 },
  );
  // an increasing run defeats the strided sample's threshold only if it is wrong; the answer must not change
  const inc = Float64Array.from({ length: 2000 }, (_, i) => (i < 1990 ? 0 : i));
  expect(largestKth(inc, 0, 2000, 300, new Float64Array(2000))).toBe(0);
});

it("sortCandidates sorts indices by value, ties in index order", () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 1, maxLength: 200 }), (xs) => {
      const lw = Float64Array.from(xs);
      const idx = Uint32Array.from(xs.keys());
      sortCandidates(idx, idx.length, lw, 0);
      const want = [...xs.keys()].sort((a, b) => xs[a] - xs[b] || a - b);
      expect(Array.from(idx)).toEqual(want);
    }),
    { numRuns: 50 },
  );
});

it("loo gives the same answer when one observation's draws span more than 600 nats (the shifted path)", () => {
  const S = 400;
  const N = 2;
  const data = new Float64Array(S * N);
  for (let s = 0; s < S; s++) {
    data[s * N] = -1 - 0.3 * Math.sin(s * 0.7);
    data[s * N + 1] = -1 - 0.3 * Math.sin(s * 0.7);
  }
  data[5 * N + 1] = -900; // one draw under which observation 1 is nearly impossible
  const res = loo({ data, shape: [2, S / 2, N] }, { reff: 1, warn: false });
  // reference by the definition: normalised PSIS weights times the likelihood, summed in log space
  const one = loo(
    { data: Float64Array.from({ length: S }, (_, s) => data[s * N + 1]), shape: [2, S / 2, 1] },
    {
      reff: 1,
      warn: false,
      keepLogWeights: true,
    },
  );
  const lw = one.logWeights!;
  let m = Number.NEGATIVE_INFINITY;
  for (let s = 0; s < S; s++) m = Math.max(m, lw[s] + data[s * N + 1]);
  let t = 0;
  for (let s = 0; s < S; s++) t += Math.exp(lw[s] + data[s * N + 1] - m);
  expect(res.pointwise[1]).toBeCloseTo(m + Math.log(t), 10);
  expect(Number.isFinite(res.pointwise[1])).toBe(true);
});
