import { ArvizIoError } from "./errors.js";
import { InferenceData } from "./inference-data.js";
import { allocate, convert, ITEM_BYTES, rangeCoord, sizeOf } from "./internal/arrays.js";
import { CONTENT_CRC_ATTR, contentCrc32 } from "./internal/content-crc.js";
import { capture, guard, type H5, loadH5, memPath, unlink } from "./internal/h5.js";
import { readNumericBytes } from "./internal/h5-blocks.js";
import { checkHdf5Superblock } from "./internal/hdf5-check.js";
import { decodeName } from "./internal/names.js";
import type { AttrValue, Dataset, DType, Variable, VariableData } from "./types.js";

type H5Group = InstanceType<typeof import("h5wasm").Group>;
type H5Dataset = InstanceType<typeof import("h5wasm").Dataset>;
type H5Attribute = InstanceType<typeof import("h5wasm").Attribute>;

/** Attributes that carry netCDF/HDF5 machinery, not user metadata. */
const INTERNAL_ATTRS = new Set([
  "CLASS",
  "NAME",
  "REFERENCE_LIST",
  "DIMENSION_LIST",
  "_Netcdf4Dimid",
  "_Netcdf4Coordinates",
  "_NCProperties",
  "_FillValue",
  "_nc3_strict",
  "dtype",
]);

const PHANTOM = "This is a netCDF dimension but not a netCDF variable";

function attrValue(a: H5Attribute): AttrValue | undefined {
  const v = a.value;
  if (v === null || v === undefined) return undefined;
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  if (typeof v === "bigint") return Number(v);
  if (ArrayBuffer.isView(v)) {
    const arr = Array.from(v as ArrayLike<number | bigint>, Number);
    return arr.length === 1 ? arr[0] : arr;
  }
  if (Array.isArray(v)) {
    if (v.every((x) => typeof x === "string")) return v.length === 1 ? v[0] : (v as string[]);
    if (v.every((x) => typeof x === "number" || typeof x === "bigint")) return v.map(Number);
  }
  return undefined;
}

function readAttrs(obj: H5Group | H5Dataset): Record<string, AttrValue> {
  const out: Record<string, AttrValue> = {};
  for (const [k, a] of Object.entries(obj.attrs)) {
    if (INTERNAL_ATTRS.has(k)) continue;
    const v = attrValue(a);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

function dtypeOf(d: H5Dataset, where: string): DType {
  const m = d.metadata;
  if (m.type === 3) return "string";
  if (m.type === 1) {
    if (m.size === 8) return "float64";
    if (m.size === 4) return "float32";
  }
  if (m.type === 0) {
    const table: Record<number, [DType, DType]> = {
      1: ["int8", "uint8"],
      2: ["int16", "uint16"],
      4: ["int32", "uint32"],
      8: ["int64", "uint64"],
    };
    const pair = table[m.size];
    if (pair) return m.signed ? pair[0] : pair[1];
  }
  throw new ArvizIoError(
    "unsupported",
    `${where}: HDF5 type class ${m.type} of size ${m.size} is not supported (numbers, bools and strings are).`,
  );
}

function readData(h5: H5, d: H5Dataset, dtype: DType, shape: number[], where: string): VariableData {
  const n = sizeOf(shape);
  if (dtype === "string") {
    const raw = n === 0 ? [] : d.value;
    const arr = typeof raw === "string" ? [raw] : Array.isArray(raw) ? raw : [];
    return convert(arr as unknown[], "string", where);
  }
  const stored = dtype === "bool" ? (d.metadata.signed ? "int8" : "uint8") : dtype;
  const item = ITEM_BYTES[stored];
  if (d.metadata.size !== item) {
    throw new ArvizIoError(
      "unsupported",
      `${where}: element size ${d.metadata.size} does not match ${stored}.`,
    );
  }
  const bytes = readNumericBytes(h5, d.file_id, d.path, shape, item, d.metadata.chunks, where);
  const typed = allocate(stored, n) as Exclude<VariableData, string[]>;
  new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength).set(bytes);
  if (dtype !== "bool") return typed;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = typed[i] ? 1 : 0;
  return out;
}

function readVariable(h5: H5, d: H5Dataset, name: string, where: string): Variable {
  let dtype = dtypeOf(d, where);
  const shape = d.shape ?? [];
  const n = sizeOf(shape);
  const dtypeAttr = d.attrs.dtype ? d.get_attribute("dtype", true) : undefined;
  if (dtypeAttr === "bool" && dtype !== "string") dtype = "bool";
  const data = readData(h5, d, dtype, shape, where);
  if (data.length !== n) {
    throw new ArvizIoError(
      "corrupt",
      `${where}: read ${data.length} values but the shape [${shape.join(", ")}] needs ${n}.`,
    );
  }
  const dims: string[] = [];
  for (let i = 0; i < shape.length; i++) {
    const scales = d.attrs.DIMENSION_LIST ? d.get_attached_scales(i) : [];
    const path = scales[0];
    if (d.attrs.DIMENSION_LIST && !path) {
      throw new ArvizIoError("corrupt", `${where}: the dimension list names no scale for axis ${i}.`);
    }
    dims.push(path ? decodeName(path.slice(path.lastIndexOf("/") + 1)) : `${name}_dim_${i}`);
  }
  return { dims, shape, dtype, data, attrs: readAttrs(d) };
}

function readGroup(h5: H5, g: H5Group, group: string): Dataset {
  const variables: Record<string, Variable> = {};
  const coords: Record<string, Variable> = {};
  for (const segment of g.keys()) {
    const key = decodeName(segment);
    const where = `fromNetCDF: "${group}/${key}"`;
    const entity = g.get(segment);
    if (!entity) {
      throw new ArvizIoError("corrupt", `${where}: the object cannot be opened; the file is damaged.`);
    }
    if (!("shape" in entity) || !("make_scale" in entity)) {
      if ("create_group" in entity || entity.constructor?.name === "Datatype") continue; // not InferenceData's
      throw new ArvizIoError("corrupt", `${where}: a link that leads nowhere; the file is damaged.`);
    }
    const d = entity as H5Dataset;
    const isScale = d.attrs.CLASS !== undefined && d.get_attribute("CLASS", true) === "DIMENSION_SCALE";
    if (isScale) {
      const label = d.attrs.NAME ? String(d.get_attribute("NAME", true)) : segment;
      const len = (d.shape ?? [0])[0] ?? 0;
      coords[key] = label.startsWith(PHANTOM)
        ? rangeCoord(key, len)
        : { ...readVariable(h5, d, key, where), dims: [key] };
      continue;
    }
    variables[key] = readVariable(h5, d, key, where);
  }
  // Dimensions with no scale at all (plain HDF5): give them default coordinates.
  for (const v of Object.values(variables)) {
    v.dims.forEach((dim, i) => {
      if (!coords[dim]) coords[dim] = rangeCoord(dim, v.shape[i]);
    });
  }
  return { variables, coords, attrs: readAttrs(g) };
}

/** Reads a source into bytes: Uint8Array, ArrayBuffer or Blob. */
export async function toBytes(source: Uint8Array | ArrayBuffer | Blob, fn: string): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  if (typeof Blob !== "undefined" && source instanceof Blob)
    return new Uint8Array(await source.arrayBuffer());
  throw new ArvizIoError("invalid-argument", `${fn}: expected a Uint8Array, ArrayBuffer or Blob.`);
}

/**
 * Reads netCDF-4 (HDF5) bytes into InferenceData: files from {@link toNetCDF} and from Python
 * (`az.to_netcdf`, `xarray.DataTree.to_netcdf`). Every root subgroup becomes a group; dimension names come
 * from the netCDF dimension scales; int8 with `dtype="bool"` becomes bool; string coordinates stay strings.
 * The superblock is validated first, and every HDF5 call is guarded, so malformed or truncated input ends
 * in an {@link ArvizIoError} rather than a crash.
 * @param source - the file's bytes (Uint8Array, ArrayBuffer or Blob).
 * @returns the InferenceData.
 * @throws {ArvizIoError} `not-hdf5`, `truncated`, `corrupt`, `unsupported`.
 * @example
 * const idata = await fromNetCDF(await toNetCDF(fromArrays({ posterior: { mu: [[1, 2]] } })));
 * idata.groupNames(); // → ["posterior"]
 */
export async function fromNetCDF(source: Uint8Array | ArrayBuffer | Blob): Promise<InferenceData> {
  return decodeNetCDF(await toBytes(source, "fromNetCDF"), "bytes", false);
}

/**
 * {@link fromNetCDF} on bytes; with `own`, h5wasm's in-memory file system takes the buffer without a copy (the
 * caller must not use it afterwards).
 * @internal
 */
export async function decodeNetCDF(bytes: Uint8Array, label: string, own: boolean): Promise<InferenceData> {
  checkHdf5Superblock(bytes, label);
  const h5 = await loadH5();
  const path = memPath("nc");
  (h5.FS!.writeFile as (p: string, d: Uint8Array, o?: { canOwn?: boolean }) => void)(path, bytes, {
    canOwn: own,
  });
  // HDF5 prints its error stack and carries on in places where h5wasm drops the status (a link iteration that
  // stops at a damaged header returns the links found so far): anything on stderr means the file is damaged.
  const { value, stderr } = capture(h5, () => readFile(h5, path));
  if (stderr) {
    throw new ArvizIoError(
      "corrupt",
      `fromNetCDF(${label}): HDF5 reported an error while reading, so the result cannot be trusted: ` +
        `${stderr.trim().split("\n").slice(0, 4).join(" | ").slice(0, 400)}`,
    );
  }
  return value;
}

function readFile(h5: H5, path: string): InferenceData {
  let f: InstanceType<typeof import("h5wasm").File> | undefined;
  try {
    f = guard("corrupt", "fromNetCDF: opening the HDF5 file", () => new h5.File(path, "r"));
    const file = f;
    const groups: Record<string, Dataset> = {};
    const attrs = guard("corrupt", "fromNetCDF: root attributes", () => readAttrs(file));
    const keys = guard("corrupt", "fromNetCDF: listing groups", () => file.keys());
    for (const key of keys) {
      const entity = guard("corrupt", `fromNetCDF: "${key}"`, () => file.get(key));
      if (!entity)
        throw new ArvizIoError(
          "corrupt",
          `fromNetCDF: group "${key}" cannot be opened; the file is damaged.`,
        );
      if (!("create_group" in entity)) continue;
      const name = decodeName(key);
      groups[name] = guard("corrupt", `fromNetCDF: group "${name}"`, () =>
        readGroup(h5, entity as H5Group, name),
      );
    }
    const { [CONTENT_CRC_ATTR]: sum, ...rest } = attrs;
    const idata = new InferenceData(groups, rest);
    if (sum !== undefined && sum !== contentCrc32(idata)) {
      throw new ArvizIoError(
        "corrupt",
        "fromNetCDF: the content does not match the checksum Phlox wrote with it (_phlox_content_crc32): the " +
          "file was damaged or changed after it was written. Re-copy or re-write it.",
      );
    }
    return idata;
  } catch (e) {
    if (e instanceof ArvizIoError) throw e;
    throw new ArvizIoError(
      "corrupt",
      `fromNetCDF: the file could not be decoded (${(e as Error).message}).`,
      {
        cause: e,
      },
    );
  } finally {
    if (f) {
      try {
        f.close();
      } catch {
        // closing a damaged file
      }
    }
    unlink(h5, path);
  }
}
