import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fixed } from "./format.js";
import { fixture, parseTable, runPhlox } from "./testing/capture.js";

interface Expected {
  summary: Record<string, Record<string, Record<string, number>>>;
  summary_index: Record<string, string[]>;
  bfmi: Record<string, number[]>;
  divergences: Record<string, number>;
}
const expected = JSON.parse(readFileSync(fixture("expected.json"), "utf8")) as Expected;
// ArviZ's default rounding of az.summary: 3 decimals, ESS 0, R-hat 2.
const DIGITS: Record<string, number> = { ess_bulk: 0, ess_tail: 0, r_hat: 2 };
const tmp = mkdtempSync(join(tmpdir(), "phlox-cli-diagnose-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("phlox diagnose", () => {
  for (const file of ["good.nc", "good.json", "good.zarr"]) {
    it(`prints az.summary's numbers for ${file} and exits 0`, async () => {
      const r = await runPhlox(["diagnose", fixture(file)]);
      expect(r.err).toEqual([]);
      expect(r.code).toBe(0);
      const rows = parseTable(r.out, "hdi_97%");
      const want = expected.summary.good;
      expect([...rows.keys()]).toEqual(expected.summary_index.good); // mu, sigma, theta[north], ...
      for (const [label, cols] of Object.entries(want))
        for (const [col, v] of Object.entries(cols))
          expect(rows.get(label)?.[col], `${label} ${col}`).toBe(fixed(v, DIGITS[col] ?? 3));
      expect(r.out).toContain(`E-BFMI per chain: ${expected.bfmi.good.map((b) => fixed(b, 3)).join(", ")}`);
      expect(r.out.at(-1)).toBe("passed: all 5 checks");
    });
  }

  it("flags R-hat, ESS, divergences and E-BFMI on a bad run and exits 1", async () => {
    const r = await runPhlox(["diagnose", fixture("bad.nc")]);
    expect(r.code).toBe(1);
    const rows = parseTable(r.out, "hdi_97%");
    expect(rows.get("mu")?.r_hat).toBe(fixed(expected.summary.bad.mu.r_hat, 2));
    expect(r.out.find((l) => l.startsWith("FAIL  R-hat above 1.01"))).toContain("mu");
    expect(r.out).toContain(
      `FAIL  ${expected.divergences.bad} divergent transitions of 800 (at most 0 accepted; per chain: 0, 3, 3, 1)`,
    );
    expect(r.out.find((l) => l.startsWith("FAIL  E-BFMI below 0.3"))).toContain(
      `0 (${fixed(expected.bfmi.bad[0], 3)})`,
    );
    expect(r.out.at(-1)).toBe("FAILED: 5 of 5 checks (rhat, ess_bulk, ess_tail, divergences, bfmi)");
  });

  it("takes the thresholds as options: loose ones pass the bad run", async () => {
    const loose = ["--rhat-max", "1.6", "--ess-min", "5", "--divergences-max", "7", "--bfmi-min", "0.01"];
    expect((await runPhlox(["diagnose", fixture("bad.nc"), ...loose])).code).toBe(0);
    const strict = await runPhlox(["diagnose", fixture("good.nc"), "--ess-min", "100000"]);
    expect(strict.code).toBe(1);
    expect(strict.out.at(-1)).toBe("FAILED: 2 of 5 checks (ess_bulk, ess_tail)");
  });

  it("--json gives the unrounded summary (equal to ArviZ's within 1e-9) and the checks", async () => {
    const r = await runPhlox(["diagnose", fixture("good.nc"), "--json", "--var-names", "mu,sigma"]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out.join("\n")) as {
      ok: boolean;
      rows: { label: string; mean: number; sd: number; essBulk: number; rHat: number; mcseMean: number }[];
      divergences: number[];
    };
    expect(j.ok).toBe(true);
    expect(j.rows.map((x) => x.label)).toEqual(["mu", "sigma"]);
    for (const row of j.rows) {
      const w = expected.summary.good[row.label];
      expect(row.mean).toBeCloseTo(w.mean, 9);
      expect(row.sd).toBeCloseTo(w.sd, 9);
      expect(row.mcseMean).toBeCloseTo(w.mcse_mean, 9);
      expect(row.essBulk).toBeCloseTo(w.ess_bulk, 6);
      expect(row.rHat).toBeCloseTo(w.r_hat, 9);
    }
    expect(j.divergences).toEqual([0, 0, 0, 0]);
  });

  it("--html writes the offline report", async () => {
    const html = join(tmp, "report.html");
    const r = await runPhlox(["diagnose", fixture("bad.nc"), "--html", html]);
    expect(r.code).toBe(1);
    expect(r.out.at(-1)).toBe(`wrote ${html}`);
    const page = readFileSync(html, "utf8");
    expect(page.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(page).toContain('id="divergences">7 divergent transitions');
  });

  it("refuses missing files, unreadable runs and bad options with exit 2", async () => {
    const missing = await runPhlox(["diagnose", join(tmp, "nope.nc")]);
    expect(missing.code).toBe(2);
    expect(missing.err.join("\n")).toMatch(/phlox diagnose: file ".*nope\.nc" does not exist/);
    const broken = await runPhlox(["diagnose", fixture("broken.json")]);
    expect(broken.code).toBe(2);
    expect(broken.err.join("\n")).toMatch(/broken\.json/);
    const notNc = await runPhlox(["diagnose", fixture("eight-schools.ts")]);
    expect(notNc.code).toBe(2);
    expect(notNc.err.join("\n")).toMatch(/cannot read ".*eight-schools\.ts" as netCDF-4 InferenceData/);
    const badVar = await runPhlox(["diagnose", fixture("good.nc"), "--var-names", "nope"]);
    expect(badVar.code).toBe(2);
    expect(badVar.err.join("\n")).toMatch(
      /--var-names names "nope", which the posterior lacks \(it has: mu, sigma, theta\)/,
    );
    const badNum = await runPhlox(["diagnose", fixture("good.nc"), "--rhat-max", "abc"]);
    expect(badNum.code).toBe(2);
    expect(badNum.err.join("\n")).toMatch(/--rhat-max must be a number/);
  });
});
