import { ArvizIoError } from "./errors.js";
import type { InferenceData } from "./inference-data.js";
import { ITEM_BYTES } from "./internal/arrays.js";
import { blocks, CHUNK_BYTES } from "./internal/h5-blocks.js";
import { encodeName } from "./internal/names.js";
import { gzip, withCrc32c, zlib } from "./internal/zarr-codecs.js";
import { MANIFEST_KEY, makeManifest } from "./internal/zarr-manifest.js";
import type { Attrs, AttrValue, DType, Variable, VariableData } from "./types.js";

/** An in-memory zarr store: keys like `posterior/mu/.zarray` or `posterior/mu/c/0/0` → bytes. */
export type ZarrStore = Map<string, Uint8Array>;

/** Options of {@link toZarr}. */
export interface ZarrWriteOptions {
  /**
   * Compression level 0–9 for chunks (default 4): zlib for zarr v2, gzip for zarr v3 (both carry a checksum);
   * 0 writes uncompressed chunks.
   */
  readonly compression?: number;
  /** The zarr format, 2 (default; what ArviZ 0.23's `az.from_zarr` reads with zarr 2) or 3 (xarray's default). */
  readonly zarrFormat?: 2 | 3;
}

const ZARR2_DTYPE: Record<Exclude<DType, "string">, string> = {
  float64: "<f8",
  float32: "<f4",
  int64: "<i8",
  int32: "<i4",
  int16: "<i2",
  int8: "|i1",
  uint64: "<u8",
  uint32: "<u4",
  uint16: "<u2",
  uint8: "|u1",
  bool: "|b1",
};

const enc = new TextEncoder();
const json = (x: unknown): Uint8Array => enc.encode(JSON.stringify(x, null, 2));

function jsonAttrs(a: Attrs): Record<string, AttrValue> {
  const out: Record<string, AttrValue> = {};
  for (const [k, v] of Object.entries(a))
    out[k] = typeof v === "number" && !Number.isFinite(v) ? String(v) : v;
  return out;
}

/** One chunk's elements as bytes: a C-order run of the flat array, padded to the full chunk. */
interface Layout {
  chunks: number[];
  /** Per chunk: its grid index and its [start, n) run in the flat array. */
  plan: { index: number[]; start: number; n: number }[];
  /** Elements per (full) chunk. */
  full: number;
}

function layout(shape: readonly number[], item: number): Layout {
  if (shape.length === 0) return { chunks: [], plan: [{ index: [], start: 0, n: 1 }], full: 1 };
  if (shape.includes(0)) return { chunks: shape.map((s) => Math.max(1, s)), plan: [], full: 0 };
  const plan0 = blocks(shape, item, CHUNK_BYTES);
  const first = plan0[0];
  // blocks() cuts at one axis: axes before it have extent 1, axes after it are whole; the cut axis takes
  // `first.count[axis]` rows per chunk.
  const chunks = first.count.map((c) => Math.max(1, c));
  const full = chunks.reduce((a, b) => a * b, 1);
  const plan = plan0.map((b) => ({
    index: b.offset.map((o, i) => Math.floor(o / chunks[i])),
    start: b.start,
    n: b.n,
  }));
  return { chunks, plan, full };
}

function numericChunk(v: Variable, start: number, n: number, full: number): Uint8Array {
  const item = ITEM_BYTES[v.dtype as Exclude<DType, "string">];
  const d = v.data as Exclude<VariableData, string[]>;
  const src = new Uint8Array(d.buffer, d.byteOffset + start * item, n * item);
  if (n === full) return src;
  const out = new Uint8Array(full * item);
  out.set(src);
  if (v.dtype === "float64") new Float64Array(out.buffer, n * 8).fill(Number.NaN);
  if (v.dtype === "float32") new Float32Array(out.buffer, n * 4).fill(Number.NaN);
  return out;
}

/** Fixed-width UTF-32LE cells (`<U{width}`), zero-padded. */
function utf32Chunk(s: readonly string[], start: number, n: number, full: number, width: number): Uint8Array {
  const out = new Uint32Array(full * width);
  for (let i = 0; i < n; i++) {
    let k = 0;
    for (const c of s[start + i]) out[i * width + k++] = c.codePointAt(0) as number;
  }
  return new Uint8Array(out.buffer);
}

/** numcodecs' / zarr v3's vlen-utf8 layout: uint32 count, then per item uint32 byte length and UTF-8 bytes. */
function vlenChunk(s: readonly string[], start: number, n: number, full: number): Uint8Array {
  const parts = Array.from({ length: full }, (_, i) => enc.encode(i < n ? s[start + i] : ""));
  const out = new Uint8Array(4 + parts.reduce((a, p) => a + 4 + p.length, 0));
  const dv = new DataView(out.buffer);
  dv.setUint32(0, full, true);
  let at = 4;
  for (const p of parts) {
    dv.setUint32(at, p.length, true);
    out.set(p, at + 4);
    at += 4 + p.length;
  }
  return out;
}

function fillValue(dtype: DType, format: 2 | 3): unknown {
  if (dtype === "float64" || dtype === "float32") return "NaN";
  if (format === 2) return null;
  if (dtype === "bool") return false;
  if (dtype === "string") return "";
  return 0;
}

/**
 * Writes InferenceData as a zarr store that xarray and ArviZ read: zarr v2 (default; `.zgroup`, `.zattrs`,
 * `.zarray` with `_ARRAY_DIMENSIONS`, zlib chunks, consolidated `.zmetadata`) or zarr v3 (`zarr.json` per node,
 * `dimension_names`, `bytes` + `gzip` codecs, chunk keys `c/0/0`). Arrays are cut into chunks of about 1 MiB
 * along their leading axes. Names are encoded, never paths (`"a/b"` is stored as `a%2Fb`, see the README), and
 * a checksum manifest (`.phlox-checksums`, ignored by other zarr readers) lets {@link fromZarr} verify every key.
 * Returns an in-memory store (browsers); {@link writeZarr} writes it as a directory in Node, atomically.
 * @param idata - the InferenceData.
 * @param options - compression level and zarr format.
 * @returns the store, a Map from key to bytes.
 * @throws {ArvizIoError} `invalid-argument` for a bad option; `invalid-group` for a variable and a coordinate
 * with one name.
 * @example
 * toZarr(fromArrays({ posterior: { mu: [[1, 2]] } })).has("posterior/mu/0.0"); // → true
 */
export function toZarr(idata: InferenceData, options: ZarrWriteOptions = {}): ZarrStore {
  const level = options.compression ?? 4;
  if (!Number.isInteger(level) || level < 0 || level > 9) {
    throw new ArvizIoError("invalid-argument", `toZarr: compression must be an integer 0–9, got ${level}.`);
  }
  const format = options.zarrFormat ?? 2;
  if (format !== 2 && format !== 3) {
    throw new ArvizIoError("invalid-argument", `toZarr: zarrFormat must be 2 or 3, got ${String(format)}.`);
  }
  const store: ZarrStore = new Map();
  const meta: Record<string, unknown> = {};
  const put = (key: string, value: unknown): void => {
    meta[key] = value;
    store.set(key, json(value));
  };
  if (format === 2) {
    put(".zgroup", { zarr_format: 2 });
    put(".zattrs", jsonAttrs(idata.attrs));
  } else {
    put("zarr.json", { zarr_format: 3, node_type: "group", attributes: jsonAttrs(idata.attrs) });
  }
  for (const group of idata.groupNames()) {
    const ds = idata.get(group);
    const g = encodeName(group, "toZarr");
    if (format === 2) {
      put(`${g}/.zgroup`, { zarr_format: 2 });
      put(`${g}/.zattrs`, jsonAttrs(ds.attrs));
    } else {
      put(`${g}/zarr.json`, { zarr_format: 3, node_type: "group", attributes: jsonAttrs(ds.attrs) });
    }
    const arrays: [string, Variable][] = [...Object.entries(ds.coords), ...Object.entries(ds.variables)];
    for (const [name, v] of arrays) {
      if (name in ds.coords && ds.variables[name]) {
        throw new ArvizIoError(
          "invalid-group",
          `toZarr: group "${group}" has a variable and a coordinate named "${name}".`,
        );
      }
      const where = `toZarr: "${group}/${name}"`;
      const path = `${g}/${encodeName(name, where)}`;
      const dims = v.dims.map((d) => encodeName(d, where));
      writeArray(store, put, path, v, dims, level, format);
    }
  }
  if (format === 2) store.set(".zmetadata", json({ metadata: meta, zarr_consolidated_format: 1 }));
  store.set(MANIFEST_KEY, makeManifest(store));
  return store;
}

function writeArray(
  store: ZarrStore,
  put: (key: string, value: unknown) => void,
  path: string,
  v: Variable,
  dims: string[],
  level: number,
  format: 2 | 3,
): void {
  const isString = v.dtype === "string";
  const strings = v.data as string[];
  const width = isString ? Math.max(1, ...strings.map((s) => [...s].length)) : 0;
  const item = isString ? (format === 2 ? 4 * width : 16) : ITEM_BYTES[v.dtype as Exclude<DType, "string">];
  const { chunks, plan, full } = layout(v.shape, item);
  const n = v.shape.reduce((a, b) => a * b, 1);
  const chunkShape = v.shape.length === 0 ? [] : chunks;
  if (format === 2) {
    put(`${path}/.zarray`, {
      chunks: v.shape.length === 0 ? [] : chunkShape.map((c, i) => Math.max(1, Math.min(c, v.shape[i] || 1))),
      compressor: level > 0 ? { id: "zlib", level } : null,
      dtype: isString ? `<U${width}` : ZARR2_DTYPE[v.dtype as Exclude<DType, "string">],
      fill_value: fillValue(v.dtype, 2),
      filters: null,
      order: "C",
      shape: [...v.shape],
      zarr_format: 2,
    });
    put(`${path}/.zattrs`, { _ARRAY_DIMENSIONS: dims, ...jsonAttrs(v.attrs) });
  } else {
    const codecs: unknown[] = [
      isString ? { name: "vlen-utf8" } : { name: "bytes", configuration: { endian: "little" } },
    ];
    if (level > 0) codecs.push({ name: "gzip", configuration: { level } });
    else codecs.push({ name: "crc32c" });
    put(`${path}/zarr.json`, {
      zarr_format: 3,
      node_type: "array",
      shape: [...v.shape],
      data_type: isString ? "string" : v.dtype,
      chunk_grid: {
        name: "regular",
        configuration: {
          chunk_shape: chunkShape.map((c, i) => Math.max(1, Math.min(c, v.shape[i] || 1))),
        },
      },
      chunk_key_encoding: { name: "default", configuration: { separator: "/" } },
      fill_value: fillValue(v.dtype, 3),
      codecs,
      attributes: jsonAttrs(v.attrs),
      dimension_names: dims,
    });
  }
  if (n === 0) return;
  for (const c of plan) {
    let bytes: Uint8Array;
    if (!isString) bytes = numericChunk(v, c.start, c.n, full);
    else if (format === 2) bytes = utf32Chunk(strings, c.start, c.n, full, width);
    else bytes = vlenChunk(strings, c.start, c.n, full);
    let out: Uint8Array;
    if (format === 2) out = level > 0 ? zlib(bytes, level) : bytes.slice();
    else out = level > 0 ? gzip(bytes, level) : withCrc32c(bytes);
    const key =
      format === 2
        ? v.shape.length === 0
          ? "0"
          : c.index.join(".")
        : v.shape.length === 0
          ? "c"
          : `c/${c.index.join("/")}`;
    store.set(`${path}/${key}`, out);
  }
}
