/** Checksums the zarr codecs and Phlox's own manifests use: CRC-32 (gzip, zip), CRC-32C (zarr v3 `crc32c`), Adler-32 (zlib). */

function table(poly: number): Uint32Array {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? poly ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
}

const CRC32 = table(0xedb88320);
const CRC32C = table(0x82f63b78);

function crc(t: Uint32Array, bytes: Uint8Array, seed: number): number {
  let c = ~seed >>> 0;
  for (let i = 0; i < bytes.length; i++) c = t[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

/** CRC-32 (IEEE 802.3, as gzip and zlib's `crc32`); `seed` continues an earlier value. */
export function crc32(bytes: Uint8Array, seed = 0): number {
  return crc(CRC32, bytes, seed);
}

/** CRC-32C (Castagnoli), as the zarr v3 `crc32c` codec stores it. */
export function crc32c(bytes: Uint8Array, seed = 0): number {
  return crc(CRC32C, bytes, seed);
}

/** Adler-32, the checksum that ends a zlib stream. */
export function adler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  const NMAX = 5552;
  for (let i = 0; i < bytes.length; ) {
    const end = Math.min(bytes.length, i + NMAX);
    for (; i < end; i++) {
      a += bytes[i];
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/** Eight lowercase hex digits. */
export function hex8(x: number): string {
  return (x >>> 0).toString(16).padStart(8, "0");
}
