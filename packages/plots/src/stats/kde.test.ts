import { describe, expect, it } from "vitest";
import { eightSchoolsFixture, type KdeFixture, maxAbsDiff } from "../testing/eight-schools.js";
import { type KdeOptions, kde } from "./kde.js";

const fx = eightSchoolsFixture();

function elementDraws(name: "mu" | "tau" | "theta0" | "theta7"): {
  all: Float64Array;
  chains: Float64Array[];
} {
  const { chains: C, draws: D, posterior } = fx.data;
  let all: Float64Array;
  if (name === "mu" || name === "tau") all = Float64Array.from(posterior[name]);
  else {
    const s = name === "theta0" ? 0 : 7;
    all = Float64Array.from({ length: C * D }, (_, i) => posterior.theta[i * 8 + s]);
  }
  return { all, chains: Array.from({ length: C }, (_, c) => all.slice(c * D, (c + 1) * D)) };
}

function expectKde(x: Float64Array, f: KdeFixture, options: KdeOptions = {}): void {
  const r = kde(x, options);
  expect(r.grid.length).toBe(f.gridLen);
  expect(Math.abs(r.bw - f.bw)).toBeLessThan(1e-8 * Math.max(1, f.bw));
  expect(maxAbsDiff([r.grid[0], r.grid[r.grid.length - 1]], f.gridEnds)).toBeLessThan(1e-10);
  expect(maxAbsDiff(r.pdf, f.pdf)).toBeLessThan(1e-8);
}

describe("kde equals ArviZ 0.23.4", { timeout: 60_000 }, () => {
  for (const name of ["mu", "tau", "theta0", "theta7"] as const) {
    it(`${name}: combined chains, experimental bandwidth, boundary correction`, () => {
      expectKde(elementDraws(name).all, fx.stats[name].kdeCombined);
    });
  }
  for (const name of ["mu", "tau"] as const) {
    const s = fx.stats[name];
    it(`${name}: per chain, cumulative, no boundary correction, Scott`, () => {
      const d = elementDraws(name);
      d.chains.forEach((c, i) => {
        expectKde(c, s.kdePerChain![i]!);
      });
      expectKde(d.all, s.kdeCumulative!, { cumulative: true });
      expectKde(d.all, s.kdeNoBound!, { boundCorrection: false });
      expectKde(d.all, s.kdeScott!, { bw: "scott" });
    });
  }
  it("energy, LOO-PIT and observed-data KDEs", () => {
    const e = Float64Array.from(fx.data.energy);
    let m = 0;
    for (const v of e) m += v;
    m /= e.length;
    expectKde(
      e.map((v) => v - m),
      fx.energyKde.marginal,
    );
    expectKde(Float64Array.from(fx.data.observed), fx.ppcKde.observed);
    expectKde(Float64Array.from(fx.looPit.pit).sort(), fx.looPit.kde);
  });
  it("tiny inputs: a kernel wider than the grid, ties, the ISJ fallback to Silverman", () => {
    for (const f of fx.smallKde) expectKde(Float64Array.from(f.x), f);
  });
  it("rejects constant, non-finite and too-short input", () => {
    expect(() => kde([1, 1, 1])).toThrow(/all 3 values equal 1/);
    expect(() => kde([1, Number.NaN])).toThrow(/x\[1\] is NaN/);
    expect(() => kde([1])).toThrow(/at least 2/);
    expect(() => kde([1, 2, 3], { bw: -1 })).toThrow(/positive/);
  });
});
