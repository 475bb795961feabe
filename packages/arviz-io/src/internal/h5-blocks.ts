import { ArvizIoError } from "../errors.js";
import type { H5 } from "./h5.js";

/** Writes or reads a hyperslab of a dataset between the file and the WebAssembly heap at `ptr`. */
type HyperslabIO = (
  fileId: bigint,
  path: string,
  count: bigint[] | null,
  offset: bigint[] | null,
  stride: bigint[] | null,
  ptr: bigint,
) => number;

/**
 * The raw h5wasm module functions Phlox calls directly, because h5wasm's high-level wrappers drop the HDF5
 * status they return (a failed `H5Dread` then hands back an uninitialised buffer: issue 22's 512 MB file that
 * read as garbage) and copy whole datasets into the 2 GiB WebAssembly heap.
 */
interface H5Module {
  HEAPU8: Uint8Array;
  _malloc(n: number): number;
  _free(ptr: number): void;
  create_dataset(fileId: bigint, path: string, ptr: bigint, meta: object): number;
  resize_dataset(fileId: bigint, path: string, shape: bigint[]): number;
  set_dataset_data: HyperslabIO;
  get_dataset_data: HyperslabIO;
}

/** Bytes moved through the WebAssembly heap per HDF5 read or write call (a hyperslab of whole chunks). */
export const BLOCK_BYTES = 16 * 2 ** 20;
/** Target size of one HDF5 chunk that Phlox writes (readers' default chunk caches hold 1 MiB). */
export const CHUNK_BYTES = 2 ** 20;

function mod(h5: H5): H5Module {
  return h5.Module as unknown as H5Module;
}

/** One hyperslab: per-axis offset and count, and its place in the C-order flat array. */
export interface Block {
  readonly offset: number[];
  readonly count: number[];
  readonly start: number;
  readonly n: number;
}

/**
 * The axis at which a C-order array of `shape` is cut so that one slab over the trailing axes fits `bytes`,
 * and how many indices of that axis one slab takes.
 */
function cut(shape: readonly number[], item: number, bytes: number): { axis: number; rows: number } {
  let inner = item;
  let axis = shape.length - 1;
  // inner = bytes of one index of `axis` (the product of the axes after it).
  while (axis > 0 && inner * shape[axis] <= bytes) {
    inner *= shape[axis];
    axis--;
  }
  const rows = Math.max(1, Math.min(shape[axis], Math.floor(bytes / inner)));
  return { axis, rows };
}

/** Chunk shape for a dataset Phlox writes: whole trailing axes, about {@link CHUNK_BYTES} per chunk. */
export function chunkShape(shape: readonly number[], item: number, bytes = CHUNK_BYTES): number[] {
  const { axis, rows } = cut(shape, item, bytes);
  return shape.map((s, i) => (i < axis ? 1 : i === axis ? rows : s));
}

/**
 * Hyperslabs of at most about `bytes` that tile `shape` in C order, each contiguous in the flat array and, when
 * `chunks` is given, made of whole chunks along the cut axis.
 */
export function blocks(
  shape: readonly number[],
  item: number,
  bytes: number,
  chunks?: readonly number[],
): Block[] {
  const rank = shape.length;
  if (rank === 0) return [{ offset: [], count: [], start: 0, n: 1 }];
  const { axis, rows: raw } = cut(shape, item, bytes);
  let rows = raw;
  const c = chunks?.[axis];
  if (c && c > 0 && rows > c) rows = Math.floor(rows / c) * c;
  let inner = 1;
  for (let i = axis + 1; i < rank; i++) inner *= shape[i];
  const out: Block[] = [];
  const outer = shape.slice(0, axis);
  const idx = new Array<number>(axis).fill(0);
  let outerCount = 1;
  for (const s of outer) outerCount *= s;
  for (let o = 0; o < outerCount; o++) {
    let base = 0;
    for (let i = 0; i < axis; i++) base = base * shape[i] + idx[i];
    for (let r = 0; r < shape[axis]; r += rows) {
      const k = Math.min(rows, shape[axis] - r);
      out.push({
        offset: [...idx, r, ...shape.slice(axis + 1).map(() => 0)],
        count: [...idx.map(() => 1), k, ...shape.slice(axis + 1)],
        start: (base * shape[axis] + r) * inner,
        n: k * inner,
      });
    }
    for (let i = axis - 1; i >= 0; i--) {
      idx[i]++;
      if (idx[i] < shape[i]) break;
      idx[i] = 0;
    }
  }
  return out;
}

function big(xs: readonly number[]): bigint[] {
  return xs.map((x) => BigInt(x));
}

function malloc(m: H5Module, n: number, where: string): number {
  const ptr = m._malloc(Math.max(1, n));
  if (!ptr) {
    throw new ArvizIoError(
      "out-of-memory",
      `${where}: the WebAssembly heap (2 GiB) has no room for ${n} bytes; free memory or write smaller files.`,
    );
  }
  return ptr;
}

function check(status: number, code: string, where: string, what: string): void {
  if (typeof status !== "number" || status < 0) {
    throw new ArvizIoError(code, `${where}: HDF5 failed to ${what} (status ${String(status)}).`);
  }
}

/** What a numeric dataset is created with. */
export interface NumericDatasetSpec {
  /** Absolute HDF5 path of the new dataset. */
  readonly path: string;
  /** h5wasm dtype string (`<d`, `<q`, ...). */
  readonly h5dtype: string;
  readonly item: number;
  readonly shape: readonly number[];
  /** The data's bytes (little-endian, C order). */
  readonly bytes: Uint8Array;
  /** Deflate level; 0 = none. Ignored for scalars and empty arrays (stored contiguous). */
  readonly level: number;
}

/**
 * Creates a numeric dataset and writes its data through the WebAssembly heap one block at a time, checking the
 * status of every HDF5 call. Arrays with at least one element and one axis are chunked (about 1 MiB a chunk,
 * deflate when `level > 0`): created empty with the final shape as maximum, extended, then filled block by
 * block, so a variable may be larger than the 2 GiB heap.
 */
export function writeNumericDataset(h5: H5, fileId: bigint, spec: NumericDatasetSpec, where: string): void {
  const m = mod(h5);
  const { shape, item, bytes } = spec;
  let n = 1;
  for (const s of shape) n *= s;
  const meta = (h5.dtype_to_metadata as (d: string) => object)(spec.h5dtype);
  if (shape.length === 0 || n === 0) {
    const ptr = malloc(m, bytes.byteLength, where);
    try {
      m.HEAPU8.set(bytes, ptr);
      const status = m.create_dataset(fileId, spec.path, BigInt(ptr), {
        ...meta,
        shape: big(shape),
        maxshape: big(shape),
        chunks: null,
        compression: 0,
        compression_opts: [],
        track_order: false,
      });
      check(status, "write-failed", where, "create the dataset");
    } finally {
      m._free(ptr);
    }
    return;
  }
  const chunks = chunkShape(shape, item);
  const empty = [0, ...shape.slice(1)];
  const one = malloc(m, item, where);
  try {
    const status = m.create_dataset(fileId, spec.path, BigInt(one), {
      ...meta,
      shape: big(empty),
      maxshape: big(shape),
      chunks: big(chunks),
      compression: spec.level > 0 ? 1 : 0,
      compression_opts: spec.level > 0 ? [spec.level] : [],
      track_order: false,
    });
    check(status, "write-failed", where, "create the dataset");
  } finally {
    m._free(one);
  }
  check(m.resize_dataset(fileId, spec.path, big(shape)), "write-failed", where, "extend the dataset");
  const plan = blocks(shape, item, BLOCK_BYTES, chunks);
  const maxBytes = Math.max(...plan.map((b) => b.n * item));
  const ptr = malloc(m, maxBytes, where);
  try {
    for (const b of plan) {
      m.HEAPU8.set(bytes.subarray(b.start * item, (b.start + b.n) * item), ptr);
      const status = m.set_dataset_data(
        fileId,
        spec.path,
        big(b.count),
        big(b.offset),
        big(b.count.map(() => 1)),
        BigInt(ptr),
      );
      check(status, "write-failed", where, `write elements ${b.start}–${b.start + b.n - 1}`);
    }
  } finally {
    m._free(ptr);
  }
}

/**
 * Reads a numeric dataset's bytes (little-endian, C order, `item` bytes per element) one block at a time,
 * checking every HDF5 status: a failed read is an error, never a buffer of garbage.
 */
export function readNumericBytes(
  h5: H5,
  fileId: bigint,
  path: string,
  shape: readonly number[],
  item: number,
  chunks: readonly number[] | null | undefined,
  where: string,
): Uint8Array {
  const m = mod(h5);
  let n = 1;
  for (const s of shape) n *= s;
  const out = new Uint8Array(n * item);
  if (n === 0) return out;
  const plan = blocks(shape, item, BLOCK_BYTES, chunks ?? undefined);
  const maxBytes = Math.max(...plan.map((b) => b.n * item));
  const ptr = malloc(m, maxBytes, where);
  try {
    for (const b of plan) {
      const status =
        shape.length === 0
          ? m.get_dataset_data(fileId, path, null, null, null, BigInt(ptr))
          : m.get_dataset_data(
              fileId,
              path,
              big(b.count),
              big(b.offset),
              big(b.count.map(() => 1)),
              BigInt(ptr),
            );
      if (typeof status !== "number" || status < 0) {
        throw new ArvizIoError(
          "corrupt",
          `${where}: HDF5 could not read elements ${b.start}–${b.start + b.n - 1} (status ${String(status)}): ` +
            "the data is damaged, or one of its chunks is too large for the 2 GiB WebAssembly heap.",
        );
      }
      out.set(m.HEAPU8.subarray(ptr, ptr + b.n * item), b.start * item);
    }
  } finally {
    m._free(ptr);
  }
  return out;
}
