import type { InferenceData } from "../inference-data.js";
import type { AttrValue, Variable } from "../types.js";
import { crc32, hex8 } from "./checksum.js";

/**
 * The root attribute of a Phlox netCDF file that holds {@link contentCrc32} of what was written. HDF5 checksums
 * its metadata (1.10 format) and deflate checks each chunk, but variable-length data (string coordinates, string
 * attributes, dimension lists) lives in the global heap, which has no checksum: this attribute covers it all.
 */
export const CONTENT_CRC_ATTR = "_phlox_content_crc32";

const te = new TextEncoder();

/** An attribute value as every format reads it back: booleans as 0/1, one-element lists as their element. */
function canonicalAttr(v: AttrValue): unknown {
  if (typeof v === "boolean") return v ? 1 : 0;
  if (Array.isArray(v)) return v.length === 1 ? canonicalAttr(v[0] as AttrValue) : v;
  return v;
}

function attrsText(a: Readonly<Record<string, AttrValue>>): string {
  const keys = Object.keys(a)
    .filter((k) => k !== CONTENT_CRC_ATTR)
    .sort();
  return JSON.stringify(keys.map((k) => [k, canonicalAttr(a[k] as AttrValue)]));
}

/**
 * CRC-32 of a canonical serialisation of an InferenceData: group, variable and coordinate names (sorted), dims,
 * shapes, dtypes, the data's bytes (strings as UTF-8) and the attributes. Equal for a file's content before
 * writing and after reading exactly.
 */
export function contentCrc32(idata: InferenceData): string {
  let c = 0;
  const add = (s: string): void => {
    c = crc32(te.encode(s), c);
  };
  const addVar = (name: string, v: Variable): void => {
    add(JSON.stringify([name, v.dims, v.shape, v.dtype]));
    if (Array.isArray(v.data)) for (const s of v.data) add(`${s.length}:${s}`);
    else {
      const d = v.data as ArrayBufferView;
      c = crc32(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), c);
    }
    add(attrsText(v.attrs));
  };
  add(attrsText(idata.attrs));
  for (const g of [...idata.groupNames()].sort()) {
    const ds = idata.get(g);
    add(`group ${JSON.stringify(g)} ${attrsText(ds.attrs)}`);
    for (const n of Object.keys(ds.coords).sort()) addVar(n, ds.coords[n] as Variable);
    for (const n of Object.keys(ds.variables).sort()) addVar(n, ds.variables[n] as Variable);
  }
  return hex8(c);
}
