/**
 * Lays out and encodes an HDF5 file from a {@link H5Group} tree: superblock, object headers, global heap
 * collections, then raw data (filtered chunks with their B-tree index, contiguous data). Sizes never depend on
 * addresses, so the file is laid out once and every address is known before anything is encoded. Chunks are
 * shuffled and deflated through `compress` (parallel in Node, see `#deflate`).
 */
import { ArvizIoError } from "../../errors.js";
import { ByteWriter, UNDEF, utf8 } from "./bytes.js";
import { type ChunkEntry, encodeChunkBTree, nodeCount, nodeSize } from "./chunk-btree.js";
import { chunkBytes, chunkOffsets, mapLimited, shuffle } from "./chunks.js";
import { typeSize } from "./datatype.js";
import { GlobalHeap, type HeapRef, writeHeapId } from "./global-heap.js";
import type { H5AttrValue, H5Dataset, H5Group, H5Node } from "./model.js";
import {
  attributeMessage,
  chunkedLayoutMessage,
  contiguousLayoutMessage,
  dataspaceMessage,
  datatypeMessage,
  fillValueMessage,
  filterPipelineMessage,
  groupInfoMessage,
  linkInfoMessage,
  linkMessage,
  MAX_MESSAGE,
  type Message,
  objectHeader,
} from "./object-header.js";
import { encodeSuperblock, SUPERBLOCK_SIZE } from "./superblock.js";

/** zlib-compresses one chunk with a level and zlib strategy. */
export type Compress = (data: Uint8Array, level: number, strategy: "default" | "rle") => Promise<Uint8Array>;

/** A laid-out file: its pieces in address order and its total size. */
export interface BuiltFile {
  readonly pieces: readonly Uint8Array[];
  readonly size: number;
}

/** Where a dataset's raw data went. */
type Storage =
  | { readonly kind: "contiguous"; bytes: () => Uint8Array; readonly size: number; address: number }
  | {
      readonly kind: "chunked";
      readonly chunks: ChunkEntry[];
      readonly data: Uint8Array[];
      btree: number;
      root: number;
    };

const te = new TextEncoder();

function walk(root: H5Group): H5Node[] {
  const out: H5Node[] = [];
  const visit = (n: H5Node): void => {
    out.push(n);
    if (n.kind === "group") for (const c of n.children) visit(c.node);
  };
  visit(root);
  return out;
}

/** Registers the heap objects a value needs and returns its raw-data encoder and type. */
function prepareAttr(heap: GlobalHeap, v: H5AttrValue): () => Uint8Array {
  switch (v.kind) {
    case "numeric":
      return () => v.bytes;
    case "fstr":
      return () => {
        const b = new Uint8Array(v.value.length + 1);
        b.set(utf8(v.value));
        return b;
      };
    case "vstr":
      return vstrEncoder(heap, v.values);
    case "reflist":
      return () => {
        const w = new ByteWriter(16 * v.refs.length);
        for (const r of v.refs) w.u64(r.target.address).u32(r.dim).zeros(4);
        return w.result();
      };
    case "dimlist": {
      const refs = v.targets.map((t) =>
        heap.add(8, () => {
          const w = new ByteWriter(8);
          w.u64(t.address);
          return w.result();
        }),
      );
      return () => {
        const w = new ByteWriter(16 * refs.length);
        for (const r of refs) writeHeapId(w, 1, r);
        return w.result();
      };
    }
  }
}

function vstrEncoder(heap: GlobalHeap, values: readonly string[]): () => Uint8Array {
  const refs: Array<{ ref: HeapRef; n: number }> = values.map((s) => {
    const b = te.encode(s);
    return { ref: heap.add(b.length, () => b), n: b.length };
  });
  return () => {
    const w = new ByteWriter(16 * refs.length);
    for (const { ref, n } of refs) writeHeapId(w, n, ref);
    return w.result();
  };
}

function attrType(v: H5AttrValue) {
  switch (v.kind) {
    case "numeric":
      return { type: v.type, shape: v.shape };
    case "vstr":
      return { type: { kind: "vstr" } as const, shape: v.shape };
    case "fstr":
      return { type: { kind: "fstr", size: te.encode(v.value).length + 1 } as const, shape: null };
    case "reflist":
      return { type: { kind: "reflist" } as const, shape: [v.refs.length] };
    case "dimlist":
      return { type: { kind: "vref" } as const, shape: [v.targets.length] };
  }
}

function elements(shape: readonly number[] | null): number {
  let n = 1;
  for (const s of shape ?? []) n *= s;
  return n;
}

/**
 * Builds the HDF5 file of `root`.
 * @param root - the root group.
 * @param compress - zlib compression of one chunk.
 * @param parallel - chunks compressed at once.
 * @param where - the caller, for error messages.
 * @throws {ArvizIoError} `attribute-too-large` for an attribute over a compact object header's 64 KiB.
 */
export async function buildHdf5(
  root: H5Group,
  compress: Compress,
  parallel: number,
  where: string,
): Promise<BuiltFile> {
  const nodes = walk(root);
  const heap = new GlobalHeap();
  const attrData = new Map<object, () => Uint8Array>();
  const storage = new Map<H5Dataset, Storage>();
  const jobs: Array<{ ds: H5Dataset; index: number; offset: number[] }> = [];
  for (const n of nodes) {
    if (n.kind === "dataset") {
      const item = typeSize(n.type);
      if (n.chunks && n.shape) {
        const offsets = chunkOffsets(n.shape, n.chunks);
        const entries = offsets.map((offset) => ({ offset, size: 0, address: 0 }));
        storage.set(n, { kind: "chunked", chunks: entries, data: [], btree: 0, root: 0 });
        offsets.forEach((offset, index) => {
          jobs.push({ ds: n, index, offset });
        });
      } else if (Array.isArray(n.data)) {
        const enc = vstrEncoder(heap, n.data as readonly string[]);
        storage.set(n, { kind: "contiguous", bytes: enc, size: 16 * n.data.length, address: 0 });
      } else {
        const bytes = n.data as Uint8Array;
        if (bytes.length !== elements(n.shape) * item) {
          throw new ArvizIoError(
            "write-failed",
            `${where}: a dataset has ${bytes.length} bytes for its shape.`,
          );
        }
        storage.set(n, { kind: "contiguous", bytes: () => bytes, size: bytes.length, address: 0 });
      }
    }
    for (const a of n.attrs) attrData.set(a, prepareAttr(heap, a.value));
  }

  await mapLimited(jobs, parallel, async (job) => {
    const ds = job.ds;
    const item = typeSize(ds.type);
    const raw = chunkBytes(
      ds.data as Uint8Array,
      ds.shape as number[],
      item,
      ds.chunks as number[],
      job.offset,
    );
    const st = storage.get(ds) as Extract<Storage, { kind: "chunked" }>;
    const out =
      ds.level > 0 ? await compress(ds.shuffle ? shuffle(raw, item) : raw, ds.level, ds.strategy) : raw;
    st.data[job.index] = out;
    (st.chunks[job.index] as { size: number }).size = out.length;
  });

  const messagesOf = (n: H5Node): Message[] => {
    const msgs: Message[] = [];
    if (n.kind === "group") {
      msgs.push(linkInfoMessage(n.children.length), groupInfoMessage());
      n.children.forEach((c, i) => {
        msgs.push(linkMessage(c.name, i, c.node.address));
      });
    } else {
      const st = storage.get(n) as Storage;
      const item = typeSize(n.type);
      msgs.push(dataspaceMessage(n.shape), datatypeMessage(n.type), fillValueMessage(st.kind === "chunked"));
      if (st.kind === "chunked") {
        if (n.level > 0) msgs.push(filterPipelineMessage(item, n.level, n.shuffle));
        msgs.push(chunkedLayoutMessage(st.root, n.chunks as number[], item));
      } else {
        msgs.push(contiguousLayoutMessage(st.size > 0 ? st.address : UNDEF, st.size));
      }
    }
    for (const a of n.attrs) {
      const { type, shape } = attrType(a.value);
      const m = attributeMessage(a.name, type, shape, (attrData.get(a) as () => Uint8Array)());
      if (m.body.length > MAX_MESSAGE) {
        throw new ArvizIoError(
          "attribute-too-large",
          `${where}: attribute "${a.name}" takes ${m.body.length} bytes; HDF5 object headers hold at most ${MAX_MESSAGE}.`,
        );
      }
      msgs.push(m);
    }
    return msgs;
  };

  // Layout: sizes first (addresses are still 0), then addresses.
  const headerSize = new Map<H5Node, number>();
  for (const n of nodes) headerSize.set(n, objectHeader(messagesOf(n)).length);
  let at = SUPERBLOCK_SIZE;
  for (const n of nodes) {
    n.address = at;
    at += headerSize.get(n) as number;
  }
  for (const c of heap.collections) {
    c.address = at;
    at += GlobalHeap.sizeOf(c);
  }
  const raw: Array<() => Uint8Array> = [];
  for (const n of nodes) {
    if (n.kind !== "dataset") continue;
    const st = storage.get(n) as Storage;
    if (st.kind === "contiguous") {
      st.address = at;
      at += st.size;
      if (st.size > 0) raw.push(st.bytes);
      continue;
    }
    st.chunks.forEach((c, i) => {
      c.address = at;
      at += c.size;
      raw.push(() => st.data[i] as Uint8Array);
    });
    st.btree = at;
    const rank = (n.chunks as number[]).length;
    at += nodeCount(st.chunks.length) * nodeSize(rank);
    st.root = encodeChunkBTree(st.chunks, n.chunks as number[], st.btree).root;
    raw.push(() => encodeChunkBTree(st.chunks, n.chunks as number[], st.btree).bytes);
  }

  const pieces: Uint8Array[] = [encodeSuperblock(at, root.address)];
  for (const n of nodes) {
    const h = objectHeader(messagesOf(n));
    if (h.length !== headerSize.get(n)) {
      throw new ArvizIoError("write-failed", `${where}: an object header changed size during layout.`);
    }
    pieces.push(h);
  }
  for (const c of heap.collections) pieces.push(GlobalHeap.encode(c));
  for (const r of raw) pieces.push(r());
  let total = 0;
  for (const p of pieces) total += p.length;
  if (total !== at) {
    throw new ArvizIoError("write-failed", `${where}: the laid-out file has ${total} bytes, expected ${at}.`);
  }
  return { pieces, size: at };
}

/** Concatenates a built file's pieces. */
export function concatFile(file: BuiltFile): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(file.size);
  let at = 0;
  for (const p of file.pieces) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
