import { fromArrays } from "../src/from-arrays.js";
import { fromNetCDF } from "../src/netcdf-read.js";
import { toNetCDF } from "../src/netcdf-write.js";
import { ArvizIoError } from "../src/errors.js";
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
const nc = await toNetCDF(idata);
const flips = process.argv[2].split(",").map((s) => s.split("^").map(Number));
for (const [at, x] of flips) nc[at] ^= x;
console.error("start");
try { await fromNetCDF(nc); console.error("ok"); } catch (e) { console.error("err", (e as ArvizIoError).code, (e as Error).message); }
