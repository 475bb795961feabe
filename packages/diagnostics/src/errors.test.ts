import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  autocovariance,
  compare,
  essBulk,
  essMean,
  essTail,
  hpdi,
  loo,
  quantile,
  rhat,
  summary,
} from "./index.js";
import { codeOf } from "./testing/fixture.js";

describe("input checking raises DiagnosticsError with a stable code", () => {
  it("chains of unequal length give code unequal-chains and name the chain", () => {
    const fn = () =>
      rhat([
        [1, 2, 3, 4, 5],
        [1, 2, 3, 4],
      ]);
    expect(codeOf(fn)).toBe("unequal-chains");
    expect(fn).toThrow(/entry \[1\] has length 4, expected 5/);
  });
  it("fewer than 4 draws per chain give code too-few-draws", () => {
    expect(
      codeOf(() =>
        essBulk([
          [1, 2, 3],
          [4, 5, 6],
        ]),
      ),
    ).toBe("too-few-draws");
    expect(codeOf(() => summary({ mu: { data: new Float64Array(6), shape: [2, 3] } }))).toBe("too-few-draws");
  });
  it("data whose length does not match the shape gives code shape-mismatch", () => {
    expect(codeOf(() => essMean({ data: new Float64Array(10), shape: [2, 4] }))).toBe("shape-mismatch");
  });
  it("a 1-D input gives code invalid-input with the fix in the message", () => {
    expect(codeOf(() => rhat({ data: new Float64Array(10), shape: [10] }))).toBe("invalid-input");
    expect(() => rhat({ data: new Float64Array(10), shape: [10] })).toThrow(/shape: \[1, n\]/);
  });
  it("loo with the wrong number of r_eff values gives code shape-mismatch", () => {
    const ll = { data: new Float64Array(2 * 10 * 3).fill(-1), shape: [2, 10, 3] };
    expect(codeOf(() => loo(ll, { reff: [1, 1] }))).toBe("shape-mismatch");
  });
  it("compare with one model gives code invalid-argument", () => {
    const ll = { data: new Float64Array(2 * 10 * 3).fill(-1), shape: [2, 10, 3] };
    expect(codeOf(() => compare({ a: ll }))).toBe("invalid-argument");
  });
});

describe("inputs in every accepted form give the same numbers", () => {
  it("Float32Array, Float64Array and nested arrays agree", () => {
    const nested = [
      [0.5, 1.5, -0.25, 2, 1, 0.75],
      [1, -1, 0.5, 0.25, 1.25, 3],
    ];
    const f64 = { data: Float64Array.from(nested.flat()), shape: [2, 6] };
    const f32 = { data: Float32Array.from(nested.flat()), shape: [2, 6] };
    expect(rhat(f64)).toEqual(rhat(nested));
    expect(essBulk(f32)).toEqual(essBulk(nested));
  });
  it("a tensor-like (shape + dataSync(), as a Tensor of @phlox/tensor) gives the same numbers and is not mutated", () => {
    const nested = [
      [0.5, 1.5, -0.25, 2, 1, 0.75],
      [1, -1, 0.5, 0.25, 1.25, 3],
    ];
    const buf = Float64Array.from(nested.flat());
    const t = { shape: [2, 6] as const, dataSync: () => buf, data: () => Promise.resolve(buf) };
    expect(rhat(t)).toEqual(rhat(nested));
    expect(summary({ mu: t })).toEqual(summary({ mu: nested }));
    expect(hpdi({ shape: [12], dataSync: () => buf })).toEqual(hpdi(buf));
    expect(quantile({ shape: [12], dataSync: () => buf }, 0.5)).toBe(quantile(buf, 0.5));
    expect(Array.from(buf)).toEqual(nested.flat());
  });
});

describe("properties", () => {
  it("essBulk and essTail are invariant under a strictly increasing transform (they use ranks and quantile indicators)", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.integer({ min: -80, max: 80 }).map((v) => v / 16),
          { minLength: 24, maxLength: 24 },
        ),
        (vals) => {
          const x = { data: Float64Array.from(vals), shape: [3, 8] };
          const y = { data: Float64Array.from(vals, Math.exp), shape: [3, 8] };
          expect(Math.abs(essTail(x)[0] - essTail(y)[0])).toBeLessThan(1e-9);
          expect(Math.abs(essBulk(x)[0] - essBulk(y)[0])).toBeLessThan(1e-9);
        },
      ),
      { numRuns: 50, seed: 7 },
    );
  });
  it("the FFT autocovariance equals the direct O(n²) sum for any length", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.integer({ min: -1000, max: 1000 }).map((v) => v / 100),
          { minLength: 2, maxLength: 70 },
        ),
        (vals) => {
          const n = vals.length;
          const mean = vals.reduce((a, b) => a + b, 0) / n;
          const acov = autocovariance(vals);
          if (vals.every((v) => v === vals[0])) return;
          for (let k = 0; k < n; k++) {
            let s = 0;
            for (let t = 0; t + k < n; t++) s += (vals[t] - mean) * (vals[t + k] - mean);
            expect(Math.abs(acov[k] - s / n)).toBeLessThan(1e-9 * (1 + Math.abs(s / n)));
          }
        },
      ),
      { numRuns: 100, seed: 11 },
    );
  });
});
