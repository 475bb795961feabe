/**
 * HDF5 global heap collections (file format §III.E): where variable-length data lives, here the UTF-8 bytes of
 * string variables and attributes and the object references of `DIMENSION_LIST`. Objects are registered with
 * their size first (so the file can be laid out), their bytes are produced when the addresses are known.
 */
import { ByteWriter } from "./bytes.js";

/** Collections are at least this big: readers load a collection by first reading this many bytes. */
const MIN_COLLECTION = 4096;
/** A new collection starts once one holds this many bytes (readers cache whole collections). */
const TARGET_COLLECTION = 2 ** 20;
/** Object indices are 16-bit; 0 is the free-space object. */
const MAX_OBJECTS = 65535;
const HEADER = 16;

function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}

/** One collection: its objects' contents (thunks), its size and, after layout, its address. */
export interface Collection {
  readonly objects: Array<{ readonly size: number; readonly bytes: () => Uint8Array }>;
  used: number;
  address: number;
}

/** Where one heap object is: a collection and a 1-based index. */
export interface HeapRef {
  readonly collection: Collection;
  readonly index: number;
  readonly size: number;
}

/** The global heap of one file: a list of collections filled in order. */
export class GlobalHeap {
  readonly collections: Collection[] = [];

  /** Registers an object of `size` bytes whose content `bytes()` gives once addresses are known. */
  add(size: number, bytes: () => Uint8Array): HeapRef {
    let c = this.collections[this.collections.length - 1];
    const need = HEADER + align8(size);
    if (
      !c ||
      c.objects.length >= MAX_OBJECTS ||
      (c.used + need > TARGET_COLLECTION && c.objects.length > 0)
    ) {
      c = { objects: [], used: HEADER, address: 0 };
      this.collections.push(c);
    }
    c.objects.push({ size, bytes });
    c.used += need;
    return { collection: c, index: c.objects.length, size };
  }

  /** Bytes the collection takes in the file (room for a free-space object, at least 4 KiB). */
  static sizeOf(c: Collection): number {
    return Math.max(MIN_COLLECTION, c.used + HEADER);
  }

  /** Encodes one collection ("GCOL", objects, then the free-space object filling it to its size). */
  static encode(c: Collection): Uint8Array {
    const size = GlobalHeap.sizeOf(c);
    const w = new ByteWriter(size);
    w.bytes(new TextEncoder().encode("GCOL")).u8(1).zeros(3).u64(size);
    c.objects.forEach((o, i) => {
      const b = o.bytes();
      w.u16(i + 1)
        .u16(1) // reference count
        .zeros(4)
        .u64(o.size)
        .bytes(b)
        .zeros(align8(o.size) - b.length);
    });
    const free = size - w.length;
    w.u16(0).u16(0).zeros(4).u64(free);
    w.zeros(size - w.length);
    return w.result();
  }
}

/** Writes a variable-length element (sequence length, collection address, object index): 16 bytes. */
export function writeHeapId(w: ByteWriter, length: number, ref: HeapRef): void {
  w.u32(length).u64(ref.collection.address).u32(ref.index);
}
