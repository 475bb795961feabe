import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fixed } from "./format.js";
import { fixture, parseTable, runPhlox } from "./testing/capture.js";

type Row = Record<string, number | string | boolean> & { name: string };
interface Expected {
  compare: Record<string, Row[]>;
  pareto_k: Record<string, number[]>;
}
const expected = JSON.parse(readFileSync(fixture("expected.json"), "utf8")) as Expected;

function expectTable(lines: string[], rows: Row[], ic: "loo" | "waic"): void {
  const got = parseTable(lines, `elpd_${ic}`);
  expect([...got.keys()]).toEqual(rows.map((r) => r.name)); // ArviZ's order: best first
  for (const r of rows) {
    const g = got.get(r.name) as Record<string, string>;
    expect(g.rank).toBe(String(r.rank));
    for (const col of [`elpd_${ic}`, `p_${ic}`, "elpd_diff", "weight", "se", "dse"])
      expect(g[col], `${r.name} ${col}`).toBe(fixed(r[col] as number, 3));
    expect(g.warning).toBe(r.warning ? "True" : "False");
    expect(g.scale).toBe(r.scale);
  }
}

const ABC = ["model_a.nc", "model_b.nc", "model_c.nc"].map(fixture);

describe("phlox compare", () => {
  it("prints az.compare's LOO table (default) with Pareto k warnings", async () => {
    const r = await runPhlox(["compare", ...ABC]);
    expect(r.code).toBe(0);
    expectTable(r.out, expected.compare.loo, "loo");
    const k = expected.pareto_k;
    expect(r.out).toContain(`  model_a: max k ${fixed(Math.max(...k.model_a), 2)}; 1 observation above 0.66`);
    expect(r.out).toContain(
      `  model_b: max k ${fixed(Math.max(...k.model_b), 2)}; 0 observations above 0.66`,
    );
    const warn = r.out.find((l) => l.startsWith("warning: model_c:"));
    expect(warn).toContain(`Pareto k > 0.66 for 1 observation (y[7]: ${fixed(k.model_c[7], 2)})`);
  });

  it("prints az.compare's WAIC table with --ic waic", async () => {
    const r = await runPhlox(["compare", "--ic", "waic", ...ABC]);
    expect(r.code).toBe(0);
    expectTable(r.out, expected.compare.waic, "waic");
  });

  it("gives ArviZ's stacking and pseudo-BMA weights", async () => {
    const ad = ["model_a.nc", "model_d.nc"].map(fixture);
    const stacking = await runPhlox(["compare", ...ad]);
    expectTable(stacking.out, expected.compare.loo_ad_stacking, "loo");
    const bma = await runPhlox(["compare", ...ad, "--method", "pseudo-BMA", "--json"]);
    const j = JSON.parse(bma.out.join("\n")) as { rows: { name: string; weight: number }[] };
    expect(j.rows.map((x) => x.name)).toEqual(expected.compare.loo_ad_pseudo_bma.map((x) => x.name));
    j.rows.forEach((x, i) => {
      expect(x.weight).toBeCloseTo(expected.compare.loo_ad_pseudo_bma[i].weight as number, 9);
    });
  });

  it("names models with --names and refuses bad input with exit 2", async () => {
    const named = await runPhlox(["compare", ...ABC, "--names", "normal,student,zero"]);
    expect(parseTable(named.out, "elpd_loo").has("student")).toBe(true);
    const one = await runPhlox(["compare", fixture("model_a.nc")]);
    expect(one.code).toBe(2);
    expect(one.err.join("\n")).toMatch(/needs at least two runs, got 1/);
    const dup = await runPhlox(["compare", fixture("model_a.nc"), fixture("model_a.nc")]);
    expect(dup.code).toBe(2);
    expect(dup.err.join("\n")).toMatch(/two runs share a name/);
    const ic = await runPhlox(["compare", ...ABC, "--ic", "dic"]);
    expect(ic.code).toBe(2);
    expect(ic.err.join("\n")).toMatch(/argument 'dic' is invalid. Allowed choices are loo, waic/);
    const v = await runPhlox(["compare", ...ABC, "--var-name", "z"]);
    expect(v.code).toBe(2);
    expect(v.err.join("\n")).toMatch(/--var-name "z" is not in run "model_a"'s log_likelihood \(it has: y\)/);
  });
});
