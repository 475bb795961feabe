/**
 * HDF5 datatype and dataspace messages (file format §IV.A.2.b and .d) for the types a netCDF-4 file of
 * InferenceData needs: little-endian IEEE floats, integers, UTF-8 strings (variable length, as netCDF's
 * NC_STRING, or fixed length, as the dimension-scale attributes), object references, the variable-length
 * sequences of references of `DIMENSION_LIST` and the compound entries of `REFERENCE_LIST`.
 */
import type { ByteWriter } from "./bytes.js";

/** A datatype the writer can encode. */
export type H5Type =
  | { readonly kind: "float"; readonly size: 4 | 8 }
  | { readonly kind: "int"; readonly size: 1 | 2 | 4 | 8; readonly signed: boolean }
  /** Variable-length UTF-8 string (16 bytes in the file: length + global heap id). */
  | { readonly kind: "vstr" }
  /** Fixed-length, null-terminated ASCII string of `size` bytes. */
  | { readonly kind: "fstr"; readonly size: number }
  /** Object reference (an object header address). */
  | { readonly kind: "ref" }
  /** Variable-length sequence of object references (`DIMENSION_LIST`). */
  | { readonly kind: "vref" }
  /** `{dataset: object reference, dimension: uint32}`, 16 bytes as HDF5's dimension-scale API writes it. */
  | { readonly kind: "reflist" };

/** Bytes one element of `t` takes in the file. */
export function typeSize(t: H5Type): number {
  switch (t.kind) {
    case "float":
    case "int":
    case "fstr":
      return t.size;
    case "ref":
      return 8;
    default:
      return 16;
  }
}

/** Class and version byte, then three bit-field bytes and the 4-byte size. */
function head(w: ByteWriter, cls: number, bits: readonly [number, number, number], size: number): void {
  w.u8((1 << 4) | cls)
    .u8(bits[0])
    .u8(bits[1])
    .u8(bits[2])
    .u32(size);
}

function fixedPoint(w: ByteWriter, size: number, signed: boolean): void {
  head(w, 0, [signed ? 0x08 : 0, 0, 0], size);
  w.u16(0).u16(size * 8); // bit offset, precision
}

/** Encodes a datatype message body. */
export function encodeDatatype(w: ByteWriter, t: H5Type): void {
  switch (t.kind) {
    case "float": {
      const double = t.size === 8;
      // Little-endian, mantissa normalised with an implied leading 1, sign bit at the top.
      head(w, 1, [0x20, double ? 63 : 31, 0], t.size);
      w.u16(0)
        .u16(t.size * 8)
        .u8(double ? 52 : 23) // exponent location
        .u8(double ? 11 : 8) // exponent size
        .u8(0) // mantissa location
        .u8(double ? 52 : 23) // mantissa size
        .u32(double ? 1023 : 127); // exponent bias
      return;
    }
    case "int":
      fixedPoint(w, t.size, t.signed);
      return;
    case "fstr":
      head(w, 3, [0, 0, 0], t.size); // null-terminated, ASCII
      return;
    case "vstr":
      head(w, 9, [0x01, 0x01, 0], 16); // string, null-terminated, UTF-8
      fixedPoint(w, 1, false); // base type: unsigned char
      return;
    case "ref":
      head(w, 7, [0, 0, 0], 8); // object reference
      return;
    case "vref":
      head(w, 9, [0, 0, 0], 16); // sequence
      encodeDatatype(w, { kind: "ref" });
      return;
    case "reflist":
      // Compound, version 3: member names unpadded, byte offsets in one byte (the size is 16).
      w.u8((3 << 4) | 6)
        .u8(2)
        .u8(0)
        .u8(0)
        .u32(16);
      w.bytes(new TextEncoder().encode("dataset\0")).u8(0);
      encodeDatatype(w, { kind: "ref" });
      w.bytes(new TextEncoder().encode("dimension\0")).u8(8);
      fixedPoint(w, 4, false);
      return;
  }
}

/** Encodes a dataspace message body (version 2): `null` is a scalar, an array a simple dataspace. */
export function encodeDataspace(w: ByteWriter, shape: readonly number[] | null): void {
  w.u8(2)
    .u8(shape ? shape.length : 0)
    .u8(0) // no maximum dimensions: they equal the current ones
    .u8(shape ? 1 : 0);
  for (const s of shape ?? []) w.u64(s);
}
