// Radon-sized netCDF write, Phlox vs Python ArviZ 0.23 (issue 21): posterior (a, b, sigma_a, sigma_y, and 85
// county intercepts) and log_likelihood / posterior_predictive of 919 observations, 4 chains × 1000 draws.
// Phlox writes with writeNetCDF: its own HDF5 writer (shuffle + deflate `level`, chunks compressed on Node's
// zlib thread pool) and, for reference, the h5wasm engine (deflate only, one WebAssembly thread). Python reads
// the Phlox file and writes it again with az.to_netcdf (zlib 4 without shuffle: ArviZ 0.23's default, checked
// with netCDF4's `filters()`), timed in one process after loading. Prints wall time, CPU time (all threads of
// the process: the machine may be shared) and file size side by side.
//   usage: npx tsx --conditions=@phlox/source bench/radon-netcdf.ts [python=/tmp/phlox-oracle/bin/python]
//          [runs=3] [level=4] [h5wasm=1]
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeNetCDF } from "../src/files.js";
import { fromArrays } from "../src/from-arrays.js";
import type { NetCDFWriteOptions } from "../src/netcdf-write.js";

const python = process.argv[2] ?? process.env.PHLOX_ORACLE_PYTHON ?? "/tmp/phlox-oracle/bin/python";
const runs = Number(process.argv[3] ?? 3);
const level = Number(process.argv[4] ?? 4);
const withH5wasm = (process.argv[5] ?? "1") !== "0";
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

/** Best wall time and the CPU time (user + system, every thread) of that run, in seconds. */
async function timeWrite(
  options: NetCDFWriteOptions,
  target: string,
): Promise<{ wall: number; cpu: number }> {
  let best = { wall: Number.POSITIVE_INFINITY, cpu: 0 };
  for (let r = 0; r < runs; r++) {
    const c = process.cpuUsage();
    const t = performance.now();
    await writeNetCDF(idata, target, options);
    const wall = (performance.now() - t) / 1000;
    const cpu = process.cpuUsage(c);
    if (wall < best.wall) best = { wall, cpu: (cpu.user + cpu.system) / 1e6 };
  }
  return best;
}

const own = await timeWrite({ compression: level }, file);
const ownSize = statSync(file).size;
let wasm: { wall: number; cpu: number; size: number } | undefined;
if (withH5wasm) {
  const wasmFile = join(dir, "h5wasm.nc");
  wasm = {
    ...(await timeWrite({ compression: level, engine: "h5wasm" }, wasmFile)),
    size: statSync(wasmFile).size,
  };
}
const py = `
import sys, time, os, arviz as az
src, out, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
idata = az.from_netcdf(src)
for g in idata.groups(): getattr(idata, g).load()
best = None
for _ in range(runs):
    c = time.process_time(); t = time.perf_counter(); idata.to_netcdf(out)
    r = (time.perf_counter() - t, time.process_time() - c)
    best = r if best is None or r[0] < best[0] else best
print(best[0], best[1], os.path.getsize(out))
`;
const [pyTime, pyCpu, pySize] = execFileSync(python, ["-c", py, file, join(dir, "arviz.nc"), String(runs)], {
  encoding: "utf8",
})
  .trim()
  .split(" ")
  .map(Number) as [number, number, number];
const mib = (b: number): string => (b / 2 ** 20).toFixed(1);
const row = (name: string, wall: number, cpu: number, size: number): string =>
  `${name.padEnd(38)} ${wall.toFixed(2).padStart(6)} s  ${cpu.toFixed(2).padStart(6)} s  ${mib(size).padStart(6)} MiB`;
console.log(`radon-sized InferenceData: ${C}×${D} draws, ${N} observations, ${J} counties (best of ${runs})`);
console.log(`${"writer".padEnd(38)} ${"wall".padStart(8)}  ${"cpu".padStart(8)}  ${"size".padStart(10)}`);
console.log(row(`phlox writeNetCDF (shuffle+deflate ${level})`, own.wall, own.cpu, ownSize));
if (wasm) console.log(row(`phlox engine "h5wasm" (deflate ${level})`, wasm.wall, wasm.cpu, wasm.size));
console.log(row("arviz to_netcdf (deflate 4)", pyTime, pyCpu, pySize));
console.log(
  `ratio phlox/arviz : wall ${(own.wall / pyTime).toFixed(2)}, cpu ${(own.cpu / pyCpu).toFixed(2)}, size ${(ownSize / pySize).toFixed(3)}`,
);
rmSync(dir, { recursive: true, force: true });
