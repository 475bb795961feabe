/**
 * zlib compression for the HDF5 writer in Node: `node:zlib`'s asynchronous `deflate`, which runs on libuv's
 * thread pool, so the chunks of a file compress on several cores while the main thread shuffles the next ones.
 * Node-only: the package's `#deflate` import names this file under the `node` condition only.
 */
import { constants, deflate } from "node:zlib";

/**
 * zlib stream (RFC 1950) of `data` at `level`, as HDF5's deflate filter stores a chunk.
 * @param data - the bytes.
 * @param level - 1–9.
 * @param strategy - zlib's default strategy or `Z_RLE`.
 * @returns the compressed bytes.
 */
export function zlibDeflate(
  data: Uint8Array,
  level: number,
  strategy: "default" | "rle",
): Promise<Uint8Array> {
  const z = strategy === "rle" ? constants.Z_RLE : constants.Z_DEFAULT_STRATEGY;
  return new Promise((resolve, reject) => {
    deflate(data, { level, strategy: z }, (err, out) => {
      if (err) reject(err);
      else resolve(new Uint8Array(out.buffer, out.byteOffset, out.byteLength));
    });
  });
}

/** Chunks compressed at once: enough to keep the thread pool busy, few enough to bound memory. */
export const DEFLATE_PARALLEL = 8;
