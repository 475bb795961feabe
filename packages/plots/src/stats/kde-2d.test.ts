import { describe, expect, it } from "vitest";
import { eightSchoolsFixture, maxAbsDiff } from "../testing/eight-schools.js";
import { kde2d } from "./kde-2d.js";

describe("kde2d equals ArviZ 0.23.4 _fast_kde_2d", { timeout: 60_000 }, () => {
  it("mu against log(tau)", () => {
    const fx = eightSchoolsFixture();
    const r = kde2d(fx.data.posterior.mu, fx.data.posterior.tau.map(Math.log));
    const { stride, offset, density, lims } = fx.kde2d;
    const sub: number[] = [];
    for (let i = offset; i < r.nx; i += stride)
      for (let j = offset; j < r.ny; j += stride) sub.push(r.density[i * r.ny + j]!);
    expect(maxAbsDiff(sub, density)).toBeLessThan(1e-10);
    expect(maxAbsDiff([r.xmin, r.xmax, r.ymin, r.ymax], lims)).toBeLessThan(1e-12);
    expect(() => kde2d([1, 2], [1, 2, 3])).toThrow(/x has 2 values, y 3/);
  });
});
