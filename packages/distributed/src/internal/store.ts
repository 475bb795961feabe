/** Typed arrays in Redis hashes: one field per array (little-endian bytes) plus a JSON "meta" field. */
import type { Redis } from "ioredis";

/** The element types an array may have in transit. */
export type StoredDtype = "float64" | "float32" | "int32" | "uint8";

/** A row-major typed array with its shape. */
export interface StoredArray {
  data: Float64Array | Float32Array | Int32Array | Uint8Array;
  shape: number[];
}

const CTORS = {
  float64: Float64Array,
  float32: Float32Array,
  int32: Int32Array,
  uint8: Uint8Array,
} as const;

/** The dtype name of a typed array, or undefined for unsupported ones. */
export function dtypeOf(a: unknown): StoredDtype | undefined {
  if (a instanceof Float64Array) return "float64";
  if (a instanceof Float32Array) return "float32";
  if (a instanceof Int32Array) return "int32";
  if (a instanceof Uint8Array) return "uint8";
  return undefined;
}

interface Meta {
  names: string[];
  shapes: number[][];
  dtypes: StoredDtype[];
  extra?: unknown;
}

/** Writes named arrays (and an optional JSON-able `extra`) into the hash `key`, replacing it, with a TTL. */
export async function writeArrays(
  redis: Redis,
  key: string,
  arrays: Record<string, StoredArray>,
  ttlSeconds: number,
  extra?: unknown,
): Promise<void> {
  const names = Object.keys(arrays);
  const meta: Meta = {
    names,
    shapes: names.map((n) => [...arrays[n].shape]),
    dtypes: names.map((n) => dtypeOf(arrays[n].data) ?? "float64"),
    extra,
  };
  const fields: (string | Buffer)[] = ["meta", JSON.stringify(meta)];
  for (const n of names) {
    const d = arrays[n].data;
    fields.push(`a:${n}`, Buffer.from(d.buffer, d.byteOffset, d.byteLength));
  }
  await redis
    .multi()
    .del(key)
    .hset(key, ...fields)
    .expire(key, ttlSeconds)
    .exec();
}

/** Reads what {@link writeArrays} wrote; `undefined` when the key does not exist. */
export async function readArrays(
  redis: Redis,
  key: string,
): Promise<{ arrays: Record<string, StoredArray>; extra: unknown } | undefined> {
  const h = await redis.hgetallBuffer(key);
  const metaBuf = h.meta;
  if (!metaBuf) return undefined;
  const meta = JSON.parse(metaBuf.toString("utf8")) as Meta;
  const arrays: Record<string, StoredArray> = {};
  meta.names.forEach((n, i) => {
    const b = h[`a:${n}`] ?? Buffer.alloc(0);
    const copy = new Uint8Array(b.byteLength);
    copy.set(b);
    arrays[n] = { data: new CTORS[meta.dtypes[i]](copy.buffer), shape: meta.shapes[i] };
  });
  return { arrays, extra: meta.extra };
}
