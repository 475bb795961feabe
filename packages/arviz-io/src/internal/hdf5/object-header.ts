/**
 * HDF5 version-2 object headers ("OHDR", file format §IV.A.1.b) and the messages a netCDF-4 file of
 * InferenceData needs (§IV.A.2): link info, group info and links (compact group storage, creation order
 * tracked so netCDF and xarray list variables in the order written), attributes, dataspace, datatype, fill
 * value, data layout and the filter pipeline (shuffle, deflate).
 */
import { ByteWriter, UNDEF, utf8 } from "./bytes.js";
import { encodeDataspace, encodeDatatype, type H5Type } from "./datatype.js";
import { lookup3 } from "./lookup3.js";

/** Header message type numbers. */
export const MSG = {
  dataspace: 0x01,
  linkInfo: 0x02,
  datatype: 0x03,
  fillValue: 0x05,
  link: 0x06,
  layout: 0x08,
  groupInfo: 0x0a,
  filters: 0x0b,
  attribute: 0x0c,
} as const;

/** One header message: its type and encoded body. */
export interface Message {
  readonly type: number;
  readonly body: Uint8Array;
}

/** The largest message body a version-2 header can hold (a 2-byte size field). */
export const MAX_MESSAGE = 0xffff;

function body(fill: (w: ByteWriter) => void): Uint8Array {
  const w = new ByteWriter();
  fill(w);
  return w.result().slice();
}

/**
 * Link info: creation order tracked and indexed (as HDF5's `track_order` sets it; readers then list links in
 * the order written), compact storage, so the fractal heap and both indexes are undefined.
 */
export function linkInfoMessage(links: number): Message {
  return {
    type: MSG.linkInfo,
    body: body((w) => w.u8(0).u8(0x03).u64(links).u64(UNDEF).u64(UNDEF).u64(UNDEF)),
  };
}

/** Group info with default phase-change values. */
export function groupInfoMessage(): Message {
  return { type: MSG.groupInfo, body: new Uint8Array([0, 0]) };
}

/** A hard link named `name` (UTF-8) to the object header at `address`, with its creation order. */
export function linkMessage(name: string, order: number, address: number): Message {
  const n = utf8(name);
  const width = n.length < 256 ? 0 : n.length < 65536 ? 1 : 2;
  return {
    type: MSG.link,
    body: body((w) => {
      w.u8(1)
        .u8(width | 0x04 | 0x10)
        .u64(order)
        .u8(1) // UTF-8
        .uint(n.length, 1 << width)
        .bytes(n)
        .u64(address);
    }),
  };
}

/** An attribute: name (UTF-8), datatype, dataspace (`null` = scalar) and raw data. */
export function attributeMessage(
  name: string,
  type: H5Type,
  shape: readonly number[] | null,
  data: Uint8Array,
): Message {
  const n = utf8(name);
  const dt = body((w) => encodeDatatype(w, type));
  const ds = body((w) => encodeDataspace(w, shape));
  return {
    type: MSG.attribute,
    body: body((w) => {
      w.u8(3)
        .u8(0)
        .u16(n.length + 1)
        .u16(dt.length)
        .u16(ds.length)
        .u8(1) // names are UTF-8
        .bytes(n)
        .u8(0)
        .bytes(dt)
        .bytes(ds)
        .bytes(data);
    }),
  };
}

export function dataspaceMessage(shape: readonly number[] | null): Message {
  return { type: MSG.dataspace, body: body((w) => encodeDataspace(w, shape)) };
}

export function datatypeMessage(type: H5Type): Message {
  return { type: MSG.datatype, body: body((w) => encodeDatatype(w, type)) };
}

/** Fill value (version 3): no value defined; space allocated late (contiguous) or incrementally (chunked). */
export function fillValueMessage(chunked: boolean): Message {
  const alloc = chunked ? 3 : 2;
  return { type: MSG.fillValue, body: new Uint8Array([3, alloc | (2 << 2)]) };
}

/** Contiguous layout (version 3) of `size` bytes at `address` ({@link UNDEF} when empty). */
export function contiguousLayoutMessage(address: number, size: number): Message {
  return { type: MSG.layout, body: body((w) => w.u8(3).u8(1).u64(address).u64(size)) };
}

/** Chunked layout (version 3) indexed by the version-1 B-tree at `btree`. */
export function chunkedLayoutMessage(btree: number, chunks: readonly number[], item: number): Message {
  return {
    type: MSG.layout,
    body: body((w) => {
      w.u8(3)
        .u8(2)
        .u8(chunks.length + 1)
        .u64(btree);
      for (const c of chunks) w.u32(c);
      w.u32(item);
    }),
  };
}

/** Filter pipeline (version 2): shuffle (id 2, element size) then deflate (id 1, level), both optional. */
export function filterPipelineMessage(item: number, level: number, shuffle: boolean): Message {
  return {
    type: MSG.filters,
    body: body((w) => {
      w.u8(2).u8(shuffle ? 2 : 1);
      if (shuffle) w.u16(2).u16(1).u16(1).u32(item);
      w.u16(1).u16(1).u16(1).u32(level);
    }),
  };
}

/**
 * A version-2 object header holding `messages` in one chunk, checksummed. Attributes beyond HDF5's default
 * compact limit of 8 are kept compact by storing the phase-change values.
 */
export function objectHeader(messages: readonly Message[]): Uint8Array {
  let size = 0;
  for (const m of messages) size += 4 + m.body.length;
  const attrs = messages.filter((m) => m.type === MSG.attribute).length;
  const width = size < 256 ? 0 : size < 65536 ? 1 : 2;
  const w = new ByteWriter(size + 32);
  w.bytes(utf8("OHDR")).u8(2);
  if (attrs > 8) {
    w.u8(width | 0x10)
      .u16(Math.min(attrs, 0xffff))
      .u16(Math.min(6, attrs));
  } else w.u8(width);
  w.uint(size, 1 << width);
  for (const m of messages) {
    w.u8(m.type).u16(m.body.length).u8(0).bytes(m.body);
  }
  w.u32(lookup3(w.result()));
  return w.result();
}
