import { gunzipSync, inflateSync, unzlibSync, zlibSync } from "fflate";
import { ArvizIoError } from "./errors.js";
import { InferenceData } from "./inference-data.js";
import { allocate, sizeOf } from "./internal/arrays.js";
import type { Attrs, AttrValue, Dataset, DType, Variable, VariableData } from "./types.js";

/** An in-memory zarr store: keys like `posterior/mu/.zarray` or `posterior/mu/0.0` → bytes. */
export type ZarrStore = Map<string, Uint8Array>;

/** Options of {@link toZarr}. */
export interface ZarrWriteOptions {
  /** zlib level 0–9 for chunks (default 4); 0 writes uncompressed chunks (`compressor: null`). */
  readonly compression?: number;
}

const ZARR_DTYPE: Record<Exclude<DType, "string">, string> = {
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
const dec = new TextDecoder("utf-8", { fatal: false });
const json = (x: unknown): Uint8Array => enc.encode(JSON.stringify(x, null, 2));

function jsonAttrs(a: Attrs): Record<string, AttrValue> {
  const out: Record<string, AttrValue> = {};
  for (const [k, v] of Object.entries(a))
    out[k] = typeof v === "number" && !Number.isFinite(v) ? String(v) : v;
  return out;
}

/** Row-major bytes of a variable in its zarr dtype (strings as fixed-width UTF-32LE `<U{n}`). */
function encodeChunk(v: Variable): { bytes: Uint8Array; dtype: string } {
  if (v.dtype === "string") {
    const s = v.data as string[];
    const cps = s.map((x) => Array.from(x, (c) => c.codePointAt(0)!));
    const width = Math.max(1, ...cps.map((c) => c.length));
    const out = new Uint32Array(s.length * width);
    cps.forEach((c, i) => {
      out.set(c, i * width);
    });
    return { bytes: new Uint8Array(out.buffer), dtype: `<U${width}` };
  }
  const d = v.data as Exclude<VariableData, string[]>;
  return { bytes: new Uint8Array(d.buffer, d.byteOffset, d.byteLength), dtype: ZARR_DTYPE[v.dtype] };
}

/**
 * Writes InferenceData as a zarr v2 store that `az.from_zarr` / `xarray.open_zarr` read: `.zgroup` and
 * `.zattrs` per group, per array `.zarray` (one chunk, zlib compressor, `fill_value` `"NaN"` for floats)
 * and `.zattrs` with `_ARRAY_DIMENSIONS`, and a consolidated `.zmetadata` at the root. Bools are `|b1`,
 * string coordinates fixed-width `<U{n}`. Returns an in-memory store (browsers); {@link writeZarr} writes
 * it as a directory in Node.
 * @param idata - the InferenceData.
 * @param options - zlib level.
 * @returns the store, a Map from key to bytes.
 * @example
 * toZarr(fromArrays({ posterior: { mu: [[1, 2]] } })).has("posterior/mu/0.0"); // → true
 */
export function toZarr(idata: InferenceData, options: ZarrWriteOptions = {}): ZarrStore {
  const level = options.compression ?? 4;
  if (!Number.isInteger(level) || level < 0 || level > 9) {
    throw new ArvizIoError("invalid-argument", `toZarr: compression must be an integer 0–9, got ${level}.`);
  }
  const store: ZarrStore = new Map();
  const meta: Record<string, unknown> = {};
  const put = (key: string, value: unknown): void => {
    meta[key] = value;
    store.set(key, json(value));
  };
  put(".zgroup", { zarr_format: 2 });
  put(".zattrs", jsonAttrs(idata.attrs));
  for (const group of idata.groupNames()) {
    const ds = idata.get(group);
    put(`${group}/.zgroup`, { zarr_format: 2 });
    put(`${group}/.zattrs`, jsonAttrs(ds.attrs));
    const arrays: [string, Variable][] = [...Object.entries(ds.coords), ...Object.entries(ds.variables)];
    for (const [name, v] of arrays) {
      if (name in ds.coords && ds.variables[name]) {
        throw new ArvizIoError(
          "invalid-group",
          `toZarr: group "${group}" has a variable and a coordinate named "${name}".`,
        );
      }
      const { bytes, dtype } = encodeChunk(v);
      const isFloat = v.dtype === "float64" || v.dtype === "float32";
      put(`${group}/${name}/.zarray`, {
        chunks: v.shape.map((s) => Math.max(1, s)),
        compressor: level > 0 ? { id: "zlib", level } : null,
        dtype,
        fill_value: isFloat ? "NaN" : null,
        filters: null,
        order: "C",
        shape: [...v.shape],
        zarr_format: 2,
      });
      put(`${group}/${name}/.zattrs`, { _ARRAY_DIMENSIONS: [...v.dims], ...jsonAttrs(v.attrs) });
      if (sizeOf(v.shape) === 0) continue;
      const key = v.shape.length === 0 ? "0" : v.shape.map(() => "0").join(".");
      store.set(
        `${group}/${name}/${key}`,
        level > 0 ? zlibSync(bytes, { level: level as 1 }) : bytes.slice(),
      );
    }
  }
  store.set(".zmetadata", json({ metadata: meta, zarr_consolidated_format: 1 }));
  return store;
}

// ---------------------------------------------------------------------------------------------- reading

interface ZArray {
  shape: number[];
  chunks: number[];
  dtype: string;
  compressor: { id: string } | null;
  filters: { id: string }[] | null;
  fill_value: unknown;
  order: string;
  dimension_separator?: string;
}

const MAX_ELEMENTS = 2 ** 27;
const MAX_CHUNKS = 2 ** 20;

function bad(code: string, msg: string): never {
  throw new ArvizIoError(code, msg);
}

function parseMeta(bytes: Uint8Array | undefined, where: string): Record<string, unknown> | undefined {
  if (bytes === undefined) return undefined;
  try {
    const v: unknown = JSON.parse(dec.decode(bytes).replace(/(?<!")\b(NaN|-?Infinity)\b(?!")/g, '"$1"'));
    if (v === null || typeof v !== "object" || Array.isArray(v))
      bad("invalid-zarr", `fromZarr: ${where} is not a JSON object.`);
    return v as Record<string, unknown>;
  } catch (e) {
    if (e instanceof ArvizIoError) throw e;
    return bad("invalid-zarr", `fromZarr: ${where} is not valid JSON (${(e as Error).message}).`);
  }
}

function checkZArray(m: Record<string, unknown>, where: string): ZArray {
  const ints = (x: unknown, min: number): x is number[] =>
    Array.isArray(x) && x.length <= 32 && x.every((e) => Number.isInteger(e) && e >= min);
  if (!ints(m.shape, 0)) bad("invalid-zarr", `fromZarr: ${where} has a bad "shape".`);
  if (!ints(m.chunks, 1) || (m.chunks as number[]).length !== (m.shape as number[]).length) {
    bad("invalid-zarr", `fromZarr: ${where} has bad "chunks" for its shape.`);
  }
  if (typeof m.dtype !== "string")
    bad("unsupported", `fromZarr: ${where} has a structured dtype; only plain dtypes are read.`);
  if (m.order !== undefined && m.order !== "C")
    bad("unsupported", `fromZarr: ${where} uses order "${String(m.order)}"; only C order is read.`);
  if (sizeOf(m.shape as number[]) > MAX_ELEMENTS)
    bad("invalid-zarr", `fromZarr: ${where} is larger than ${MAX_ELEMENTS} elements.`);
  return m as unknown as ZArray;
}

function dtypeFromZarr(z: string, where: string): { dtype: DType; bytes: number; kind: string } {
  const m = /^([<>|])([biufUSO])(\d*)$/.exec(z);
  if (!m) return bad("unsupported", `fromZarr: ${where} has dtype "${z}", which is not supported.`);
  const [, order, kind, sizeText] = m;
  const size = Number(sizeText || "0");
  if (order === ">" && size > 1)
    bad("unsupported", `fromZarr: ${where} is big-endian ("${z}"); only little-endian is read.`);
  const table: Record<string, DType> = {
    b1: "bool",
    i1: "int8",
    i2: "int16",
    i4: "int32",
    i8: "int64",
    u1: "uint8",
    u2: "uint16",
    u4: "uint32",
    u8: "uint64",
    f4: "float32",
    f8: "float64",
  };
  if (kind === "U") return { dtype: "string", bytes: size * 4, kind };
  if (kind === "S") return { dtype: "string", bytes: size, kind };
  if (kind === "O") return { dtype: "string", bytes: 0, kind };
  const dtype = table[`${kind}${size}`];
  if (!dtype) return bad("unsupported", `fromZarr: ${where} has dtype "${z}", which is not supported.`);
  return { dtype, bytes: size, kind };
}

function decompress(raw: Uint8Array, z: ZArray, expected: number, where: string): Uint8Array {
  const id = z.compressor?.id;
  try {
    if (!id) return raw;
    const out = expected > 0 ? { out: new Uint8Array(expected) } : undefined;
    if (id === "zlib") return unzlibSync(raw, out);
    if (id === "gzip") return gunzipSync(raw, out);
    if (id === "deflate") return inflateSync(raw, out);
  } catch (e) {
    bad("corrupt", `fromZarr: ${where}: chunk does not decompress (${(e as Error).message}).`);
  }
  return bad(
    "unsupported",
    `fromZarr: ${where} uses compressor "${id}"; Phlox reads zlib, gzip or none. In Python, re-save with ` +
      'encoding {var: {"compressor": numcodecs.Zlib(4)}} (ArviZ\'s default is blosc).',
  );
}

/** Decodes numcodecs' VLenUTF8 chunk: int32 count, then per item int32 length + UTF-8 bytes. */
function vlenUtf8(b: Uint8Array, n: number, where: string): string[] {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (b.length < 4 || view.getInt32(0, true) !== n)
    bad("corrupt", `fromZarr: ${where}: bad VLenUTF8 chunk header.`);
  const out: string[] = [];
  let at = 4;
  for (let i = 0; i < n; i++) {
    if (at + 4 > b.length) bad("corrupt", `fromZarr: ${where}: truncated VLenUTF8 chunk.`);
    const len = view.getInt32(at, true);
    at += 4;
    if (len < 0 || at + len > b.length) bad("corrupt", `fromZarr: ${where}: truncated VLenUTF8 chunk.`);
    out.push(dec.decode(b.subarray(at, at + len)));
    at += len;
  }
  return out;
}

function decodeChunk(
  b: Uint8Array,
  t: { dtype: DType; bytes: number; kind: string },
  n: number,
  where: string,
): VariableData {
  if (t.kind === "O") return vlenUtf8(b, n, where);
  if (b.length !== n * t.bytes) {
    bad("corrupt", `fromZarr: ${where}: chunk has ${b.length} bytes, expected ${n * t.bytes}.`);
  }
  if (t.kind === "U" || t.kind === "S") {
    const out: string[] = [];
    for (let i = 0; i < n; i++) {
      const cell = b.subarray(i * t.bytes, (i + 1) * t.bytes);
      let s: string;
      if (t.kind === "U") {
        const cps: number[] = [];
        const dv = new DataView(cell.buffer, cell.byteOffset, cell.byteLength);
        for (let k = 0; k < cell.length; k += 4) {
          const cp = dv.getUint32(k, true);
          if (cp === 0) break;
          if (cp > 0x10ffff) bad("corrupt", `fromZarr: ${where}: invalid code point.`);
          cps.push(cp);
        }
        s = String.fromCodePoint(...cps);
      } else {
        const end = cell.indexOf(0);
        s = dec.decode(end < 0 ? cell : cell.subarray(0, end));
      }
      out.push(s);
    }
    return out;
  }
  const copy = b.slice();
  const out = allocate(t.dtype, n) as Exclude<VariableData, string[]>;
  const Ctor = out.constructor as new (buf: ArrayBuffer, off: number, len: number) => typeof out;
  const view = new Ctor(copy.buffer, 0, n);
  if (t.dtype === "bool") for (let i = 0; i < n; i++) (out as Uint8Array)[i] = view[i] ? 1 : 0;
  else (out as Float64Array).set(view as Float64Array);
  return out;
}

function fillValue(z: ZArray, dtype: DType): number | bigint | string {
  if (dtype === "string") return "";
  const f = z.fill_value;
  const x =
    f === "NaN"
      ? Number.NaN
      : f === "Infinity"
        ? Infinity
        : f === "-Infinity"
          ? -Infinity
          : typeof f === "number"
            ? f
            : typeof f === "boolean"
              ? Number(f)
              : 0;
  if (dtype === "int64" || dtype === "uint64") return Number.isInteger(x) ? BigInt(x) : 0n;
  return x;
}

function readArray(store: ZarrStore, path: string, z: ZArray): { data: VariableData; dtype: DType } {
  const t = dtypeFromZarr(z.dtype, path);
  if (z.filters && z.filters.length > 0) {
    const ok = t.kind === "O" && z.filters.length === 1 && z.filters[0].id === "vlen-utf8";
    if (!ok)
      bad(
        "unsupported",
        `fromZarr: ${path} uses filters [${z.filters.map((f) => f.id).join(", ")}], which are not supported.`,
      );
  } else if (t.kind === "O")
    bad("unsupported", `fromZarr: ${path} is an object array without the vlen-utf8 filter.`);
  const shape = z.shape;
  const n = sizeOf(shape);
  const out = allocate(t.dtype, n);
  const fv = fillValue(z, t.dtype);
  if (n > 0) (out as { fill(v: unknown): void }).fill(fv);
  if (n === 0) return { data: out, dtype: t.dtype };
  const rank = shape.length;
  const grid = shape.map((s, i) => Math.ceil(s / z.chunks[i]));
  const sep = z.dimension_separator ?? ".";
  const chunkN = sizeOf(z.chunks);
  const idx = new Array<number>(rank).fill(0);
  const numChunks = sizeOf(grid);
  if (numChunks > MAX_CHUNKS)
    bad("invalid-zarr", `fromZarr: ${path} has ${numChunks} chunks (limit ${MAX_CHUNKS}).`);
  for (let c = 0; c < numChunks; c++) {
    const key = rank === 0 ? "0" : idx.join(sep);
    const raw = store.get(`${path}/${key}`);
    if (raw) {
      const where = `${path}/${key}`;
      const chunk = decodeChunk(
        decompress(raw, z, t.kind === "O" ? 0 : chunkN * t.bytes, where),
        t,
        chunkN,
        where,
      );
      copyChunk(chunk, out, shape, z.chunks, idx);
    }
    for (let a = rank - 1; a >= 0; a--) {
      idx[a]++;
      if (idx[a] < grid[a]) break;
      idx[a] = 0;
    }
  }
  return { data: out, dtype: t.dtype };
}

/** Copies one C-order chunk (edge chunks are padded to full chunk size) into the full array. */
function copyChunk(
  chunk: VariableData,
  out: VariableData,
  shape: number[],
  chunks: number[],
  idx: number[],
): void {
  const rank = shape.length;
  if (rank === 0) {
    (out as unknown[])[0] = (chunk as unknown[])[0];
    return;
  }
  const start = idx.map((k, a) => k * chunks[a]);
  const extent = start.map((s, a) => Math.min(chunks[a], shape[a] - s));
  const pos = new Array<number>(rank).fill(0);
  const total = sizeOf(extent);
  const o = out as unknown[];
  const ch = chunk as unknown[];
  for (let e = 0; e < total; e++) {
    let src = 0;
    let dst = 0;
    for (let a = 0; a < rank; a++) {
      src = src * chunks[a] + pos[a];
      dst = dst * shape[a] + start[a] + pos[a];
    }
    o[dst] = ch[src];
    for (let a = rank - 1; a >= 0; a--) {
      pos[a]++;
      if (pos[a] < extent[a]) break;
      pos[a] = 0;
    }
  }
}

function attrsFrom(m: Record<string, unknown> | undefined): Record<string, AttrValue> {
  const out: Record<string, AttrValue> = {};
  if (!m) return out;
  for (const [k, v] of Object.entries(m)) {
    if (k === "_ARRAY_DIMENSIONS" || k === "dtype" || k === "_FillValue" || k === "coordinates") continue;
    if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") out[k] = v;
    else if (Array.isArray(v) && v.every((e) => typeof e === "string")) out[k] = v as string[];
    else if (Array.isArray(v) && v.every((e) => typeof e === "number")) out[k] = v as number[];
  }
  return out;
}

/**
 * Reads a zarr v2 store (from {@link toZarr}, or Python's `az.to_zarr` / `xarray` with a zlib, gzip or no
 * compressor) into InferenceData. Uses the consolidated `.zmetadata` when present, else the per-node JSON.
 * Dimension names come from `_ARRAY_DIMENSIONS`; an int8 array with attribute `dtype: "bool"` becomes bool.
 * @param store - the in-memory store ({@link readZarr} reads a directory in Node).
 * @returns the InferenceData.
 * @throws {ArvizIoError} `invalid-zarr`, `corrupt` (bad chunk), `unsupported` (blosc, big-endian, F order).
 * @example
 * fromZarr(toZarr(fromArrays({ posterior: { mu: [[1, 2]] } }))).groupNames(); // → ["posterior"]
 */
export function fromZarr(store: ZarrStore): InferenceData {
  if (!(store instanceof Map)) bad("invalid-argument", "fromZarr: expected a Map<string, Uint8Array> store.");
  try {
    return decodeStore(store);
  } catch (e) {
    if (e instanceof ArvizIoError) throw e;
    // Out-of-memory for absurd shapes, or anything else a damaged store provokes: still a clear error.
    throw new ArvizIoError("corrupt", `fromZarr: the store could not be decoded (${(e as Error).message}).`, {
      cause: e,
    });
  }
}

function decodeStore(store: ZarrStore): InferenceData {
  let meta: Record<string, unknown>;
  const consolidated = parseMeta(store.get(".zmetadata"), ".zmetadata");
  if (consolidated) {
    const m = consolidated.metadata;
    if (m === null || typeof m !== "object" || Array.isArray(m))
      bad("invalid-zarr", 'fromZarr: .zmetadata has no "metadata" object.');
    meta = m as Record<string, unknown>;
  } else {
    meta = {};
    for (const key of store.keys()) {
      if (/(^|\/)\.z(group|array|attrs)$/.test(key)) meta[key] = parseMeta(store.get(key), key);
    }
  }
  if (!meta[".zgroup"]) bad("invalid-zarr", "fromZarr: no root .zgroup; this is not a zarr v2 group store.");
  const obj = (key: string): Record<string, unknown> | undefined => {
    const v = meta[key];
    return v !== null && typeof v === "object" && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined;
  };
  const groups: Record<string, Dataset> = {};
  const groupNames = Object.keys(meta)
    .map((k) => /^([^/]+)\/\.zgroup$/.exec(k)?.[1])
    .filter((g): g is string => g !== undefined);
  for (const group of groupNames) {
    const variables: Record<string, Variable> = {};
    const coords: Record<string, Variable> = {};
    const arrays = Object.keys(meta)
      .map(
        (k) => new RegExp(`^${group.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/([^/]+)/\\.zarray$`).exec(k)?.[1],
      )
      .filter((a): a is string => a !== undefined);
    for (const name of arrays) {
      const path = `${group}/${name}`;
      const z = checkZArray(
        obj(`${path}/.zarray`) ?? bad("invalid-zarr", `fromZarr: ${path}/.zarray is not an object.`),
        path,
      );
      const attrs = obj(`${path}/.zattrs`);
      const dimsRaw = attrs?._ARRAY_DIMENSIONS;
      const dims =
        Array.isArray(dimsRaw) &&
        dimsRaw.length === z.shape.length &&
        dimsRaw.every((d) => typeof d === "string")
          ? (dimsRaw as string[])
          : z.shape.map((_, i) => `${name}_dim_${i}`);
      let { data, dtype } = readArray(store, path, z);
      if (attrs?.dtype === "bool" && dtype !== "string" && dtype !== "bool") {
        const b = new Uint8Array(data.length);
        const d = data as ArrayLike<number | bigint>;
        for (let i = 0; i < b.length; i++) b[i] = Number(d[i]) ? 1 : 0;
        data = b;
        dtype = "bool";
      }
      const v: Variable = { dims, shape: z.shape, dtype, data, attrs: attrsFrom(attrs) };
      if (dims.length === 1 && dims[0] === name) coords[name] = v;
      else variables[name] = v;
    }
    for (const v of Object.values(variables)) {
      v.dims.forEach((dim, i) => {
        if (!coords[dim]) {
          const data = new BigInt64Array(v.shape[i]);
          for (let k = 0; k < data.length; k++) data[k] = BigInt(k);
          coords[dim] = { dims: [dim], shape: [v.shape[i]], dtype: "int64", data, attrs: {} };
        }
      });
    }
    groups[group] = { variables, coords, attrs: attrsFrom(obj(`${group}/.zattrs`)) };
  }
  return new InferenceData(groups, attrsFrom(obj(".zattrs")));
}
