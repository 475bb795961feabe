/**
 * zlib compression for the HDF5 writer outside Node: the platform's `CompressionStream("deflate")` (a zlib
 * stream, RFC 1950, compressed natively off the main thread) where it exists, else fflate's synchronous zlib.
 * The level applies to the fflate path only; `CompressionStream` has no level.
 */
import { zlibSync } from "fflate";

async function viaStream(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([data as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new CompressionStream("deflate"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * zlib stream (RFC 1950) of `data`, as HDF5's deflate filter stores a chunk.
 * @param data - the bytes.
 * @param level - 1–9 (used by the fallback only).
 * @param _strategy - ignored: neither `CompressionStream` nor fflate choose a zlib strategy.
 * @returns the compressed bytes.
 */
export function zlibDeflate(
  data: Uint8Array,
  level: number,
  _strategy: "default" | "rle",
): Promise<Uint8Array> {
  if (typeof CompressionStream === "function") return viaStream(data);
  return Promise.resolve(zlibSync(data, { level: level as 1 }));
}

/** Chunks compressed at once. */
export const DEFLATE_PARALLEL = 4;
