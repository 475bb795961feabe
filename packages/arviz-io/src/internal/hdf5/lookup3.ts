/**
 * Bob Jenkins' lookup3 `hashlittle`, the checksum of HDF5's version-2 superblock, version-2 object headers and
 * other metadata of the 1.8+ file format (written from the published algorithm).
 */

function rot(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

function word(d: Uint8Array, i: number): number {
  return (
    (d[i] as number) |
    ((d[i + 1] as number) << 8) |
    ((d[i + 2] as number) << 16) |
    ((d[i + 3] as number) << 24)
  );
}

/**
 * lookup3 `hashlittle` of `data` with seed `initval`, as HDF5 computes its metadata checksums.
 * @returns the 32-bit hash as an unsigned number.
 */
export function lookup3(data: Uint8Array, initval = 0): number {
  let length = data.length;
  let a = (0xdeadbeef + length + initval) | 0;
  let b = a;
  let c = a;
  let k = 0;
  while (length > 12) {
    a = (a + word(data, k)) | 0;
    b = (b + word(data, k + 4)) | 0;
    c = (c + word(data, k + 8)) | 0;
    // mix(a, b, c)
    a = (a - c) | 0;
    a ^= rot(c, 4);
    c = (c + b) | 0;
    b = (b - a) | 0;
    b ^= rot(a, 6);
    a = (a + c) | 0;
    c = (c - b) | 0;
    c ^= rot(b, 8);
    b = (b + a) | 0;
    a = (a - c) | 0;
    a ^= rot(c, 16);
    c = (c + b) | 0;
    b = (b - a) | 0;
    b ^= rot(a, 19);
    a = (a + c) | 0;
    c = (c - b) | 0;
    c ^= rot(b, 4);
    b = (b + a) | 0;
    length -= 12;
    k += 12;
  }
  if (length === 0) return c >>> 0;
  // The last 1–12 bytes, zero-padded, little-endian into a, b, c.
  const tail = new Uint8Array(12);
  tail.set(data.subarray(k, k + length));
  a = (a + word(tail, 0)) | 0;
  b = (b + word(tail, 4)) | 0;
  c = (c + word(tail, 8)) | 0;
  // final(a, b, c)
  c ^= b;
  c = (c - rot(b, 14)) | 0;
  a ^= c;
  a = (a - rot(c, 11)) | 0;
  b ^= a;
  b = (b - rot(a, 25)) | 0;
  c ^= b;
  c = (c - rot(b, 16)) | 0;
  a ^= c;
  a = (a - rot(c, 4)) | 0;
  b ^= a;
  b = (b - rot(a, 14)) | 0;
  c ^= b;
  c = (c - rot(b, 24)) | 0;
  return c >>> 0;
}
