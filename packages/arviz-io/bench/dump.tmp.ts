import { fromArrays } from "../src/from-arrays.js";
import { toNetCDF } from "../src/netcdf-write.js";
import { writeFileSync } from "node:fs";
const idata = fromArrays(
  {
    posterior: {
      mu: { data: Float64Array.from({ length: 40 }, (_, i) => Math.cos(i)), shape: [2, 20] },
      theta: { data: Float64Array.from({ length: 120 }, (_, i) => i * 0.5), shape: [2, 20, 3] },
    },
    sample_stats: { diverging: { data: new Uint8Array(40), shape: [2, 20], dtype: "bool" } },
    observed_data: { y: [1, 2, 3] },
  },
  { dims: { theta: ["school"], y: ["school"] }, coords: { school: ["a", "b", "c"] } },
);
writeFileSync("/tmp/azx/f.nc", await toNetCDF(idata));
