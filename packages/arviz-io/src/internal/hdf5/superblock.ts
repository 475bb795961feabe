/** The version-2 superblock (file format §II.A, 48 bytes, checksummed) that opens every file Phlox writes. */
import { ByteWriter, UNDEF } from "./bytes.js";
import { lookup3 } from "./lookup3.js";

/** Bytes of the superblock. */
export const SUPERBLOCK_SIZE = 48;

/** Encodes the superblock of a file of `eof` bytes whose root group's object header is at `root`. */
export function encodeSuperblock(eof: number, root: number): Uint8Array {
  const w = new ByteWriter(SUPERBLOCK_SIZE);
  w.bytes(new Uint8Array([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]))
    .u8(2) // version
    .u8(8) // size of offsets
    .u8(8) // size of lengths
    .u8(0) // file consistency flags
    .u64(0) // base address
    .u64(UNDEF) // no superblock extension
    .u64(eof)
    .u64(root);
  w.u32(lookup3(w.result()));
  return w.result();
}
