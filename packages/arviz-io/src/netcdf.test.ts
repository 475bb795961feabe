import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { ArvizIoError } from "./errors.js";
import { readNetCDF } from "./files.js";
import { fromArrays } from "./from-arrays.js";
import { InferenceData } from "./inference-data.js";
import { fromNetCDF } from "./netcdf-read.js";
import { toNetCDF } from "./netcdf-write.js";

function sample(): InferenceData {
  return fromArrays(
    {
      posterior: {
        mu: { data: Float64Array.from({ length: 8 }, (_, i) => i / 3), shape: [2, 4] },
        theta: { data: Float64Array.from({ length: 24 }, (_, i) => Math.sin(i)), shape: [2, 4, 3] },
        w: { data: Float32Array.from({ length: 16 }, (_, i) => i), shape: [2, 4, 2] },
      },
      sample_stats: {
        diverging: { data: Uint8Array.from([0, 1, 0, 0, 1, 0, 0, 0]), shape: [2, 4], dtype: "bool" },
        n_steps: { data: BigInt64Array.from([1n, 3n, 7n, 15n, 1n, 3n, 7n, 15n]), shape: [2, 4] },
        idx: { data: Int32Array.from([1, 2, 3, 4, 5, 6, 7, 8]), shape: [2, 4] },
      },
      observed_data: { y: [1.5, Number.NaN, 3], n: { data: new Float64Array([7]), shape: [] } },
    },
    { dims: { theta: ["school"], y: ["school"] }, coords: { school: ["a", "b", "ç"] } },
  );
}

describe("toNetCDF / fromNetCDF", () => {
  test("a round trip keeps groups, dims, dtypes, coordinates, values and attributes", async () => {
    const idata = sample();
    const back = await fromNetCDF(await toNetCDF(idata));
    expect(back.groupNames()).toEqual(idata.groupNames());
    for (const g of idata.groupNames()) {
      const a = idata.get(g);
      const b = back.get(g);
      expect(Object.keys(b.variables).sort()).toEqual(Object.keys(a.variables).sort());
      for (const [n, v] of Object.entries(a.variables)) {
        expect(b.variables[n].dims).toEqual(v.dims);
        expect(b.variables[n].shape).toEqual(v.shape);
        expect(b.variables[n].dtype).toBe(v.dtype);
        expect(Array.from(b.variables[n].data as ArrayLike<unknown>)).toEqual(
          Array.from(v.data as ArrayLike<unknown>),
        );
      }
      expect(Object.keys(b.coords).sort()).toEqual(Object.keys(a.coords).sort());
      expect(b.attrs).toEqual(a.attrs);
    }
    expect(back.get("posterior").coords.school.data).toEqual(["a", "b", "ç"]);
    expect(back.get("posterior").variables.w.dims).toEqual(["chain", "draw", "w_dim_0"]);
  });

  test("root attributes round-trip, numbers and string lists included", async () => {
    const idata = new InferenceData(sample().groups, { note: "hi", k: 3, tags: ["x", "y"], flag: true });
    const back = await fromNetCDF(await toNetCDF(idata));
    expect(back.attrs).toEqual({ note: "hi", k: 3, tags: ["x", "y"], flag: 1 });
  });

  test("compression 0 writes uncompressed data that reads back the same", async () => {
    const plain = await toNetCDF(sample(), { compression: 0 });
    const back = await fromNetCDF(plain);
    expect(back.get("posterior").variables.mu.data).toEqual(sample().get("posterior").variables.mu.data);
  });

  test("bytes, ArrayBuffer and Blob sources are all accepted", async () => {
    const bytes = await toNetCDF(sample());
    const ab = bytes.slice().buffer;
    expect((await fromNetCDF(ab)).groupNames()).toContain("posterior");
    expect((await fromNetCDF(new Blob([bytes]))).groupNames()).toContain("posterior");
  });

  test("non-HDF5, netCDF-3 and truncated bytes fail with a clear ArvizIoError", async () => {
    const bytes = await toNetCDF(sample());
    await expect(fromNetCDF(new Uint8Array([1, 2, 3]))).rejects.toMatchObject({ code: "not-hdf5" });
    await expect(fromNetCDF(new TextEncoder().encode("CDF\u0001xxxxxxxx"))).rejects.toMatchObject({
      code: "unsupported",
    });
    await expect(fromNetCDF(bytes.subarray(0, bytes.length - 100))).rejects.toMatchObject({
      code: "truncated",
    });
    await expect(fromNetCDF(bytes.subarray(0, 20))).rejects.toBeInstanceOf(ArvizIoError);
  });

  test("a bad compression level is rejected before anything is written", async () => {
    await expect(toNetCDF(sample(), { compression: 12 })).rejects.toMatchObject({ code: "invalid-argument" });
  });
});

test("toNetCDF(idata, path) writes the file that readNetCDF reads back (the API sketch's form)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "phlox-nc-"));
  try {
    const idata = fromArrays({ posterior: { mu: [[1, 2, 3]] } });
    const file = join(dir, "sketch.nc");
    expect(await toNetCDF(idata, file)).toBeUndefined();
    const back = await readNetCDF(file);
    expect(Array.from(back.variable("posterior", "mu").data as Float64Array)).toEqual([1, 2, 3]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
