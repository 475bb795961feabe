import { describe, expect, it, vi } from "vitest";
import { DiagnosticsError, type FitLike, loo, relativeEff, waic } from "./index.js";

// A fit as loo reads it (the two methods of @phlox/mcmc's MCMC), its arrays tensor-like (shape + dataSync()).
const C = 2;
const D = 60;
const N = 3;
const llData = Float64Array.from({ length: C * D * N }, (_, i) => -1 - 0.3 * Math.sin(i * 0.7) ** 2);
const muData = Float64Array.from({ length: C * D }, (_, i) => Math.cos(i * 1.3));
const tensorLike = (data: Float64Array, shape: number[]) => ({ shape, dataSync: () => data });
const fit: FitLike = {
  logLikelihood: () => ({ y: tensorLike(llData, [C, D, N]) }),
  getSamples: () => ({ mu: tensorLike(muData, [C, D]) }),
};

describe("loo/waic of a fit default to ArviZ's r_eff; R's per-observation r_eff is an option", () => {
  it("loo(fit) is az.loo's default: r_eff from the posterior's ESS-for-the-mean", () => {
    const viaFit = loo(fit, { warn: false });
    const explicit = loo(
      { data: llData, shape: [C, D, N] },
      { posterior: { mu: { data: muData, shape: [C, D] } }, warn: false },
    );
    expect(viaFit.estimate).toBe(explicit.estimate);
    expect(Array.from(viaFit.reff ?? [])).toEqual(Array.from(explicit.reff ?? []));
    // one r_eff for every observation (ArviZ), not one per observation (R)
    expect(new Set(viaFit.reff).size).toBe(1);
  });
  it('reff: "per-observation" is R loo\'s relative_eff', () => {
    const r = loo(fit, { reff: "per-observation", warn: false });
    expect(Array.from(r.reff ?? [])).toEqual(Array.from(relativeEff({ data: llData, shape: [C, D, N] })));
  });
  it("waic(fit) equals waic of its log-likelihood; several observed sites need varName", () => {
    expect(waic(fit).estimate).toBe(waic({ data: llData, shape: [C, D, N] }).estimate);
    const two: FitLike = {
      ...fit,
      logLikelihood: () => ({ a: tensorLike(llData, [C, D, N]), b: tensorLike(llData, [C, D, N]) }),
    };
    expect(() => loo(two)).toThrow(DiagnosticsError);
    expect(() => loo(two)).toThrow(/varName/);
    expect(loo(two, { varName: "b", warn: false }).estimate).toBe(loo(fit, { warn: false }).estimate);
  });
});

describe("ArviZ's warnings", () => {
  it("waic warns when some posterior variance of the log predictive density exceeds 0.4, as az.waic; loo when k is high", () => {
    const spy = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      const calm = waic({ data: llData, shape: [C, D, N] });
      expect(calm.warning).toBe(false);
      expect(spy).not.toHaveBeenCalled();
      // two observations (with one, loo and waic also warn that the pointwise values equal the total)
      const two = (f: (i: number) => number) =>
        Float64Array.from({ length: 2 * C * D }, (_, j) =>
          j % 2 === 0 ? f(j >> 1) : -1.2 + 0.01 * Math.cos(j),
        );
      const wild = two((i) => (i % 7 === 0 ? -30 : -1) + Math.sin(i));
      const r = waic({ data: wild, shape: [C, D, 2] });
      expect(r.warning).toBe(true);
      expect(spy).toHaveBeenCalledTimes(1);
      expect(String(spy.mock.calls[0][0])).toMatch(/variance of the log predictive density exceeds 0\.4/);
      expect(waic({ data: wild, shape: [C, D, 2] }, { warn: false }).warning).toBe(true);
      expect(spy).toHaveBeenCalledTimes(1);
      const heavy = two((i) => -1 / (((i * 0.618034) % 1) + 0.01));
      const l = loo({ data: heavy, shape: [C, D, 2] });
      expect(l.warning).toBe(true);
      expect(String(spy.mock.calls[1][0])).toMatch(/Pareto k is greater than 0\.[0-9]{2}/);
    } finally {
      spy.mockRestore();
    }
  });
});
