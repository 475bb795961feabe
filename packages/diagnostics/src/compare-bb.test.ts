import { describe, expect, it } from "vitest";
import { compare } from "./compare.js";
import { loo } from "./loo.js";
import { expectClose, readFixture } from "./testing/fixture.js";
import { waic } from "./waic.js";

interface BbCase {
  ic: "loo" | "waic";
  scale: "log" | "deviance";
  alpha: number;
  names: string[];
  columns: Record<string, number[]>;
  weight_sd: number[];
}
interface BbFixture {
  b_samples: number;
  shape: [number, number, number];
  posterior_mu: number[];
  log_lik: Record<string, number[]>;
  cases: Record<string, BbCase>;
}

// scripts/bb_pseudo_bma.py: ArviZ 0.23.4 with 100000 bootstrap samples on NumPy's generator
const fx = readFixture<BbFixture>("bb-pseudo-bma.json");
const [C, D] = fx.shape;
const posterior = { mu: { data: Float64Array.from(fx.posterior_mu), shape: [C, D] } };
const B = 20000;

describe('compare(models, { method: "BB-pseudo-BMA" }) against ArviZ', () => {
  for (const [key, c] of Object.entries(fx.cases)) {
    it(`${key}: ranks, elpd, p, differences and dse exactly; weights and se within the bootstrap's Monte Carlo error`, () => {
      const models = Object.fromEntries(
        Object.entries(fx.log_lik).map(([m, v]) => {
          const ll = { data: Float64Array.from(v), shape: fx.shape };
          const opts = { scale: c.scale, warn: false };
          return [m, c.ic === "loo" ? loo(ll, { ...opts, posterior }) : waic(ll, opts)];
        }),
      );
      const rows = compare(models, {
        ic: c.ic,
        scale: c.scale,
        method: "BB-pseudo-BMA",
        alpha: c.alpha,
        bSamples: B,
      });
      expect(rows.map((r) => r.name)).toEqual(c.names);
      rows.forEach((r, i) => {
        expect(r.rank).toBe(c.columns.rank[i]);
        expectClose(r.elpd, c.columns[`elpd_${c.ic}`][i], 1e-9, `${r.name} elpd`);
        expectClose(r.p, c.columns[`p_${c.ic}`][i], 1e-9, `${r.name} p`);
        expectClose(r.elpdDiff, c.columns.elpd_diff[i], 1e-9, `${r.name} elpd_diff`);
        expectClose(r.dse, c.columns.dse[i], 1e-9, `${r.name} dse`);
        // the mean of B per-sample weights: Monte Carlo sd √(1/B + 1/B_ArviZ)·sd(w); 5 of them
        const mc = c.weight_sd[i] * Math.sqrt(1 / B + 1 / fx.b_samples);
        expect(Math.abs(r.weight - c.columns.weight[i]), `${r.name} weight`).toBeLessThan(5 * mc);
        // the sd of the bootstrapped elpd: relative Monte Carlo sd about √(1/(2B) + 1/(2B_ArviZ))
        const rel = Math.sqrt(1 / (2 * B) + 1 / (2 * fx.b_samples));
        expect(Math.abs(r.se / c.columns.se[i] - 1), `${r.name} se`).toBeLessThan(5 * rel);
      });
      expect(rows.reduce((s, r) => s + r.weight, 0)).toBeCloseTo(1, 12);
    });
  }

  const ll = (shift: number) => ({
    data: Float64Array.from(fx.log_lik.close, (v) => v - shift),
    shape: fx.shape,
  });
  const two = { a: waic(ll(0), { warn: false }), b: waic(ll(0.01), { warn: false }) };

  it("gives the same weights for the same seed, and other weights for another seed", () => {
    const w = (seed?: number) =>
      compare(two, { ic: "waic", method: "BB-pseudo-BMA", seed }).map((r) => r.weight);
    expect(w(3)).toEqual(w(3));
    expect(w()).toEqual(w(0));
    expect(w(3)).not.toEqual(w(4));
  });

  it("keeps large deviance differences finite (exponents shifted by their maximum)", () => {
    const far = {
      a: waic(ll(0), { scale: "deviance", warn: false }),
      b: waic(ll(30), { scale: "deviance", warn: false }),
    };
    const rows = compare(far, { ic: "waic", scale: "deviance", method: "BB-pseudo-BMA", bSamples: 50 });
    expect(rows.map((r) => r.weight)).toEqual([1, 0]);
  });

  it("rejects bSamples, alpha and seed out of their domains", () => {
    const run = (o: object) => () => compare(two, { ic: "waic", method: "BB-pseudo-BMA", ...o });
    expect(run({ bSamples: 0 })).toThrow(/bootstrap samples must be a positive integer, got 0/);
    expect(run({ alpha: 0 })).toThrow(/concentration must be positive and finite, got 0/);
    expect(run({ alpha: Number.NaN })).toThrow(/got NaN/);
    expect(run({ seed: -1 })).toThrow(/seed must be an integer in \[0, 2\^32 − 1\], got -1/);
    expect(run({ seed: 1.5 })).toThrow(/got 1.5/);
    // 2^32 would wrap to seed 0 in the 32-bit generator: rejected, while 2^32 − 1 is the largest seed
    expect(run({ seed: 2 ** 32 })).toThrow(/seed must be an integer in \[0, 2\^32 − 1\], got 4294967296/);
    expect(run({ seed: 2 ** 32 - 1, bSamples: 10 })).not.toThrow();
  });

  it("draws Dirichlet weights for tiny concentrations without underflowing to NaN", () => {
    const rows = compare(two, { ic: "waic", method: "BB-pseudo-BMA", alpha: 1e-3, bSamples: 200 });
    for (const r of rows) expect(Number.isFinite(r.weight) && Number.isFinite(r.se)).toBe(true);
  });
});
