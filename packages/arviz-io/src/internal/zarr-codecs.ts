import { gunzipSync, gzipSync, inflateSync, unzlibSync, zlibSync } from "fflate";
import { decompress as zstdDecompress } from "fzstd";
import { ArvizIoError } from "../errors.js";
import { adler32, crc32, crc32c } from "./checksum.js";

/**
 * zarr chunk codecs, verified: every checksum a codec carries is checked (zlib's Adler-32, gzip's CRC-32 and
 * length, the v3 `crc32c` codec), so a damaged chunk is an error, never silently different numbers (issue 22:
 * 410 of 441 bit flips in zlib chunks read as valid, because fflate does not check Adler-32).
 */

function corrupt(where: string, what: string): never {
  throw new ArvizIoError(
    "corrupt",
    `fromZarr: ${where}: ${what}. The store is damaged; re-copy or re-write it.`,
  );
}

const be32 = (b: Uint8Array, at: number): number =>
  ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
const le32 = (b: Uint8Array, at: number): number =>
  (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;

function inflate(fn: () => Uint8Array, where: string, codec: string): Uint8Array {
  try {
    return fn();
  } catch (e) {
    return corrupt(where, `the ${codec} chunk does not decompress (${(e as Error).message})`);
  }
}

/** zlib stream → bytes, checking the header and the Adler-32 trailer. */
export function unzlibChecked(raw: Uint8Array, where: string): Uint8Array {
  if (raw.length < 6 || (raw[0] & 0x0f) !== 8 || ((raw[0] << 8) | raw[1]) % 31 !== 0 || raw[1] & 0x20) {
    corrupt(where, "the zlib chunk has a bad header");
  }
  const out = inflate(() => unzlibSync(raw), where, "zlib");
  if (adler32(out) !== be32(raw, raw.length - 4))
    corrupt(where, "the zlib chunk fails its Adler-32 checksum");
  return out;
}

/** gzip member → bytes, checking the CRC-32 and length trailer (one member, as numcodecs and zarr write). */
export function gunzipChecked(raw: Uint8Array, where: string): Uint8Array {
  if (raw.length < 18 || raw[0] !== 0x1f || raw[1] !== 0x8b || raw[2] !== 8) {
    corrupt(where, "the gzip chunk has a bad header");
  }
  const out = inflate(() => gunzipSync(raw), where, "gzip");
  if (crc32(out) !== le32(raw, raw.length - 8) || out.length >>> 0 !== le32(raw, raw.length - 4)) {
    corrupt(where, "the gzip chunk fails its CRC-32 or length check");
  }
  return out;
}

/** Raw deflate (no checksum exists in the format): only decompression errors are detectable. */
export function inflateRaw(raw: Uint8Array, where: string): Uint8Array {
  return inflate(() => inflateSync(raw), where, "deflate");
}

/**
 * zstd frame(s) → bytes (zarr v3's default codec, numcodecs' `zstd`). zarr writes frames without a content
 * checksum by default: a damaged frame is found only when it fails to decode or to give the chunk's size.
 */
export function unzstd(raw: Uint8Array, where: string): Uint8Array {
  if (raw.length < 4 || raw[0] !== 0x28 || raw[1] !== 0xb5 || raw[2] !== 0x2f || raw[3] !== 0xfd) {
    corrupt(where, "the zstd chunk has a bad magic number");
  }
  return inflate(() => zstdDecompress(raw), where, "zstd");
}

/** Strips and checks the zarr v3 `crc32c` codec's 4-byte little-endian trailer. */
export function crc32cChecked(raw: Uint8Array, where: string): Uint8Array {
  if (raw.length < 4) corrupt(where, "the chunk is shorter than its crc32c checksum");
  const body = raw.subarray(0, raw.length - 4);
  if (crc32c(body) !== le32(raw, raw.length - 4)) corrupt(where, "the chunk fails its crc32c checksum");
  return body;
}

/** zlib-compresses (what toZarr writes for zarr v2). */
export function zlib(bytes: Uint8Array, level: number): Uint8Array {
  return zlibSync(bytes, { level: level as 1 });
}

/** gzip-compresses (what toZarr writes for zarr v3). */
export function gzip(bytes: Uint8Array, level: number): Uint8Array {
  return gzipSync(bytes, { level: level as 1, mtime: 0 });
}

/** Appends the zarr v3 `crc32c` codec's trailer. */
export function withCrc32c(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length + 4);
  out.set(bytes);
  const c = crc32c(bytes);
  out[bytes.length] = c & 0xff;
  out[bytes.length + 1] = (c >>> 8) & 0xff;
  out[bytes.length + 2] = (c >>> 16) & 0xff;
  out[bytes.length + 3] = (c >>> 24) & 0xff;
  return out;
}
