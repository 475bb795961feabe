import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { writeNetCDF } from "./files.js";
import { fromArrays } from "./from-arrays.js";
import { InferenceData } from "./inference-data.js";
import { zlibDeflate } from "./internal/deflate-node.js";
import { zlibDeflate as webDeflate } from "./internal/deflate-web.js";
import { nodeCount } from "./internal/hdf5/chunk-btree.js";
import { chunkBytes, chunkOffsets, shuffle, unshuffle } from "./internal/hdf5/chunks.js";
import { buildHdf5, concatFile } from "./internal/hdf5/file-writer.js";
import { netcdfTree } from "./netcdf-model.js";
import { fromNetCDF } from "./netcdf-read.js";
import { toNetCDF } from "./netcdf-write.js";
import type { Variable } from "./types.js";

// Phlox's own HDF5 writer: h5wasm (the HDF5 library) reads back exactly what it wrote, and Python's h5py,
// netCDF4-C and ArviZ 0.23.4 see the same file the h5wasm writer made, with shuffle + zlib filters.
const PYTHON = process.env.PHLOX_ORACLE_PYTHON ?? "/tmp/phlox-oracle/bin/python";
const SCRIPT = fileURLToPath(new URL("../scripts/netcdf_writer_check.py", import.meta.url));

function rich(): InferenceData {
  const specials = [1.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 5e-324];
  return fromArrays(
    {
      posterior: {
        x: { data: Float64Array.from({ length: 30 }, (_, i) => specials[i % 6] as number), shape: [2, 5, 3] },
        f: {
          data: Float32Array.from({ length: 10 }, (_, i) => (i % 3 === 0 ? Number.NaN : i / 3)),
          shape: [2, 5],
        },
        k: { data: Int32Array.from({ length: 10 }, (_, i) => (i - 5) * 1_000_000), shape: [2, 5] },
        big: {
          data: BigInt64Array.from({ length: 10 }, (_, i) => BigInt(i) * 2n ** 40n - 7n),
          shape: [2, 5],
        },
        u: { data: Uint8Array.from({ length: 10 }, (_, i) => 250 + (i % 6)), shape: [2, 5] },
        ok: { data: Uint8Array.from({ length: 10 }, (_, i) => i % 2), shape: [2, 5], dtype: "bool" },
      },
      observed_data: {
        y: [1.5, Number.NaN, 3],
        label: { data: ["a", "", "ünï/code"], shape: [3] },
        k: { data: new Float64Array([7]), shape: [] },
      },
      constant_data: { none: { data: new Float64Array(0), shape: [0] } },
    },
    {
      dims: { x: ["school"], y: ["school"], label: ["school"], none: ["nothing"] },
      coords: { school: ["Choate", "", "ç/é"] },
      attrs: { note: "phlox writer", n: 3, tags: ["x", "y"], flag: true, weights: [0.5, 1.5] },
    },
  );
}

/** `n` chunks of 4 doubles, the last one padded: a 3-level chunk B-tree. */
function manyChunks(cols: number): InferenceData {
  return fromArrays({
    posterior: {
      z: { data: Float64Array.from({ length: 2 * cols }, (_, i) => Math.sin(i) * 1e3), shape: [2, cols] },
    },
  });
}

async function tinyChunks(idata: InferenceData): Promise<Uint8Array> {
  const tree = netcdfTree(idata, { level: 4, shuffle: true, chunkBytes: 32 });
  return concatFile(await buildHdf5(tree, zlibDeflate, 8, "test"));
}

function sameVar(a: Variable, b: Variable): void {
  expect(b.dims).toEqual(a.dims);
  expect(b.shape).toEqual(a.shape);
  expect(b.dtype).toBe(a.dtype);
  expect(Array.from(b.data as ArrayLike<unknown>)).toEqual(Array.from(a.data as ArrayLike<unknown>));
  expect(b.attrs).toEqual(a.attrs);
}

function expectSame(a: InferenceData, b: InferenceData): void {
  expect(b.groupNames()).toEqual(a.groupNames());
  for (const g of a.groupNames()) {
    const [da, db] = [a.get(g), b.get(g)];
    expect(Object.keys(db.variables)).toEqual(Object.keys(da.variables));
    expect(Object.keys(db.coords).sort()).toEqual(Object.keys(da.coords).sort());
    for (const [n, v] of Object.entries(da.variables)) sameVar(v, db.variables[n] as Variable);
    for (const [n, v] of Object.entries(da.coords)) sameVar(v, db.coords[n] as Variable);
    // Booleans are stored as int8 and read back as 0/1, as with the h5wasm writer.
    const asRead = Object.fromEntries(
      Object.entries(da.attrs).map(([k, v]) => [k, typeof v === "boolean" ? +v : v]),
    );
    expect(db.attrs).toEqual(asRead);
  }
}

describe("Phlox's HDF5 writer, read back by h5wasm", () => {
  test("strings, NaN/±inf/-0/subnormals, int32/int64/uint8/bool, scalars and empty dims round-trip exactly", async () => {
    const want = rich();
    const got = await fromNetCDF(await toNetCDF(want));
    expectSame(want, got);
    expect(got.get("posterior").attrs).toMatchObject({
      note: "phlox writer",
      n: 3,
      tags: ["x", "y"],
      flag: 1,
      weights: [0.5, 1.5],
    });
  });

  test("502 chunks (a 2-level B-tree, zero-padded edge chunks) read back exactly", async () => {
    const want = manyChunks(1001);
    expect(nodeCount(2 * Math.ceil(1001 / 4))).toBe(9);
    expectSame(want, await fromNetCDF(await tinyChunks(want)));
  }, 60_000);

  test("compression 0 stores chunks unfiltered; shuffle: false deflates only; both read back", async () => {
    const want = rich();
    const plain = await toNetCDF(want, { compression: 0 });
    const noShuffle = await toNetCDF(want, { shuffle: false, compression: 9 });
    expectSame(want, await fromNetCDF(plain));
    expectSame(want, await fromNetCDF(noShuffle));
    expect(plain.length).toBeGreaterThan(noShuffle.length);
  });

  test("writeNetCDF writes byte for byte what toNetCDF returns (small pieces staged, 1 MiB chunks direct)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "phlox-pieces-"));
    try {
      const idata = manyChunks(140_000);
      await writeNetCDF(idata, join(dir, "a.nc"), { compression: 0 });
      const bytes = await toNetCDF(idata, { compression: 0 });
      expect(Buffer.compare(await readFile(join(dir, "a.nc")), bytes)).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("the browser deflate (CompressionStream, and fflate where it is missing) writes files h5wasm reads", async () => {
    const want = rich();
    const tree = () => netcdfTree(want, { level: 6, shuffle: true, chunkBytes: 2 ** 20 });
    expectSame(want, await fromNetCDF(concatFile(await buildHdf5(tree(), webDeflate, 4, "test"))));
    const saved = globalThis.CompressionStream;
    (globalThis as { CompressionStream?: unknown }).CompressionStream = undefined;
    try {
      expectSame(want, await fromNetCDF(concatFile(await buildHdf5(tree(), webDeflate, 4, "test"))));
    } finally {
      globalThis.CompressionStream = saved;
    }
  });

  test("an attribute over 64 KiB (dense HDF5 attribute storage) falls back to the h5wasm engine, not lost", async () => {
    const base = rich();
    const tags = Array.from({ length: 6000 }, (_, i) => `tag-${i}`);
    const want = new InferenceData(base.groups, {
      tags,
      weights: Array.from({ length: 9000 }, (_, i) => i / 7),
    });
    const got = await fromNetCDF(await toNetCDF(want));
    expect(got.attrs.tags).toEqual(tags);
    expect((got.attrs.weights as number[]).length).toBe(9000);
  });

  test("shuffle groups byte j of every element; unshuffle inverts it, a trailing partial element stays", () => {
    expect([...shuffle(new Uint8Array([1, 2, 3, 4, 5, 6]), 2)]).toEqual([1, 3, 5, 2, 4, 6]);
    const src = Uint8Array.from({ length: 8 * 5 + 3 }, (_, i) => (i * 37) & 255);
    for (const item of [2, 4, 8, 3]) expect([...unshuffle(shuffle(src, item), item)]).toEqual([...src]);
  });

  test("chunks tile the array in C order and edge chunks are zero-padded to the full chunk shape", () => {
    expect(chunkOffsets([3, 5], [2, 2])).toEqual([
      [0, 0],
      [0, 2],
      [0, 4],
      [2, 0],
      [2, 2],
      [2, 4],
    ]);
    const src = Uint8Array.from({ length: 15 }, (_, i) => i + 1);
    expect([...chunkBytes(src, [3, 5], 1, [2, 2], [2, 4])]).toEqual([15, 0, 0, 0]);
    expect([...chunkBytes(src, [3, 5], 1, [2, 2], [0, 2])]).toEqual([3, 4, 8, 9]);
    // A complete run of whole trailing axes is a view of the source, not a copy.
    expect(chunkBytes(src, [3, 5], 1, [1, 5], [1, 0]).buffer).toBe(src.buffer);
  });
});

describe("Python h5py, netCDF4-C and ArviZ read the file as the h5wasm writer's", () => {
  interface Seen {
    h5: Record<string, unknown>;
    filters: Record<string, { shuffle: boolean; zlib: boolean; complevel: number }>;
    arviz: {
      groups: string[];
      vars: Record<string, Record<string, { dims: string[]; dtype: string; values: unknown[] }>>;
    };
  }
  let dir: string;
  let seen: Record<string, Seen>;
  const want = rich();
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "phlox-writer-"));
    await writeNetCDF(want, join(dir, "phlox.nc"));
    await writeNetCDF(want, join(dir, "h5wasm.nc"), { engine: "h5wasm" });
    await writeFile(join(dir, "chunks.nc"), await tinyChunks(manyChunks(301)));
    const files = ["phlox.nc", "h5wasm.nc", "chunks.nc"].map((f) => join(dir, f));
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(PYTHON, [SCRIPT, ...files], { timeout: 100_000, maxBuffer: 64 << 20 }, (err, out, errText) => {
        if (err) reject(new Error(`${PYTHON} ${SCRIPT} failed: ${err.message}\n${errText}`));
        else resolve(out);
      });
    });
    const raw = JSON.parse(stdout) as Record<string, Seen>;
    seen = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k.slice(dir.length + 1), v]));
  }, 120_000);
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test("h5py sees the same objects, dtypes, shapes and attributes (dimension scales included) as from h5wasm", () => {
    expect((seen["phlox.nc"] as Seen).h5).toEqual((seen["h5wasm.nc"] as Seen).h5);
  });

  test("netCDF4 reports shuffle and zlib on every numeric variable, none on strings", () => {
    const f = (seen["phlox.nc"] as Seen).filters;
    expect(f["posterior/x"]).toEqual({ shuffle: true, zlib: true, complevel: 4 });
    expect(f["posterior/ok"]).toEqual({ shuffle: true, zlib: true, complevel: 4 });
    expect(f["observed_data/label"]).toMatchObject({ shuffle: false, zlib: false });
    expect((seen["h5wasm.nc"] as Seen).filters["posterior/x"]).toEqual({
      shuffle: false,
      zlib: true,
      complevel: 4,
    });
  });

  test("az.from_netcdf: groups, dims, dtypes and values (NaN, ±inf, strings, bool, int64)", () => {
    const a = (seen["phlox.nc"] as Seen).arviz;
    expect(a.groups).toEqual(want.groupNames());
    const num = (v: number): unknown =>
      Number.isFinite(v) ? v : String(v).replace("Infinity", "inf").replace("NaN", "nan");
    for (const g of want.groupNames()) {
      const ds = want.get(g);
      for (const [n, v] of [...Object.entries(ds.variables), ...Object.entries(ds.coords)]) {
        const py = a.vars[g]?.[n];
        expect(py, `${g}/${n}`).toBeDefined();
        expect(py?.dims).toEqual(v.dims);
        const vals = Array.from(v.data as ArrayLike<number | bigint | string>, (x) =>
          typeof x === "bigint"
            ? Number(x)
            : typeof x === "number"
              ? v.dtype === "bool"
                ? x === 1
                : num(x)
              : x,
        );
        expect(py?.values, `${g}/${n}`).toEqual(vals);
        const dt = {
          float64: "float64",
          float32: "float32",
          int32: "int32",
          int64: "int64",
          uint8: "uint8",
          bool: "bool",
          string: "str",
        };
        expect(py?.dtype).toBe(dt[v.dtype as keyof typeof dt]);
      }
    }
  });

  test("a file of 151 padded chunks per row opens in ArviZ with the values written", () => {
    const z = (seen["chunks.nc"] as Seen).arviz.vars.posterior?.z;
    expect(z?.values).toEqual(Array.from({ length: 602 }, (_, i) => Math.sin(i) * 1e3));
    expect((seen["chunks.nc"] as Seen).filters["posterior/z"]).toEqual({
      shuffle: true,
      zlib: true,
      complevel: 4,
    });
  });
});
