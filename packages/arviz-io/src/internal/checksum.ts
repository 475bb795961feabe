/** Checksums the zarr codecs and Phlox's own manifests use: CRC-32 (gzip, zip), CRC-32C (zarr v3 `crc32c`), Adler-32 (zlib). */

/** Slicing-by-8 tables: table k maps a byte to its CRC contribution k bytes further on. */
function table(poly: number): Uint32Array {
  const t = new Uint32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? poly ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    for (let k = 1; k < 8; k++) {
      const prev = t[(k - 1) * 256 + n];
      t[k * 256 + n] = (prev >>> 8) ^ t[prev & 0xff];
    }
  }
  return t;
}

const CRC32 = table(0xedb88320);
const CRC32C = table(0x82f63b78);

/** Table-driven CRC, eight bytes per step (slicing-by-8), then byte by byte. */
function crc(t: Uint32Array, bytes: Uint8Array, seed: number): number {
  let c = ~seed >>> 0;
  const n = bytes.length;
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const a = c ^ (bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24));
    const b = bytes[i + 4] | (bytes[i + 5] << 8) | (bytes[i + 6] << 16) | (bytes[i + 7] << 24);
    c =
      t[1792 + (a & 0xff)] ^
      t[1536 + ((a >>> 8) & 0xff)] ^
      t[1280 + ((a >>> 16) & 0xff)] ^
      t[1024 + (a >>> 24)] ^
      t[768 + (b & 0xff)] ^
      t[512 + ((b >>> 8) & 0xff)] ^
      t[256 + ((b >>> 16) & 0xff)] ^
      t[b >>> 24];
  }
  for (; i < n; i++) c = t[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
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
