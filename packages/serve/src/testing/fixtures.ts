import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { fromArrays, type InferenceData, readNetCDF } from "@phlox/arviz-io";
import { tensor } from "@phlox/tensor";

/** Path of the committed radon posterior (4 chains × 250 draws, netCDF; scripts/make-radon-fixture.ts). */
export const RADON_POSTERIOR = fileURLToPath(new URL("../../fixtures/radon-posterior.nc", import.meta.url));

/** The radon fixture's latent sites as `[draws, ...]` tensors, for `Predictive`. */
export async function radonSamples(path = RADON_POSTERIOR) {
  const idata = await readNetCDF(path);
  const out: Record<string, ReturnType<typeof tensor>> = {};
  for (const n of ["mu_alpha", "sigma_alpha", "alpha", "beta", "sigma_y"]) {
    const { data, shape } = idata.extract(n);
    out[n] = tensor(data, { shape });
  }
  return out;
}

/** The posterior of `idata` with `f` applied to every value of site `name` (a new InferenceData). */
export function mapSite(
  idata: InferenceData,
  name: string,
  f: (x: number, i: number) => number,
): InferenceData {
  const groups: Record<string, Record<string, { data: Float64Array; shape: number[] }>> = { posterior: {} };
  for (const [n, v] of Object.entries(idata.draws("posterior"))) {
    groups.posterior[n] = { data: n === name ? v.data.map(f) : v.data, shape: v.shape };
  }
  return fromArrays(groups);
}

/** A fresh temporary directory and a function that removes it. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "phlox-serve-"));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
