/**
 * The version-1 B-tree that indexes a chunked dataset's chunks (file format §III.A.1, node type 1). Each key is
 * a chunk's stored size, filter mask and element offset (plus a trailing 0 for the datatype dimension); leaves
 * point at chunks, inner nodes at nodes. Nodes hold up to 2K = 64 children, HDF5's default for a file whose
 * superblock does not say otherwise, and are written at their full allocated size.
 */
import { ByteWriter, UNDEF, utf8 } from "./bytes.js";

/** Children per node: 2K with HDF5's default chunk B-tree K of 32. */
export const BTREE_FANOUT = 64;

/** A stored chunk as the index sees it. */
export interface ChunkEntry {
  /** Element offset of the chunk's first element, per axis. */
  readonly offset: readonly number[];
  /** Bytes stored (after filters). */
  readonly size: number;
  /** File address, known after layout. */
  address: number;
}

/** Bytes of one node for a dataset of `rank` axes (allocated at full size whatever its use). */
export function nodeSize(rank: number): number {
  const key = 8 + 8 * (rank + 1);
  return 24 + (2 * BTREE_FANOUT + 1) * key + 2 * BTREE_FANOUT * 8;
}

/** How many nodes the index of `chunks` chunks needs, over all levels (at least one). */
export function nodeCount(chunks: number): number {
  let total = 0;
  let n = Math.max(1, chunks);
  do {
    n = Math.ceil(n / BTREE_FANOUT);
    total += n;
  } while (n > 1);
  return total;
}

interface Key {
  readonly size: number;
  readonly offset: readonly number[];
}

function writeKey(w: ByteWriter, k: Key): void {
  w.u32(k.size).u32(0); // size, filter mask (every filter applied)
  for (const o of k.offset) w.u64(o);
  w.u64(0);
}

/**
 * Encodes the index of `chunks` (in C order of their offsets) into nodes laid out from `base`: leaves first,
 * then each level above; the root is the last node. Keys bounding a node's last child are that chunk's offset
 * plus the chunk shape, as HDF5 writes them.
 * @returns the nodes' bytes (concatenated, `nodeCount × nodeSize`) and the root's address.
 */
export function encodeChunkBTree(
  chunks: readonly ChunkEntry[],
  chunkShape: readonly number[],
  base: number,
): { bytes: Uint8Array; root: number } {
  const rank = chunkShape.length;
  const size = nodeSize(rank);
  const w = new ByteWriter(size * nodeCount(chunks.length));
  type Child = { readonly address: number; readonly first: Key; readonly last: Key };
  let level: Child[] = chunks.map((c) => ({
    address: c.address,
    first: c,
    last: { size: 0, offset: c.offset.map((o, i) => o + (chunkShape[i] as number)) },
  }));
  let depth = 0;
  let at = base;
  for (;;) {
    const parents: Child[] = [];
    const groups = Math.max(1, Math.ceil(level.length / BTREE_FANOUT));
    for (let g = 0; g < groups; g++) {
      const kids = level.slice(g * BTREE_FANOUT, (g + 1) * BTREE_FANOUT);
      const start = w.length;
      w.bytes(utf8("TREE"))
        .u8(1)
        .u8(depth)
        .u16(kids.length)
        .u64(g > 0 ? at - size : UNDEF)
        .u64(g < groups - 1 ? at + size : UNDEF);
      for (const k of kids) {
        writeKey(w, k.first);
        w.u64(k.address);
      }
      const last = kids[kids.length - 1];
      writeKey(w, last ? last.last : { size: 0, offset: chunkShape.map(() => 0) });
      w.zeros(size - (w.length - start));
      if (kids.length > 0) {
        parents.push({ address: at, first: (kids[0] as Child).first, last: (last as Child).last });
      }
      at += size;
    }
    if (groups === 1) return { bytes: w.result(), root: at - size };
    level = parents;
    depth++;
  }
}
