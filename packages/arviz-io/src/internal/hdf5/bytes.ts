/** Little-endian byte building for the HDF5 writer: a growable buffer with the file format's field widths. */

/** HDF5's "undefined address": all bits set. */
export const UNDEF = -1;

const te = new TextEncoder();

/** UTF-8 bytes of a string. */
export function utf8(s: string): Uint8Array {
  return te.encode(s);
}

/** A growable little-endian byte buffer; offsets and lengths are 8 bytes, as the writer's superblock says. */
export class ByteWriter {
  private buf: Uint8Array;
  private view: DataView;
  /** Bytes written so far. */
  length = 0;

  constructor(capacity = 256) {
    this.buf = new Uint8Array(capacity);
    this.view = new DataView(this.buf.buffer);
  }

  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.length + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u8(v: number): this {
    this.ensure(1);
    this.buf[this.length++] = v & 0xff;
    return this;
  }

  u16(v: number): this {
    this.ensure(2);
    this.view.setUint16(this.length, v, true);
    this.length += 2;
    return this;
  }

  u32(v: number): this {
    this.ensure(4);
    this.view.setUint32(this.length, v >>> 0, true);
    this.length += 4;
    return this;
  }

  /** An unsigned 8-byte integer (exact up to 2^53), or {@link UNDEF} as all ones. */
  u64(v: number): this {
    this.ensure(8);
    if (v === UNDEF) {
      this.view.setUint32(this.length, 0xffffffff, true);
      this.view.setUint32(this.length + 4, 0xffffffff, true);
    } else {
      this.view.setUint32(this.length, v % 2 ** 32, true);
      this.view.setUint32(this.length + 4, Math.floor(v / 2 ** 32), true);
    }
    this.length += 8;
    return this;
  }

  /** An unsigned integer in `width` bytes (1, 2, 4 or 8). */
  uint(v: number, width: number): this {
    if (width === 1) return this.u8(v);
    if (width === 2) return this.u16(v);
    if (width === 4) return this.u32(v);
    return this.u64(v);
  }

  bytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
    return this;
  }

  /** `n` zero bytes. */
  zeros(n: number): this {
    this.ensure(n);
    this.buf.fill(0, this.length, this.length + n);
    this.length += n;
    return this;
  }

  /** Overwrites 4 bytes at `at` (for a checksum or a size written after its content). */
  setU32(at: number, v: number): void {
    this.view.setUint32(at, v >>> 0, true);
  }

  /** The bytes written (a view; copy before writing more). */
  result(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}
