import { describe, expect, test } from "vitest";
import { fromArrays } from "./from-arrays.js";
import type { InferenceData } from "./inference-data.js";
import { fromJSON, toJSON } from "./json.js";
import { fromNetCDF } from "./netcdf-read.js";
import { toNetCDF } from "./netcdf-write.js";
import { fromZarr, toZarr } from "./zarr.js";

const FORMATS: [string, (x: InferenceData) => Promise<InferenceData>][] = [
  ["netCDF", async (x) => fromNetCDF(await toNetCDF(x))],
  ["zarr", async (x) => fromZarr(toZarr(x))],
  ["JSON", async (x) => fromJSON(toJSON(x))],
];

describe.each(FORMATS)("edge cases survive a %s round trip", (_name, roundTrip) => {
  const idata = fromArrays({
    posterior: {
      empty: { data: new Float64Array(0), shape: [2, 2, 0] },
      label: { data: ["x", "yy", "", "ü✓"], shape: [2, 2] },
      big: { data: Float64Array.from([1e300, -1e-300, Number.POSITIVE_INFINITY, -0.5]), shape: [2, 2] },
    },
    observed_data: {
      scalar: { data: new Float64Array([3]), shape: [] },
      whole: { data: Int32Array.from([3]), shape: [] },
    },
  });

  test("empty arrays, string variables, scalars, infinities and extreme floats", async () => {
    const back = await roundTrip(idata);
    expect(back.variable("posterior", "empty").shape).toEqual([2, 2, 0]);
    expect(back.variable("posterior", "label").data).toEqual(["x", "yy", "", "ü✓"]);
    expect(Array.from(back.variable("posterior", "big").data as Float64Array)).toEqual([
      1e300,
      -1e-300,
      Number.POSITIVE_INFINITY,
      -0.5,
    ]);
    const s = back.variable("observed_data", "scalar");
    expect([s.shape, s.dtype, Array.from(s.data as Float64Array)]).toEqual([[], "float64", [3]]);
    expect(Number(back.variable("observed_data", "whole").data[0])).toBe(3);
  });
});
