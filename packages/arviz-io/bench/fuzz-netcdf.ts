// Long fuzz of fromNetCDF (not run in CI): random truncations and byte damage of a Phlox-written file,
// reporting the slowest cases and any error that is not an ArvizIoError.
//   usage: npx tsx bench/fuzz-netcdf.ts [cases=2000] [seed=1] [file.nc (default: a small Phlox-written file)]
import { readFileSync } from "node:fs";
import { ArvizIoError } from "../src/errors.js";
import { fromArrays } from "../src/from-arrays.js";
import { fromNetCDF } from "../src/netcdf-read.js";
import { toNetCDF } from "../src/netcdf-write.js";

const cases = Number(process.argv[2] ?? 2000);
let seed = Number(process.argv[3] ?? 1) >>> 0;
const rand = (): number => {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
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
const nc = process.argv[4] ? new Uint8Array(readFileSync(process.argv[4])) : await toNetCDF(idata);
const counts: Record<string, number> = {};
const slow: [number, string][] = [];
for (let k = 0; k < cases; k++) {
  const bytes = nc.slice();
  const kind = rand() < 0.2 ? "truncate" : "flip";
  let desc: string;
  let input: Uint8Array;
  if (kind === "truncate") {
    const at = Math.floor(rand() * bytes.length);
    input = bytes.slice(0, at);
    desc = `truncate ${at}`;
  } else {
    const n = 1 + Math.floor(rand() * 8);
    const flips: string[] = [];
    for (let j = 0; j < n; j++) {
      const at = Math.floor(rand() * bytes.length);
      const x = 1 + Math.floor(rand() * 255);
      bytes[at] ^= x;
      flips.push(`${at}^${x}`);
    }
    input = bytes;
    desc = `flip ${flips.join(",")}`;
  }
  if (process.env.TRACE) console.error(k, desc); // the last line printed names a hanging case
  const t0 = performance.now();
  let outcome: string;
  try {
    await fromNetCDF(input);
    outcome = "ok";
  } catch (e) {
    outcome = e instanceof ArvizIoError ? e.code : `OTHER ${(e as Error).message?.slice(0, 80)}`;
    if (!(e instanceof ArvizIoError)) console.log("NOT ArvizIoError:", desc, e);
  }
  const ms = performance.now() - t0;
  if (ms > 200) slow.push([ms, desc]);
  counts[outcome] = (counts[outcome] ?? 0) + 1;
  if (k % 500 === 0) console.log(`case ${k}`, JSON.stringify(counts));
}
console.log("outcomes", counts);
console.log("slowest", slow.sort((a, b) => b[0] - a[0]).slice(0, 5));
