import { describe, expect, it } from "vitest";
import { report } from "./report.js";
import { eightSchoolsFixture, eightSchoolsIdata } from "./testing/eight-schools.js";
import { count } from "./testing/svg-marks.js";

describe("report", { timeout: 60_000 }, () => {
  it("is one self-contained page: summary with flags, divergences, trace/rank/energy/pair/ppc", () => {
    const fx = eightSchoolsFixture();
    const html = report(eightSchoolsIdata(), { title: "Eight <schools>" });
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(html).toContain("<title>Eight &lt;schools&gt;</title>");
    expect(html).not.toMatch(/<script|<link|src="|href="/);
    for (const id of ["trace", "rank", "energy", "pair", "ppc"]) expect(html).toContain(`id="${id}"`);
    expect(count(html, "phlox-plot phlox-trace")).toBe(1);
    const nDiv = fx.data.diverging.filter(Boolean).length;
    expect(html).toContain(`${nDiv} divergent transitions of 800 draws`);
    // centered eight schools at 200 draws per chain: every ESS is below 400, so every row is flagged
    expect(html).toContain("10 of 10 quantities flagged");
    expect(count(html, "flag")).toBeGreaterThanOrEqual(10);
  });
});
