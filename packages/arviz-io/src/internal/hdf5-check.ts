import { ArvizIoError } from "../errors.js";

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

function readUint(bytes: Uint8Array, at: number, size: number): number {
  let v = 0;
  for (let i = size - 1; i >= 0; i--) v = v * 256 + bytes[at + i];
  return v;
}

function isUndefinedAddress(bytes: Uint8Array, at: number, size: number): boolean {
  for (let i = 0; i < size; i++) if (bytes[at + i] !== 0xff) return false;
  return true;
}

/** Where the HDF5 signature is (0, 512, 1024, ...), or -1. */
function findSignature(bytes: Uint8Array): number {
  for (let at = 0; at + 8 <= bytes.length; at = at === 0 ? 512 : at * 2) {
    let ok = true;
    for (let i = 0; i < 8; i++) if (bytes[at + i] !== SIGNATURE[i]) ok = false;
    if (ok) return at;
  }
  return -1;
}

/**
 * Validates an HDF5 file's superblock before the HDF5 library sees the bytes: signature, version, sizes of
 * offsets/lengths, and that the end-of-file address it records fits inside the bytes (a truncated file
 * fails here with a clear message instead of deep inside HDF5). Follows the superblock layout of the HDF5
 * File Format Specification, section II.A (versions 0–3).
 * @param bytes - the whole file.
 * @param label - the file name or "bytes", for messages.
 * @throws {ArvizIoError} `not-hdf5`, `truncated` or `corrupt`.
 */
export function checkHdf5Superblock(bytes: Uint8Array, label: string): void {
  const sizeLengths = checkSuperblock(bytes, label);
  checkGlobalHeaps(bytes, sizeLengths, label);
}

function checkSuperblock(bytes: Uint8Array, label: string): number {
  if (bytes.length >= 4 && bytes[0] === 0x43 && bytes[1] === 0x44 && bytes[2] === 0x46 && bytes[3] <= 5) {
    throw new ArvizIoError(
      "unsupported",
      `fromNetCDF(${label}): this is a netCDF-3 classic file; InferenceData needs netCDF-4 (HDF5) groups. ` +
        "Write it with az.to_netcdf (engine h5netcdf or netcdf4).",
    );
  }
  const at = findSignature(bytes);
  if (at < 0) {
    throw new ArvizIoError(
      "not-hdf5",
      `fromNetCDF(${label}): no HDF5 signature (${bytes.length} bytes); the data is not a netCDF-4/HDF5 file ` +
        "(zarr stores are read with fromZarr, JSON with fromJSON).",
    );
  }
  const truncated = (what: string): ArvizIoError =>
    new ArvizIoError(
      "truncated",
      `fromNetCDF(${label}): the file is truncated (${bytes.length} bytes; ${what}). Re-copy or re-write it.`,
    );
  if (bytes.length < at + 12) throw truncated("the superblock is cut off");
  const version = bytes[at + 8];
  let sizeOffsets: number;
  let sizeLengths: number;
  let addrAt: number;
  let eofIndex: number;
  if (version === 0 || version === 1) {
    sizeOffsets = bytes[at + 13];
    sizeLengths = bytes[at + 14];
    addrAt = at + (version === 0 ? 24 : 28);
    eofIndex = 2;
  } else if (version === 2 || version === 3) {
    sizeOffsets = bytes[at + 9];
    sizeLengths = bytes[at + 10];
    addrAt = at + 12;
    eofIndex = 2;
  } else {
    throw new ArvizIoError(
      "corrupt",
      `fromNetCDF(${label}): unknown HDF5 superblock version ${version} (known: 0–3); the file is corrupt or from a newer HDF5.`,
    );
  }
  if (![2, 4, 8, 16].includes(sizeOffsets)) {
    throw new ArvizIoError(
      "corrupt",
      `fromNetCDF(${label}): corrupt superblock (size of offsets = ${sizeOffsets}).`,
    );
  }
  const size = Math.min(sizeOffsets, 8);
  if (bytes.length < addrAt + (eofIndex + 1) * sizeOffsets) throw truncated("the superblock is cut off");
  const baseAt = addrAt;
  const eofAt = addrAt + eofIndex * sizeOffsets;
  if (isUndefinedAddress(bytes, eofAt, sizeOffsets)) {
    throw new ArvizIoError(
      "corrupt",
      `fromNetCDF(${label}): corrupt superblock (undefined end-of-file address).`,
    );
  }
  const base = isUndefinedAddress(bytes, baseAt, sizeOffsets) ? 0 : readUint(bytes, baseAt, size);
  const eof = readUint(bytes, eofAt, size);
  if (sizeOffsets === 16 && bytes.subarray(eofAt + 8, eofAt + 16).some((b) => b !== 0)) {
    throw new ArvizIoError(
      "corrupt",
      `fromNetCDF(${label}): corrupt superblock (end-of-file address too large).`,
    );
  }
  if (base + eof > bytes.length) throw truncated(`the superblock says ${base + eof}`);
  if (![2, 4, 8, 16].includes(sizeLengths)) {
    throw new ArvizIoError(
      "corrupt",
      `fromNetCDF(${label}): corrupt superblock (size of lengths = ${sizeLengths}).`,
    );
  }
  return sizeLengths;
}

/**
 * Walks every global heap collection ("GCOL", HDF5 File Format Specification III.E), where variable-length
 * strings live, and checks that each object fits inside its collection. HDF5 1.14/2.0 can loop forever on a
 * collection whose object sizes are damaged, so such a file is refused here, before HDF5 reads it.
 */
function checkGlobalHeaps(bytes: Uint8Array, sizeLengths: number, label: string): void {
  const L = Math.min(sizeLengths, 8);
  const corrupt = (at: number, what: string): ArvizIoError =>
    new ArvizIoError(
      "corrupt",
      `fromNetCDF(${label}): corrupt global heap at byte ${at} (${what}); the file is damaged.`,
    );
  for (
    let p = bytes.indexOf(0x47);
    p >= 0 && p + 8 + sizeLengths <= bytes.length;
    p = bytes.indexOf(0x47, p + 1)
  ) {
    if (bytes[p + 1] !== 0x43 || bytes[p + 2] !== 0x4f || bytes[p + 3] !== 0x4c) continue; // "GCOL"
    if (bytes[p + 4] !== 1) continue; // not a version-1 collection header: leave it to HDF5
    const size = readUint(bytes, p + 8, L);
    const end = p + size;
    if (size < 8 + sizeLengths || end > bytes.length) throw corrupt(p, `collection size ${size}`);
    let q = p + 8 + sizeLengths;
    const seen = new Set<number>();
    while (q + 8 + sizeLengths <= end) {
      const index = bytes[q] | (bytes[q + 1] << 8);
      const objSize = readUint(bytes, q + 8, L);
      if (index === 0) {
        // Free space: exactly the rest of the collection, header included.
        if (objSize !== end - q) throw corrupt(q, `free space of ${objSize} bytes where ${end - q} remain`);
        break;
      }
      if (seen.has(index)) throw corrupt(q, `object ${index} appears twice`);
      seen.add(index);
      const need = 8 + sizeLengths + Math.ceil(objSize / 8) * 8;
      if (q + need > end) throw corrupt(q, `object ${index} of ${objSize} bytes overruns the collection`);
      q += need;
    }
  }
}
