import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readNetCDF, writeJSON, writeNetCDF, writeZarr } from "@phlox/arviz-io";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadPosterior } from "./posterior.js";
import { PosteriorPredictor } from "./predictor.js";
import { mapSite, RADON_POSTERIOR, tempDir } from "./testing/fixtures.js";
import radon from "./testing/radon-model.js";

const latents = new PosteriorPredictor(radon).latents;
const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe("loadPosterior", () => {
  let ref: Awaited<ReturnType<typeof loadPosterior>>;
  beforeAll(async () => {
    ref = await loadPosterior(RADON_POSTERIOR, latents);
  });

  it("reads netCDF: the model's latent sites, chains merged, with a content id", () => {
    expect(latents.map((l) => `${l.name}[${l.shape}]`)).toEqual([
      "mu_alpha[]",
      "sigma_alpha[]",
      "alpha[85]",
      "beta[2]",
      "sigma_y[]",
    ]);
    expect(ref.numChains).toBe(4);
    expect(ref.drawsPerChain).toBe(250);
    expect(ref.numDraws).toBe(1000);
    expect(ref.sites.map((s) => s.data.length)).toEqual([1000, 1000, 85000, 2000, 1000]);
    expect(ref.id).toMatch(/^[0-9a-f]{16}$/);
  });

  it("reads the same posterior from JSON, zarr, an InferenceData and draws (same id)", async () => {
    const idata = await readNetCDF(RADON_POSTERIOR);
    await writeJSON(idata, join(tmp.dir, "p.json"));
    await writeZarr(idata, join(tmp.dir, "p.zarr"));
    for (const source of [join(tmp.dir, "p.json"), join(tmp.dir, "p.zarr"), idata]) {
      expect((await loadPosterior(source, latents)).id).toBe(ref.id);
    }
    const draws = Object.fromEntries(
      ref.sites.map((s) => [s.name, { data: s.data, shape: [1000, ...s.shape] }]),
    );
    const fromDraws = await loadPosterior({ draws }, latents);
    expect(fromDraws.id).toBe(ref.id);
    expect(fromDraws.source).toBe("draws");
  });

  it("refuses a posterior without a site, with the wrong shape, non-finite or out-of-support values", async () => {
    const idata = await readNetCDF(RADON_POSTERIOR);
    const cases: [unknown, RegExp][] = [
      [
        { draws: { mu_alpha: { data: [1, 2], shape: [2] } } },
        /site "sigma_alpha" is missing; the model needs/,
      ],
      [
        {
          draws: {
            ...Object.fromEntries(
              ref.sites.map((s) => [s.name, { data: s.data, shape: [1000, ...s.shape] }]),
            ),
            alpha: { data: new Float64Array(84000), shape: [1000, 84] },
          },
        },
        /site "alpha" has draws of shape \[1000, 84\], expected \[1000, 85\]/,
      ],
      [
        mapSite(idata, "sigma_y", (x, i) => (i === 7 ? -x : x)),
        /site "sigma_y" at draw 7 is outside its support greaterThan\(0\)/,
      ],
      [
        mapSite(idata, "beta", (x, i) => (i === 3 ? Number.NaN : x)),
        /site "beta" has a non-finite value NaN at draw 1/,
      ],
    ];
    for (const [source, msg] of cases) {
      await expect(loadPosterior(source as never, latents)).rejects.toMatchObject({ code: "bad-posterior" });
      await expect(loadPosterior(source as never, latents)).rejects.toThrow(msg);
    }
  });

  it("refuses corrupt, truncated, missing and non-InferenceData files, naming the file", async () => {
    const bytes = readFileSync(RADON_POSTERIOR);
    const truncated = join(tmp.dir, "truncated.nc");
    writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const garbage = join(tmp.dir, "garbage.nc");
    writeFileSync(garbage, Buffer.from("not a netCDF file at all"));
    const badJson = join(tmp.dir, "bad.json");
    writeFileSync(badJson, '{"posterior": {"mu_alpha": ');
    const noPosterior = join(tmp.dir, "empty.nc");
    await writeNetCDF(
      (await readNetCDF(RADON_POSTERIOR))
        .with("posterior", undefined)
        .with("prior", (await readNetCDF(RADON_POSTERIOR)).get("posterior")),
      noPosterior,
    );
    for (const f of [truncated, garbage, badJson, join(tmp.dir, "missing.nc"), noPosterior]) {
      const e = await loadPosterior(f, latents).then(
        () => null,
        (x: unknown) => x as Error & { code: string },
      );
      expect(e?.code).toBe("bad-posterior");
      expect(e?.message).toContain(f);
    }
  });
});
