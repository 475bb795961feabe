import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readJSON, readNetCDF, readZarr } from "@phlox/arviz-io";
import { afterAll, describe, expect, it } from "vitest";
import { loadModelModule } from "./model-module.js";
import { fixture, parseTable, runPhlox } from "./testing/capture.js";

const tmp = mkdtempSync(join(tmpdir(), "phlox-cli-models-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const SHORT = ["--warmup", "300", "--samples", "300", "--chains", "2", "--seed", "1"];

describe("phlox run", () => {
  it("fits a TypeScript model module with NUTS and writes InferenceData (netCDF and JSON)", async () => {
    const out = join(tmp, "linear.nc");
    const r = await runPhlox([
      "run",
      fixture("linear.ts"),
      "--data",
      fixture("linear.json"),
      "--out",
      out,
      ...SHORT,
    ]);
    expect(r.code).toBe(0);
    expect(r.out[0]).toMatch(/^linear: NUTS, 2 chains × \(300 warmup \+ 300\) in [\d.]+ s$/);
    expect(r.out.at(-1)).toBe(`wrote ${out} (netcdf)`);
    const idata = await readNetCDF(out);
    expect(idata.groupNames()).toEqual(
      expect.arrayContaining(["posterior", "sample_stats", "log_likelihood", "observed_data"]),
    );
    expect(idata.sampleShape()).toEqual({ numChains: 2, numDraws: 300 });
    // least squares on the fixture data: alpha ≈ 0.87, beta ≈ 1.76
    const rows = parseTable(r.out, "hdi_97%");
    expect(Number(rows.get("alpha")?.mean)).toBeCloseTo(0.87, 0);
    expect(Number(rows.get("beta")?.mean)).toBeCloseTo(1.76, 0);
    const same = await runPhlox([
      "run",
      fixture("linear.ts"),
      "-d",
      fixture("linear.json"),
      "-o",
      join(tmp, "l.json"),
      ...SHORT,
      "--quiet",
    ]);
    expect(same.out).toEqual([`wrote ${join(tmp, "l.json")} (json)`]);
    const again = await readJSON(join(tmp, "l.json"));
    expect(Array.from(again.draws().beta.data)).toEqual(Array.from(idata.draws().beta.data)); // same seed, same draws
  }, 120_000);

  it("loads a JavaScript module whose model is the default export, with the default args", async () => {
    const data = join(tmp, "y.json");
    await import("node:fs/promises").then((fs) =>
      fs.writeFile(data, JSON.stringify({ y: [4.2, 3.9, 4.4, 4.1] })),
    );
    const r = await runPhlox([
      "run",
      fixture("default-export.mjs"),
      "-d",
      data,
      "-o",
      join(tmp, "d.zarr"),
      ...SHORT,
    ]);
    expect(r.code).toBe(0);
    expect(r.out.at(-1)).toBe(`wrote ${join(tmp, "d.zarr")} (zarr)`);
    expect(Number(parseTable(r.out, "hdi_97%").get("loc")?.mean)).toBeCloseTo(4.15, 0);
    const idata = await readZarr(join(tmp, "d.zarr"));
    expect(Array.from(idata.draws("observed_data").y.data)).toEqual([4.2, 3.9, 4.4, 4.1]);
  }, 120_000);

  it("refuses a missing model, a module without a model, bad JSON and a missing --out with exit 2", async () => {
    const missing = await runPhlox(["run", join(tmp, "nope.ts"), "-o", join(tmp, "x.nc")]);
    expect(missing.code).toBe(2);
    expect(missing.err.join("\n")).toMatch(/phlox run: model module ".*nope\.ts" does not exist/);
    const noModel = await runPhlox(["run", fixture("no-model.mjs"), "-o", join(tmp, "x.nc")]);
    expect(noModel.code).toBe(2);
    expect(noModel.err.join("\n")).toMatch(/exports no model function; add `export function model/);
    expect(noModel.err.join("\n")).toMatch(/It exports: answer/);
    const badJson = await runPhlox([
      "run",
      fixture("linear.ts"),
      "-d",
      fixture("broken.json"),
      "-o",
      join(tmp, "x.nc"),
    ]);
    expect(badJson.code).toBe(2);
    expect(badJson.err.join("\n")).toMatch(/phlox run: data file ".*broken\.json" is not valid JSON/);
    const noOut = await runPhlox(["run", fixture("linear.ts"), "-d", fixture("linear.json")]);
    expect(noOut.code).toBe(2);
    expect(noOut.err.join("\n")).toMatch(/required option '-o, --out <file>' not specified/);
    expect(existsSync(join(tmp, "x.nc"))).toBe(false);
    // the model reads y.shape but gets no data: MCMC's one initialisation error says so (once), exit 2
    const noData = await runPhlox(["run", fixture("default-export.mjs"), "-o", join(tmp, "x.nc")]);
    expect(noData.code).toBe(2);
    const noDataErr = noData.err.join("\n");
    expect(noDataErr).toMatch(
      /initialising the chains failed .*: Cannot read properties of undefined \(reading 'shape'\)/,
    );
    expect(noDataErr.match(/Cannot read properties of undefined/g)?.length).toBe(1);
    // the same model in prior-check (run directly, not in a chain): the message names the model and args(data)
    const prior = await runPhlox(["prior-check", fixture("default-export.mjs")]);
    expect(prior.code).toBe(2);
    expect(prior.err.join("\n")).toMatch(
      /phlox prior-check: model "default-export" \(.*\) failed on this data: TypeError: .*Check that args\(data\)/,
    );
  }, 60_000);

  it("reports a failing args(data) as bad-model", async () => {
    const mod = await loadModelModule(fixture("linear.ts"), "phlox run");
    expect(() => mod.args({ x: [1, [2, 3]], y: [1, 2] })).toThrow(
      /phlox run: args\(data\) of ".*linear\.ts" failed: .*ragged/,
    );
    const data = join(tmp, "arr.json");
    await import("node:fs/promises").then((fs) => fs.writeFile(data, "[1, 2]"));
    const r = await runPhlox(["run", fixture("linear.ts"), "-d", data, "-o", join(tmp, "x.nc")]);
    expect(r.code).toBe(2);
    expect(r.err.join("\n")).toMatch(/must hold a JSON object of named values .* got an array/);
  });
});

describe("phlox prior-check", () => {
  it("compares prior predictive statistics with the data and writes the plot (SVG, PNG)", async () => {
    const svg = join(tmp, "ppc.svg");
    const r = await runPhlox([
      "prior-check",
      fixture("eight-schools.ts"),
      "--data",
      fixture("eight-schools.json"),
      "--samples",
      "400",
      "--out",
      svg,
    ]);
    expect(r.code).toBe(0);
    const stats = parseTable(r.out, "prior_pred_mean");
    expect([...stats.keys()]).toEqual(["mean(obs)", "sd(obs)", "min(obs)", "max(obs)"]);
    expect(stats.get("mean(obs)")?.observed).toBe("8.750"); // mean of the eight effects
    expect(stats.get("max(obs)")?.observed).toBe("28.000");
    const p = Number(stats.get("mean(obs)")?.["p(T_rep<=T_obs)"]);
    expect(p).toBeGreaterThan(0.5); // the prior centres mu at 0, below the observed mean
    expect(p).toBeLessThan(1);
    const prior = parseTable(r.out.slice(r.out.indexOf("prior of the latent sites:")), "sd");
    // mu ~ Normal(0, 5): 400 draws' mean within 4 standard errors of 0, sd near 5
    expect(Math.abs(Number(prior.get("mu")?.mean))).toBeLessThan(1);
    expect(Number(prior.get("mu")?.sd)).toBeGreaterThan(4.3);
    expect(Number(prior.get("mu")?.sd)).toBeLessThan(5.7);
    expect(readFileSync(svg, "utf8")).toMatch(/^<svg[\s\S]*ph-observed/);
    const png = join(tmp, "ppc.png");
    const r2 = await runPhlox([
      "prior-check",
      fixture("eight-schools.ts"),
      "-d",
      fixture("eight-schools.json"),
      "--samples",
      "50",
      "-o",
      png,
    ]);
    expect(r2.code).toBe(0);
    expect(Array.from(readFileSync(png).subarray(1, 4))).toEqual([80, 78, 71]); // "PNG"
  }, 120_000);

  it("refuses a model without observations, and an unknown plot format", async () => {
    const r = await runPhlox([
      "prior-check",
      fixture("eight-schools.ts"),
      "--out",
      join(tmp, "x.pdf"),
      "-d",
      fixture("eight-schools.json"),
    ]);
    expect(r.code).toBe(2);
    expect(r.err.join("\n")).toMatch(/--out must end in \.svg or \.png/);
    const none = await runPhlox(["prior-check", fixture("prior-only.mjs")]);
    expect(none.code).toBe(2);
    expect(none.err.join("\n")).toMatch(/model "prior-only" observes no site with this data/);
  }, 60_000);
});

describe("phlox bench", () => {
  it("times NUTS and SVI (AutoNormal) and prints ESS/s and the posterior agreement", async () => {
    const r = await runPhlox([
      "bench",
      fixture("linear.ts"),
      "-d",
      fixture("linear.json"),
      ...SHORT,
      "--svi-steps",
      "3000",
      "--lr",
      "0.02",
      "--json",
    ]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out.join("\n")) as {
      nuts: {
        numChains: number;
        numDraws: number;
        minEssBulk: number;
        essPerSecond: number;
        seconds: number;
      };
      svi: { steps: number; numDraws: number };
      agreement: { label: string; zMean: number; sdRatio: number }[];
    };
    expect(j.nuts.numChains).toBe(2);
    expect(j.nuts.numDraws).toBe(300);
    expect(j.nuts.essPerSecond).toBeCloseTo(j.nuts.minEssBulk / j.nuts.seconds, 6);
    expect(j.svi).toMatchObject({ steps: 3000, numDraws: 1000 });
    expect(j.agreement.map((a) => a.label)).toEqual(["alpha", "beta", "sigma"]);
    // a near-Gaussian posterior: AutoNormal agrees with NUTS
    for (const a of j.agreement) {
      expect(Math.abs(a.zMean)).toBeLessThan(0.5);
      expect(a.sdRatio).toBeGreaterThan(0.5);
      expect(a.sdRatio).toBeLessThan(1.5);
    }
    const text = await runPhlox([
      "bench",
      fixture("linear.ts"),
      "-d",
      fixture("linear.json"),
      ...SHORT,
      "--svi-steps",
      "500",
    ]);
    expect(text.out[0]).toBe("linear: NUTS against SVI (AutoNormal)");
    expect(parseTable(text.out, "nuts_mean").has("beta")).toBe(true);
  }, 180_000);
});
