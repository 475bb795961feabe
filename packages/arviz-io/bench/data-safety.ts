// Round trips at the sizes around each limit of issue 22 (not run in CI; data-safety.test.ts runs small sizes):
// one float64 posterior variable [4, n] of SIZE MB per format, written with writeNetCDF / writeJSON /
// writeZarr (v2 and v3) over an existing small file, read back and compared byte for byte. A size a format
// cannot hold must fail with an ArvizIoError and leave the old file readable; nothing may abort the process.
//   usage: npx tsx bench/data-safety.ts [sizesMB=64,512,768,1024] [formats=netcdf,json,zarr2,zarr3]
// Prints one line per size and format: seconds to write and read, file size, peak RSS, or the error.
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ArvizIoError } from "../src/errors.js";
import { readJSON, readNetCDF, readZarr, writeJSON, writeNetCDF, writeZarr } from "../src/files.js";
import { fromArrays } from "../src/from-arrays.js";
import type { InferenceData } from "../src/inference-data.js";

const sizes = (process.argv[2] ?? "64,512,768,1024").split(",").map(Number);
const formats = (process.argv[3] ?? "netcdf,json,zarr2,zarr3").split(",");
const dir = mkdtempSync(join(tmpdir(), "phlox-bench-safety-"));

function make(mb: number, seed: number): InferenceData {
  const n = Math.floor((mb * 2 ** 20) / 8 / 4);
  const data = new Float64Array(4 * n);
  let s = seed >>> 0;
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = 50 + (s / 2 ** 32 - 0.5) * 10; // a posterior around 50: realistic float64 mantissas
  }
  return fromArrays(
    { posterior: { mu: { data, shape: [4, n] } } },
    { attrs: { created_at: "2026-01-01T00:00:00+00:00" } },
  );
}

const io: Record<
  string,
  [(i: InferenceData, p: string) => Promise<void>, (p: string) => Promise<InferenceData>]
> = {
  netcdf: [writeNetCDF, readNetCDF],
  json: [writeJSON, readJSON],
  zarr2: [(i, p) => writeZarr(i, p, { zarrFormat: 2 }), readZarr],
  zarr3: [(i, p) => writeZarr(i, p, { zarrFormat: 3 }), readZarr],
};

let peak = 0;
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 50);

async function du(p: string): Promise<number> {
  const st = statSync(p);
  if (!st.isDirectory()) return st.size;
  let n = 0;
  for (const e of await readdir(p, { recursive: true })) {
    const s = statSync(join(p, e as string));
    if (s.isFile()) n += s.size;
  }
  return n;
}

const same = (a: Float64Array, b: Float64Array): boolean =>
  a.length === b.length &&
  Buffer.compare(
    Buffer.from(a.buffer, a.byteOffset, a.byteLength),
    Buffer.from(b.buffer, b.byteOffset, b.byteLength),
  ) === 0;

for (const mb of sizes) {
  const idata = make(mb, mb);
  const want = idata.variable("posterior", "mu").data as Float64Array;
  for (const fmt of formats) {
    const [write, read] = io[fmt];
    const target = join(dir, `x-${mb}.${fmt}`);
    const old = make(1, 7);
    await write(old, target);
    peak = 0;
    const t0 = performance.now();
    let line: string;
    let phase = "write";
    try {
      await write(idata, target);
      phase = "read";
      const t1 = performance.now();
      const back = await read(target);
      const t2 = performance.now();
      const ok = same(want, back.variable("posterior", "mu").data as Float64Array);
      line = `write ${((t1 - t0) / 1000).toFixed(1)} s, read ${((t2 - t1) / 1000).toFixed(1)} s, file ${(
        (await du(target)) / 2 ** 20
      ).toFixed(0)} MiB, round trip ${ok ? "exact" : "DIFFERENT"}`;
    } catch (e) {
      const clear = e instanceof ArvizIoError;
      let oldOk = "old file unreadable";
      try {
        const back = await read(target);
        oldOk = same(
          old.variable("posterior", "mu").data as Float64Array,
          back.variable("posterior", "mu").data as Float64Array,
        )
          ? "old file intact"
          : "old file CHANGED";
      } catch {
        // the new file may have been written completely before the read failed
      }
      const after =
        phase === "write"
          ? oldOk
          : `written in ${((performance.now() - t0) / 1000).toFixed(1)} s, file ${((await du(target)) / 2 ** 20).toFixed(0)} MiB`;
      line = `${phase} failed, ${clear ? `ArvizIoError ${(e as ArvizIoError).code}` : "UNEXPECTED"}: ${(e as Error).message.slice(0, 160)} (${after})`;
    }
    console.log(
      `${String(mb).padStart(5)} MB ${fmt.padEnd(6)} ${line}; peak RSS ${(peak / 2 ** 30).toFixed(2)} GiB`,
    );
    rmSync(target, { recursive: true, force: true });
  }
}
clearInterval(sampler);
rmSync(dir, { recursive: true, force: true });
