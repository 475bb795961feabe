// Radon-sized netCDF write, Phlox vs Python ArviZ 0.23 (issue 21): posterior (a, b, sigma_a, sigma_y, and 85
// county intercepts) and log_likelihood / posterior_predictive of 919 observations, 4 chains × 1000 draws.
// Phlox writes with writeNetCDF (deflate `level`, default 4); Python reads that file and writes it again with
// az.to_netcdf (zlib 4 without shuffle: ArviZ 0.23's default, checked with netCDF4's `filters()`), timed in one
// process after loading. Prints time and size side by side.
//   usage: npx tsx bench/radon-netcdf.ts [python=/tmp/phlox-oracle/bin/python] [runs=3] [level=4]
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeNetCDF } from "../src/files.js";
import { fromArrays } from "../src/from-arrays.js";

const python = process.argv[2] ?? process.env.PHLOX_ORACLE_PYTHON ?? "/tmp/phlox-oracle/bin/python";
const runs = Number(process.argv[3] ?? 3);
const level = Number(process.argv[4] ?? 4);
const [C, D, N, J] = [4, 1000, 919, 85];
let s = 12345;
const normal = (): number => {
  // Box–Muller on a 32-bit LCG: deterministic, realistic float64 mantissas.
  s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
  const u = (s + 1) / 2 ** 32;
  s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
  return Math.sqrt(-2 * Math.log(u)) * Math.cos((2 * Math.PI * s) / 2 ** 32);
};
const draws = (n: number, m: number, sd: number) => Float64Array.from({ length: n }, () => m + sd * normal());
const county = Int32Array.from({ length: N }, (_, i) => i % J);
const a = draws(C * D * J, 1.4, 0.3);
const b = draws(C * D, -0.7, 0.07);
const sigmaY = draws(C * D, 0.75, 0.02);
const y = draws(N, 1.2, 0.8);
const ll = new Float64Array(C * D * N);
const pp = new Float64Array(C * D * N);
for (let k = 0; k < C * D; k++) {
  for (let i = 0; i < N; i++) {
    const mu = a[k * J + (county[i] as number)] + (i % 2) * b[k];
    const z = (y[i] - mu) / sigmaY[k];
    ll[k * N + i] = -0.5 * z * z - Math.log(sigmaY[k]) - 0.9189385332046727;
    pp[k * N + i] = mu + sigmaY[k] * normal();
  }
}
const idata = fromArrays(
  {
    posterior: {
      a: { data: a, shape: [C, D, J] },
      b: { data: b, shape: [C, D] },
      sigma_a: { data: draws(C * D, 0.3, 0.05), shape: [C, D] },
      sigma_y: { data: sigmaY, shape: [C, D] },
    },
    log_likelihood: { y: { data: ll, shape: [C, D, N] } },
    posterior_predictive: { y: { data: pp, shape: [C, D, N] } },
    observed_data: { y: { data: y, shape: [N] } },
  },
  { dims: { a: ["county"], y: ["obs_id"] } },
);

const dir = mkdtempSync(join(tmpdir(), "phlox-radon-"));
const file = join(dir, "phlox.nc");
const times: number[] = [];
for (let r = 0; r < runs; r++) {
  const t = performance.now();
  await writeNetCDF(idata, file, { compression: level });
  times.push((performance.now() - t) / 1000);
}
const py = `
import sys, time, os, arviz as az
src, out, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
idata = az.from_netcdf(src); idata.load() if hasattr(idata, "load") else None
for g in idata.groups(): getattr(idata, g).load()
ts = []
for _ in range(runs):
    t = time.perf_counter(); idata.to_netcdf(out); ts.append(time.perf_counter() - t)
print(min(ts), os.path.getsize(out))
`;
const [pyTime, pySize] = execFileSync(python, ["-c", py, file, join(dir, "arviz.nc"), String(runs)], {
  encoding: "utf8",
})
  .trim()
  .split(" ")
  .map(Number);
const size = statSync(file).size;
const best = Math.min(...times);
console.log(`radon-sized InferenceData: ${C}×${D} draws, ${N} observations, ${J} counties`);
console.log(
  `phlox writeNetCDF : deflate ${level}, ${best.toFixed(2)} s (best of ${runs}), ${(size / 2 ** 20).toFixed(1)} MiB`,
);
console.log(
  `arviz to_netcdf   : ${(pyTime as number).toFixed(2)} s (best of ${runs}), ${((pySize as number) / 2 ** 20).toFixed(1)} MiB`,
);
console.log(
  `ratio phlox/arviz : time ${(best / (pyTime as number)).toFixed(2)}, size ${(size / (pySize as number)).toFixed(2)}`,
);
rmSync(dir, { recursive: true, force: true });
