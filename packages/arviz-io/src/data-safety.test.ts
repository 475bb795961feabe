import { spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ArvizIoError } from "./errors.js";
import { readJSON, readNetCDF, readZarr, writeJSON, writeNetCDF, writeZarr } from "./files.js";
import { fromArrays } from "./from-arrays.js";
import type { InferenceData } from "./inference-data.js";
import { loadH5 } from "./internal/h5.js";
import { BLOCK_BYTES, blocks, chunkShape } from "./internal/h5-blocks.js";
import { MANIFEST_KEY } from "./internal/zarr-manifest.js";
import { fromJSON, jsonPieces, toJSON } from "./json.js";
import { fromNetCDF } from "./netcdf-read.js";
import { toNetCDF } from "./netcdf-write.js";
import { bigIdata } from "./testing/big-idata.js";
import { fromZarr, toZarr, type ZarrStore } from "./zarr.js";

// The data-safety suite of issue 22: every format either round-trips exactly or fails with an ArvizIoError
// before anything is replaced; readers verify what they read. Sizes here fit CI; bench/data-safety.ts runs the
// same round trips at the sizes around each limit.

const SEED = 20261205;
/** The h5wasm writer (the fallback engine), for the tests of its failure paths. */
const H5WASM = { engine: "h5wasm" } as const;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "phlox-safety-"));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const made = new Map<number, InferenceData>();
/** The same object per scale: `created_at` is part of what must round-trip. */
function sample(scale = 1): InferenceData {
  const have = made.get(scale);
  if (have) return have;
  const idata = makeSample(scale);
  made.set(scale, idata);
  return idata;
}

function makeSample(scale: number): InferenceData {
  const n = 20 * scale;
  return fromArrays(
    {
      posterior: {
        mu: { data: Float64Array.from({ length: 2 * n }, (_, i) => Math.cos(i) * 3.5), shape: [2, n] },
        theta: { data: Float64Array.from({ length: 6 * n }, (_, i) => i * 0.25 - 7), shape: [2, n, 3] },
        "a/b": { data: Float32Array.from({ length: 2 * n }, (_, i) => i), shape: [2, n] },
        "../../escape": { data: Int32Array.from({ length: 2 * n }, (_, i) => -i), shape: [2, n] },
      },
      sample_stats: {
        diverging: {
          data: Uint8Array.from({ length: 2 * n }, (_, i) => (i % 7 === 0 ? 1 : 0)),
          shape: [2, n],
          dtype: "bool",
        },
        n_steps: { data: BigInt64Array.from({ length: 2 * n }, (_, i) => BigInt(i % 15)), shape: [2, n] },
      },
      observed_data: { y: [1.5, Number.NaN, 3], k: { data: new Float64Array([7]), shape: [] } },
    },
    {
      dims: { theta: ["school"], y: ["school"] },
      coords: { school: ["Choate", "Deerfield", "ç/é"] },
      attrs: { note: "phlox data-safety" },
    },
  );
}

/** Exact equality of two InferenceData: groups, variables, coordinates, dtypes, dims, bytes and attributes. */
function expectSame(a: InferenceData, b: InferenceData): void {
  expect(b.groupNames().sort()).toEqual(a.groupNames().sort());
  expect(b.attrs).toEqual(a.attrs);
  for (const g of a.groupNames()) {
    const x = a.get(g);
    const y = b.get(g);
    expect(y.attrs).toEqual(x.attrs);
    for (const table of ["variables", "coords"] as const) {
      expect(Object.keys(y[table]).sort(), `${g} ${table}`).toEqual(Object.keys(x[table]).sort());
      for (const [n, v] of Object.entries(x[table])) {
        const w = y[table][n];
        expect([w.dims, w.shape, w.dtype], `${g}/${n}`).toEqual([v.dims, v.shape, v.dtype]);
        expect(w.data.length, `${g}/${n} length`).toBe(v.data.length);
        if (Array.isArray(v.data)) expect(w.data, `${g}/${n} values`).toEqual(v.data);
        else {
          const bytes = (x: ArrayBufferView) => Buffer.from(x.buffer, x.byteOffset, x.byteLength);
          const same = Buffer.compare(bytes(v.data), bytes(w.data as ArrayBufferView)) === 0;
          expect(same, `${g}/${n} values`).toBe(true);
        }
      }
    }
  }
}

/** What JSON can hold of an InferenceData: ArviZ's JSON has no dtypes (float32 reads as float64, int32 as int64). */
function jsonView(idata: InferenceData): InferenceData {
  return fromJSON(toJSON(idata));
}

/** A read of damaged bytes must be an ArvizIoError or exactly the original: never silently different data. */
async function exactOrError(
  read: () => Promise<InferenceData> | InferenceData,
  want: InferenceData,
): Promise<boolean> {
  let got: InferenceData;
  try {
    got = await read();
  } catch (e) {
    if (!(e instanceof ArvizIoError)) throw new Error(`not an ArvizIoError: ${String(e)}`, { cause: e });
    return false;
  }
  expectSame(want, got);
  return true;
}

const oneDamage = (len: number) =>
  fc.oneof(
    fc.record({
      kind: fc.constant("flip" as const),
      at: fc.nat(len - 1),
      bit: fc.integer({ min: 0, max: 7 }),
    }),
    fc.record({ kind: fc.constant("truncate" as const), at: fc.nat(len - 1) }),
  );
function damaged(b: Uint8Array, d: { kind: "flip" | "truncate"; at: number; bit?: number }): Uint8Array {
  if (d.kind === "truncate") return b.slice(0, d.at);
  const out = b.slice();
  out[d.at] ^= 1 << (d.bit ?? 0);
  return out;
}

describe("netCDF (issue 22, finding 1)", () => {
  test("blocks tile an array exactly, whole chunks at a time, each at most the block size", () => {
    for (const [shape, item] of [
      [[4, 1000, 7], 8],
      [[3, 5_000_000], 8],
      [[1, 2, 3_000_000], 4],
      [[9], 1],
      [[6, 200_000], 8],
    ] as [number[], number][]) {
      const chunks = chunkShape(shape, item);
      const plan = blocks(shape, item, BLOCK_BYTES, chunks);
      let next = 0;
      for (const b of plan) {
        expect(b.start).toBe(next);
        next += b.n;
        expect(b.n * item).toBeLessThanOrEqual(
          Math.max(
            BLOCK_BYTES,
            chunks.reduce((p, c) => p * c, item),
          ),
        );
        b.offset.forEach((o, i) => {
          expect(o % chunks[i]).toBe(0);
        });
      }
      expect(next).toBe(shape.reduce((p, s) => p * s, 1));
      expect(chunks.reduce((p, c) => p * c, item)).toBeLessThanOrEqual(2 ** 20);
    }
  });

  test("an 18 MB variable crosses 16 MiB blocks and ~1 MiB chunks and round-trips exactly", async () => {
    const n = 1_100_000;
    const big = fromArrays({
      posterior: {
        x: { data: Float64Array.from({ length: 2 * n }, (_, i) => Math.sin(i) + i), shape: [2, n] },
      },
    });
    const file = join(dir, "big.nc");
    await writeNetCDF(big, file, { compression: 1 });
    expectSame(big, await readNetCDF(file));
  }, 120_000);

  test("a failed HDF5 read is an error, never a buffer of garbage (the 512 MB readNetCDF corruption)", async () => {
    const bytes = await toNetCDF(sample());
    const m = (await loadH5()).Module as unknown as { get_dataset_data: (...a: unknown[]) => number };
    const real = m.get_dataset_data;
    m.get_dataset_data = () => -1; // HDF5's H5Dread failing, as it did for a 512 MB chunk in the 2 GiB heap
    try {
      await expect(fromNetCDF(bytes)).rejects.toMatchObject({ code: "corrupt" });
    } finally {
      m.get_dataset_data = real;
    }
    expectSame(sample(), await fromNetCDF(bytes));
  });

  test("h5wasm engine: a failed HDF5 write is an error and leaves the old file (the 768 MB write that resolved)", async () => {
    const file = join(dir, "keep.nc");
    await writeNetCDF(sample(), file);
    const before = await readFile(file);
    const h5 = await loadH5();
    const m = h5.Module as unknown as { set_dataset_data: (...a: unknown[]) => number };
    const real = m.set_dataset_data;
    m.set_dataset_data = () => -1;
    try {
      await expect(writeNetCDF(sample(2), file, H5WASM)).rejects.toMatchObject({ code: "write-failed" });
    } finally {
      m.set_dataset_data = real;
    }
    // HDF5 printing "memory allocation failed for raw data chunk" and returning success still fails the write.
    const fs = h5.FS as unknown as {
      getStream(fd: number): unknown;
      write(s: unknown, b: Uint8Array, o: number, n: number): number;
    };
    m.set_dataset_data = (...a: unknown[]) => {
      const msg = new TextEncoder().encode("HDF5-DIAG: memory allocation failed for raw data chunk\n");
      fs.write(fs.getStream(2), msg, 0, msg.length);
      return real(...a);
    };
    try {
      await expect(writeNetCDF(sample(2), file, H5WASM)).rejects.toThrow(/memory allocation failed/);
    } finally {
      m.set_dataset_data = real;
    }
    expect(Buffer.compare(await readFile(file), before)).toBe(0);
    expect((await readdir(dir)).filter((f) => f.includes("phlox-tmp"))).toEqual([]);
  });

  test("names are encoded, never paths: a/b, ../../escape and ç/é round-trip", async () => {
    expectSame(sample(), await fromNetCDF(await toNetCDF(sample())));
  });

  test("fuzz: a single bit flip or truncation anywhere reads exactly or fails", async () => {
    const want = sample();
    const bytes = await toNetCDF(want);
    await fc.assert(
      fc.asyncProperty(oneDamage(bytes.length), async (d) => {
        await exactOrError(() => fromNetCDF(damaged(bytes, d)), want);
      }),
      { seed: SEED, numRuns: 120 },
    );
  }, 120_000);
});

describe("JSON (issue 22, finding 1)", () => {
  test("the writer streams bounded pieces (a ~1 GB document no longer aborts the process) and equals toJSON", async () => {
    const n = 300_000;
    const big = fromArrays({
      posterior: { x: { data: Float64Array.from({ length: 2 * n }, (_, i) => i / 7), shape: [2, n] } },
    });
    let longest = 0;
    for (const p of jsonPieces(big)) longest = Math.max(longest, p.length);
    expect(longest).toBeLessThan(2 ** 20 + 64);
    const file = join(dir, "big.json");
    await writeJSON(big, file);
    expect((await readFile(file, "utf8")) === toJSON(big)).toBe(true);
    expectSame(big, await readJSON(file));
  }, 120_000);

  test("a Phlox file carries a CRC-32 that the reader checks; Python's files (no trailer) still read", () => {
    const text = toJSON(sample());
    expect(text).toMatch(/"_phlox_crc32": "[0-9a-f]{8}"\}\}$/);
    expect(() => fromJSON(text.replace("3.5", "3.6"))).toThrow(/CRC-32/);
    const python = text.replace(/, "_phlox_crc32": "[0-9a-f]{8}"\}\}$/, "}}");
    expectSame(jsonView(sample()), fromJSON(python));
  });

  test("fuzz: a single bit flip or truncation anywhere reads exactly or fails", async () => {
    const want = jsonView(sample());
    const bytes = new TextEncoder().encode(toJSON(sample()));
    await fc.assert(
      fc.asyncProperty(oneDamage(bytes.length), async (d) => {
        await exactOrError(() => fromJSON(damaged(bytes, d)), want);
      }),
      { seed: SEED, numRuns: 300 },
    );
  }, 120_000);
});

describe("zarr (issue 22, finding 3)", () => {
  test.each([2, 3] as const)(
    "zarr v%i round-trips every dtype, scalars, empty arrays, multi-chunk arrays and encoded names",
    (zarrFormat) => {
      const want = fromArrays({
        ...Object.fromEntries(
          sample()
            .groupNames()
            .map((g) => [g, {}]),
        ),
        posterior: {
          ...Object.fromEntries(Object.entries(sample().get("posterior").variables).map(([k, v]) => [k, v])),
          wide: {
            data: Float64Array.from({ length: 2 * 20 * 15_000 }, (_, i) => i * 1.5),
            shape: [2, 20, 15_000],
          },
          empty: { data: new Float64Array(0), shape: [2, 20, 0] },
          u8: { data: Uint8Array.from({ length: 40 }, (_, i) => (i * 37) % 256), shape: [2, 20] },
        },
      });
      for (const compression of [0, 4]) {
        const store = toZarr(want, { zarrFormat, compression });
        expect([...store.keys()].filter((k) => k.startsWith("posterior/wide/")).length).toBeGreaterThan(3);
        expectSame(want, fromZarr(store));
      }
      expectSame(sample(), fromZarr(toZarr(sample(), { zarrFormat })));
    },
    120_000,
  );

  test("writeZarr never writes outside the store: ../../escape stays one encoded directory inside", async () => {
    const root = await mkdtemp(join(dir, "escape-"));
    const store = join(root, "a", "b", "s.zarr");
    for (const zarrFormat of [2, 3] as const) {
      await writeZarr(sample(), store, { zarrFormat });
      expect((await readdir(root)).sort()).toEqual(["a"]);
      expect((await readdir(join(root, "a"))).sort()).toEqual(["b"]);
      expect((await readdir(join(root, "a", "b"))).sort()).toEqual(["s.zarr"]);
      expect(await readdir(join(store, "posterior"))).toEqual(
        expect.arrayContaining(["a%2Fb", "%2E.%2F..%2Fescape"]),
      );
      expectSame(sample(), await readZarr(store));
    }
  });

  test("writeZarr refuses a directory with unrelated files and deletes nothing; replaces a store atomically", async () => {
    const target = join(dir, "mixed.zarr");
    await writeZarr(sample(), target);
    await writeFile(join(target, "notes.txt"), "mine");
    await expect(writeZarr(sample(2), target)).rejects.toThrow(/notes\.txt.*refusing/);
    expect(await readFile(join(target, "notes.txt"), "utf8")).toBe("mine");
    await rm(join(target, "notes.txt"));
    expectSame(sample(), await readZarr(target));
    const plain = join(dir, "plain-dir");
    await writeFile(join(dir, "x"), "");
    await rm(join(dir, "x"));
    await mkdtemp(plain).catch(() => undefined);
    await writeZarr(sample(2), target, { zarrFormat: 3 });
    expectSame(sample(2), await readZarr(target));
    expect((await readdir(dir)).filter((f) => f.includes("phlox-"))).toEqual([]);
  });

  test("without a manifest, codec checksums catch every flipped bit of a chunk (410 of 441 read as valid before)", async () => {
    const want = sample();
    for (const [zarrFormat, compression, key] of [
      [2, 4, "posterior/mu/0.0"],
      [3, 4, "posterior/mu/c/0/0"],
      [3, 0, "posterior/mu/c/0/0"],
    ] as const) {
      const store = toZarr(want, { zarrFormat, compression });
      store.delete(MANIFEST_KEY);
      const chunk = store.get(key) as Uint8Array;
      let errors = 0;
      for (let at = 0; at < chunk.length; at++) {
        for (const bit of [0, 3, 7]) {
          const s = new Map(store);
          s.set(key, damaged(chunk, { kind: "flip", at, bit }));
          if (!(await exactOrError(() => fromZarr(s), want))) errors++;
        }
      }
      expect(errors, `zarr v${zarrFormat} level ${compression}`).toBeGreaterThan(chunk.length * 2);
    }
  }, 120_000);

  test("readers check dtype sizes and apply fill_value to missing chunks as the spec says", () => {
    const store = toZarr(sample(), { compression: 0 });
    store.delete(MANIFEST_KEY);
    store.delete(".zmetadata");
    const zarray = JSON.parse(new TextDecoder().decode(store.get("posterior/mu/.zarray")));
    const wrong = new Map(store);
    wrong.set("posterior/mu/.zarray", new TextEncoder().encode(JSON.stringify({ ...zarray, dtype: "<f4" })));
    expect(() => fromZarr(wrong)).toThrow(/decodes to .* bytes.*dtype is wrong/);
    const missing = new Map(store);
    missing.delete("posterior/mu/0.0");
    expect(
      Array.from(fromZarr(missing).variable("posterior", "mu").data as Float64Array).every(Number.isNaN),
    ).toBe(true);
    missing.delete("sample_stats/n_steps/0.0"); // v2 fill_value null: the type's zero, as zarr-python reads it
    expect(Array.from(fromZarr(missing).variable("sample_stats", "n_steps").data as BigInt64Array)).toEqual(
      new Array(40).fill(0n),
    );
    const v3 = toZarr(sample(), { zarrFormat: 3 });
    const withManifest = new Map(v3);
    withManifest.delete("posterior/mu/c/0/0");
    expect(() => fromZarr(withManifest)).toThrow(/posterior\/mu\/c\/0\/0" is missing/);
  });

  test.each([2, 3] as const)(
    "fuzz (zarr v%i): a single bit flip or truncation of any key reads exactly or fails",
    async (zarrFormat) => {
      const want = sample();
      const store = toZarr(want, { zarrFormat });
      const keys = [...store.keys()];
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...keys),
          fc.nat(),
          fc.integer({ min: 0, max: 7 }),
          fc.boolean(),
          async (key, at, bit, cut) => {
            const b = store.get(key) as Uint8Array;
            const s: ZarrStore = new Map(store);
            s.set(key, damaged(b, { kind: cut ? "truncate" : "flip", at: at % Math.max(1, b.length), bit }));
            await exactOrError(() => fromZarr(s), want);
          },
        ),
        { seed: SEED, numRuns: 300 },
      );
    },
    120_000,
  );
});

describe("kill -9 mid-write leaves the old file or store intact", () => {
  const CHILD = fileURLToPath(new URL("./testing/write-child.ts", import.meta.url));
  const KILL_ELEMENTS = 400_000;

  async function killMidWrite(format: string, target: string): Promise<void> {
    // From source, as the tests run (@phlox/tensor's dist may not be built).
    const args = [
      "--conditions=@phlox/source",
      "--import",
      "tsx",
      CHILD,
      format,
      target,
      String(KILL_ELEMENTS),
    ];
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => {
      stderr += String(d);
    });
    const parent = join(target, "..");
    const base = target.slice(target.lastIndexOf("/") + 1);
    // Kill once a write is under way: its temporary file or directory exists beside the target.
    const deadline = Date.now() + 100_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the writer exited early: ${stderr}`);
      if (Date.now() > deadline) throw new Error("the writer never started a write");
      const names = await readdir(parent);
      if (names.some((n) => n.startsWith(`.${base}.phlox-tmp-`))) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGKILL");
    await exited;
  }

  test.each(["netcdf", "json", "zarr"])(
    "%s",
    async (format) => {
      const sub = await mkdtemp(join(dir, `kill-${format}-`));
      const target = join(sub, format === "zarr" ? "old.zarr" : `old.${format}`);
      const old = bigIdata(1000, 0);
      const write = { netcdf: writeNetCDF, json: writeJSON, zarr: writeZarr }[format] as (
        i: InferenceData,
        p: string,
      ) => Promise<void>;
      const read = { netcdf: readNetCDF, json: readJSON, zarr: readZarr }[format] as (
        p: string,
      ) => Promise<InferenceData>;
      await write(old, target);
      await killMidWrite(format, target);
      // Killed while a temporary file or directory was being written: it is left behind, unfinished ...
      expect((await readdir(sub)).some((n) => n.includes(".phlox-tmp-"))).toBe(true);
      // ... and the target is a complete file: the old one, or one the child finished before (never a mixture).
      const got = await read(target);
      const want = got.get("posterior").attrs.seed === 0 ? old : bigIdata(KILL_ELEMENTS, 1);
      expectSame(format === "json" ? jsonView(want) : want, got);
    },
    120_000,
  );
});
