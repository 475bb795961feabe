import { describe, expect, it } from "vitest";
import { plotRank } from "./plot-rank.js";
import { plotTrace } from "./plot-trace.js";
import { eightSchoolsFixture, eightSchoolsIdata } from "./testing/eight-schools.js";
import { attrValues, count, isWellFormedSvg, pathVertices } from "./testing/svg-marks.js";

const fx = eightSchoolsFixture();
const idata = eightSchoolsIdata();
const C = fx.data.chains;

describe("plots render SVG whose marks match the data", { timeout: 60_000 }, () => {
  it("plotTrace: one trace line and one density per chain and element; divergences marked", () => {
    const svg = plotTrace(idata, { output: "string" });
    expect(isWellFormedSvg(svg)).toBe(true);
    // mu, theta (8 schools, compact), tau
    expect(count(svg, "ph-trace")).toBe((1 + 8 + 1) * C);
    expect(count(svg, "ph-density")).toBe((1 + 8 + 1) * C);
    const nDiv = fx.data.diverging.filter(Boolean).length;
    expect(nDiv).toBeGreaterThan(0);
    // trace panel: one marker per divergent draw per row; density panel: one per divergent value per element
    expect(count(svg, "ph-divergence")).toBe(3 * nDiv + (1 + 8 + 1) * nDiv);
    // each trace path has one vertex per draw
    const d = attrValues(svg, "ph-trace", "d")[0]!;
    expect(pathVertices(d).length).toBe(fx.data.draws);
  });
  it("plotTrace: compact false gives one row per element; combined one density per element", () => {
    const svg = plotTrace(idata, { output: "string", compact: false, combined: true, varNames: ["theta"] });
    expect(count(svg, "ph-panel")).toBe(16);
    expect(count(svg, "ph-density")).toBe(8);
  });
  it("plotTrace kind rank_bars: a row per element with ArviZ's rank counts", () => {
    const svg = plotTrace(idata, {
      output: "string",
      varNames: ["theta"],
      coords: { school: ["Choate", "Deerfield"] },
      kind: "rank_bars",
    });
    expect(count(svg, "ph-panel")).toBe(4);
    expect(
      attrValues(svg, "ph-bar", "data-count")
        .map(Number)
        .slice(0, C * fx.stats.theta0.rankBins),
    ).toEqual(fx.stats.theta0.rankCounts.flat());
  });
  it("plotRank: bars per chain and bin carry ArviZ's counts", () => {
    const svg = plotRank(idata, { output: "string", varNames: ["mu", "tau"] });
    const counts = attrValues(svg, "ph-bar", "data-count").map(Number);
    const s = [fx.stats.mu, fx.stats.tau];
    expect(counts).toEqual(s.flatMap((st) => st.rankCounts.flat()));
    expect(count(svg, "ph-ref")).toBe(2 * C);
    const v = plotRank(idata, { output: "string", varNames: ["mu"], kind: "vlines" });
    expect(attrValues(v, "ph-vline-rank", "data-count").map(Number)).toEqual(fx.stats.mu.rankCounts.flat());
  });
  it("labeller names panels", () => {
    const svg = plotTrace(idata, {
      output: "string",
      varNames: ["theta"],
      compact: false,
      coords: { school: ["Choate"] },
      labeller: (v, c) => `${v} @ ${c.join("/")}`,
    });
    expect(svg).toContain(">theta @ Choate</text>");
  });
  it("errors name the variable and what exists", () => {
    expect(() => plotTrace(idata, { varNames: ["sigma"] })).toThrow(
      /no variable "sigma" in posterior; it has mu, theta, tau/,
    );
    expect(() => plotTrace(idata, { coords: { school: ["Nowhere"] } })).toThrow(
      /coords.school value "Nowhere"/,
    );
  });
});
