/**
 * The netCDF-4 conventions of an InferenceData file as an HDF5 tree for Phlox's own writer: one group per
 * InferenceData group, each coordinate a dimension scale (`CLASS`, `NAME`, int32 `_Netcdf4Dimid`,
 * `REFERENCE_LIST`), each variable a dataset with `DIMENSION_LIST`, bool stored as int8 with `dtype="bool"`,
 * `_FillValue = NaN` on floats, root `_NCProperties` and Phlox's content checksum. The same objects and
 * attributes the h5wasm writer produced; numeric arrays are chunked (about `chunkBytes` per chunk) and shuffled
 * + deflated when `level > 0`.
 */
import { ArvizIoError } from "./errors.js";
import type { InferenceData } from "./inference-data.js";
import { ITEM_BYTES } from "./internal/arrays.js";
import { CONTENT_CRC_ATTR, contentCrc32 } from "./internal/content-crc.js";
import { chunkShape } from "./internal/h5-blocks.js";
import type { H5Type } from "./internal/hdf5/datatype.js";
import {
  group,
  type H5Attribute,
  type H5AttrValue,
  type H5Dataset,
  type H5Group,
} from "./internal/hdf5/model.js";
import { encodeName } from "./internal/names.js";
import type { Attrs, AttrValue, DType, Variable } from "./types.js";
import { PHLOX_VERSION } from "./version.js";

const H5_TYPE: Record<Exclude<DType, "string">, H5Type> = {
  float64: { kind: "float", size: 8 },
  float32: { kind: "float", size: 4 },
  int64: { kind: "int", size: 8, signed: true },
  int32: { kind: "int", size: 4, signed: true },
  int16: { kind: "int", size: 2, signed: true },
  int8: { kind: "int", size: 1, signed: true },
  uint64: { kind: "int", size: 8, signed: false },
  uint32: { kind: "int", size: 4, signed: false },
  uint16: { kind: "int", size: 2, signed: false },
  uint8: { kind: "int", size: 1, signed: false },
  bool: { kind: "int", size: 1, signed: true },
};

/** How the numeric arrays are stored. */
export interface StorageOptions {
  /** Deflate level 0–9 (0: no filters). */
  readonly level: number;
  /** Shuffle before deflate. */
  readonly shuffle: boolean;
  /** Target bytes per chunk. */
  readonly chunkBytes: number;
}

function viewBytes(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

function f64(values: readonly number[], shape: readonly number[] | null): H5AttrValue {
  return { kind: "numeric", type: H5_TYPE.float64, shape, bytes: viewBytes(Float64Array.from(values)) };
}

/** An attribute value as the h5wasm writer stored it: strings UTF-8, numbers float64, booleans int8. */
function attrValue(value: AttrValue): H5AttrValue {
  if (typeof value === "string") return { kind: "vstr", shape: null, values: [value] };
  if (typeof value === "boolean") {
    return { kind: "numeric", type: H5_TYPE.int8, shape: null, bytes: new Uint8Array([value ? 1 : 0]) };
  }
  if (typeof value === "number") return f64([value], null);
  if (value.length > 0 && typeof value[0] === "string") {
    return { kind: "vstr", shape: [value.length], values: [...(value as readonly string[])] };
  }
  return f64(value as readonly number[], [value.length]);
}

function addAttrs(target: H5Attribute[], attrs: Attrs): void {
  for (const [name, v] of Object.entries(attrs)) target.push({ name, value: attrValue(v) });
}

function dataset(v: Variable, opts: StorageOptions): H5Dataset {
  const shape = v.shape.length === 0 ? null : [...v.shape];
  if (v.dtype === "string") {
    return {
      kind: "dataset",
      type: { kind: "vstr" },
      shape,
      data: v.data as string[],
      level: 0,
      shuffle: false,
      strategy: "default",
      attrs: [],
      address: 0,
    };
  }
  const item = ITEM_BYTES[v.dtype];
  let n = 1;
  for (const s of v.shape) n *= s;
  const chunked = shape !== null && n > 0;
  const attrs: H5Attribute[] = [];
  if (v.dtype === "bool")
    attrs.push({ name: "dtype", value: { kind: "vstr", shape: null, values: ["bool"] } });
  if (v.dtype === "float64") attrs.push({ name: "_FillValue", value: f64([Number.NaN], null) });
  if (v.dtype === "float32") {
    attrs.push({
      name: "_FillValue",
      value: {
        kind: "numeric",
        type: H5_TYPE.float32,
        shape: null,
        bytes: viewBytes(new Float32Array([Number.NaN])),
      },
    });
  }
  return {
    kind: "dataset",
    type: H5_TYPE[v.dtype],
    shape,
    data: viewBytes(v.data as Exclude<Variable["data"], string[]>),
    ...(chunked ? { chunks: chunkShape(v.shape, item, opts.chunkBytes) } : {}),
    level: opts.level,
    shuffle: opts.shuffle,
    strategy: opts.shuffle && (v.dtype === "float64" || v.dtype === "float32") ? "rle" : "default",
    attrs,
    address: 0,
  };
}

/**
 * The HDF5 tree of `idata` in netCDF-4 form.
 * @throws {ArvizIoError} `invalid-group` for a name clash or a dimension without a coordinate.
 */
export function netcdfTree(idata: InferenceData, opts: StorageOptions): H5Group {
  const root = group();
  root.attrs.push({ name: "_NCProperties", value: attrValue(`version=2,phlox=${PHLOX_VERSION},hdf5=1.14`) });
  const { [CONTENT_CRC_ATTR]: _, ...rootAttrs } = idata.attrs;
  addAttrs(root.attrs, rootAttrs);
  root.attrs.push({ name: CONTENT_CRC_ATTR, value: attrValue(contentCrc32(idata)) });
  let dimId = 0;
  for (const name of idata.groupNames()) {
    const ds = idata.get(name);
    const g = group();
    root.children.push({ name: encodeName(name, "toNetCDF"), node: g });
    addAttrs(g.attrs, ds.attrs);
    // Coordinates first: netCDF dimension scales, numbered across the file as netCDF-C numbers dimensions.
    const scales = new Map<string, { node: H5Dataset; refs: Array<{ target: H5Dataset; dim: number }> }>();
    for (const [dim, c] of Object.entries(ds.coords)) {
      const d = dataset(c, opts);
      const refs: Array<{ target: H5Dataset; dim: number }> = [];
      d.attrs.push(
        { name: "CLASS", value: { kind: "fstr", value: "DIMENSION_SCALE" } },
        { name: "NAME", value: { kind: "fstr", value: dim } },
        {
          name: "_Netcdf4Dimid",
          value: {
            kind: "numeric",
            type: H5_TYPE.int32,
            shape: null,
            bytes: viewBytes(new Int32Array([dimId++])),
          },
        },
      );
      addAttrs(d.attrs, c.attrs);
      g.children.push({ name: encodeName(dim, `toNetCDF: group "${name}"`), node: d });
      scales.set(dim, { node: d, refs });
    }
    for (const [vname, v] of Object.entries(ds.variables)) {
      if (vname in ds.coords) {
        throw new ArvizIoError(
          "invalid-group",
          `toNetCDF: group "${name}" has a variable and a coordinate both named "${vname}"; rename the variable.`,
        );
      }
      const d = dataset(v, opts);
      addAttrs(d.attrs, v.attrs);
      const targets = v.dims.map((dim, i) => {
        const s = scales.get(dim);
        if (!s) {
          throw new ArvizIoError(
            "invalid-group",
            `toNetCDF: "${name}/${vname}" has dimension "${dim}" without a coordinate; give it coords.`,
          );
        }
        s.refs.push({ target: d, dim: i });
        return s.node;
      });
      if (targets.length > 0) d.attrs.push({ name: "DIMENSION_LIST", value: { kind: "dimlist", targets } });
      g.children.push({ name: encodeName(vname, `toNetCDF: group "${name}"`), node: d });
    }
    for (const s of scales.values()) {
      if (s.refs.length > 0)
        s.node.attrs.push({ name: "REFERENCE_LIST", value: { kind: "reflist", refs: s.refs } });
    }
  }
  return root;
}
