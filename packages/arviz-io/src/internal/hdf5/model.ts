/**
 * The in-memory tree the HDF5 writer lays out: groups with ordered links and datasets, each with attributes.
 * Values that point at other objects (`REFERENCE_LIST`, `DIMENSION_LIST`) hold the objects themselves; their
 * addresses are filled in when the file is laid out.
 */
import type { H5Type } from "./datatype.js";

/** An attribute's value as stored. `shape: null` is a scalar. */
export type H5AttrValue =
  | {
      readonly kind: "numeric";
      readonly type: H5Type;
      readonly shape: readonly number[] | null;
      readonly bytes: Uint8Array;
    }
  | { readonly kind: "vstr"; readonly shape: readonly number[] | null; readonly values: readonly string[] }
  | { readonly kind: "fstr"; readonly value: string }
  | { readonly kind: "reflist"; readonly refs: Array<{ readonly target: H5Node; readonly dim: number }> }
  | { readonly kind: "dimlist"; readonly targets: readonly H5Node[] };

export interface H5Attribute {
  readonly name: string;
  readonly value: H5AttrValue;
}

/** A group: attributes and named children in creation order. */
export interface H5Group {
  readonly kind: "group";
  readonly attrs: H5Attribute[];
  readonly children: Array<{ readonly name: string; readonly node: H5Node }>;
  /** Object header address (set by the writer). */
  address: number;
}

/** A dataset: numeric bytes (little-endian, C order) or strings, chunked + filtered when `chunks` is given. */
export interface H5Dataset {
  readonly kind: "dataset";
  readonly type: H5Type;
  /** `null` for a scalar. */
  readonly shape: readonly number[] | null;
  readonly data: Uint8Array | readonly string[];
  /** Chunk shape; omitted = contiguous storage. */
  readonly chunks?: readonly number[];
  /** Deflate level 1–9; 0 = no filters. */
  readonly level: number;
  /** Shuffle before deflate. */
  readonly shuffle: boolean;
  /**
   * zlib strategy: `"rle"` (run-length matches only) suits shuffled floats, whose mantissa bytes have no
   * repeats for LZ77 to find (as small a file, several times faster); `"default"` otherwise.
   */
  readonly strategy: "default" | "rle";
  readonly attrs: H5Attribute[];
  address: number;
}

export type H5Node = H5Group | H5Dataset;

/** A new empty group. */
export function group(): H5Group {
  return { kind: "group", attrs: [], children: [], address: 0 };
}
