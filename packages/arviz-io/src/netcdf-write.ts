import { ArvizIoError } from "./errors.js";
import type { InferenceData } from "./inference-data.js";
import { guard, loadH5, memPath, unlink } from "./internal/h5.js";
import type { Attrs, AttrValue, DType, Variable } from "./types.js";
import { PHLOX_VERSION } from "./version.js";

type H5File = InstanceType<typeof import("h5wasm").File>;
type H5Group = InstanceType<typeof import("h5wasm").Group>;
type H5Dataset = InstanceType<typeof import("h5wasm").Dataset>;

const H5_DTYPE: Record<Exclude<DType, "string">, string> = {
  float64: "<d",
  float32: "<f",
  int64: "<q",
  int32: "<i",
  int16: "<h",
  int8: "<b",
  uint64: "<Q",
  uint32: "<I",
  uint16: "<H",
  uint8: "<B",
  bool: "<b",
};

/** Options of {@link toNetCDF}. */
export interface NetCDFWriteOptions {
  /** Deflate level 0–9 for numeric data variables (default 4, as ArviZ's `compress=True`); 0 = none. */
  readonly compression?: number;
}

function writeAttr(obj: H5Group | H5Dataset, name: string, value: AttrValue): void {
  if (typeof value === "string") obj.create_attribute(name, value);
  else if (typeof value === "boolean") obj.create_attribute(name, new Int8Array([value ? 1 : 0]), [], "<b");
  else if (typeof value === "number") obj.create_attribute(name, new Float64Array([value]), [], "<d");
  else if (value.length > 0 && typeof value[0] === "string")
    obj.create_attribute(name, [...(value as string[])]);
  else obj.create_attribute(name, Float64Array.from(value as number[]), [value.length], "<d");
}

function writeAttrs(obj: H5Group | H5Dataset, attrs: Attrs): void {
  for (const [k, v] of Object.entries(attrs)) writeAttr(obj, k, v);
}

function createVariable(
  g: H5Group,
  name: string,
  v: Variable,
  compression: number,
  isCoord: boolean,
): H5Dataset {
  const shape = [...v.shape];
  const n = v.data.length;
  if (v.dtype === "string") {
    return g.create_dataset({ name, data: [...(v.data as string[])], shape });
  }
  const data = v.dtype === "bool" ? new Int8Array(v.data as Uint8Array) : v.data;
  const chunked = !isCoord && compression > 0 && n > 0 && shape.length > 0;
  const ds = g.create_dataset({
    name,
    data: data as Exclude<typeof data, string[]>,
    shape,
    dtype: H5_DTYPE[v.dtype],
    ...(chunked ? { chunks: shape, compression } : {}),
  });
  if (v.dtype === "bool") ds.create_attribute("dtype", "bool");
  if (v.dtype === "float64") ds.create_attribute("_FillValue", new Float64Array([Number.NaN]), [], "<d");
  if (v.dtype === "float32") ds.create_attribute("_FillValue", new Float32Array([Number.NaN]), [], "<f");
  return ds;
}

function writeGroup(
  f: H5File,
  group: string,
  idata: InferenceData,
  compression: number,
  nextDimId: { value: number },
): void {
  const ds = idata.get(group);
  const g = f.create_group(group, true);
  writeAttrs(g, ds.attrs);
  // Coordinates first: netCDF dimension scales must exist before variables attach to them.
  for (const [dim, c] of Object.entries(ds.coords)) {
    const d = createVariable(g, dim, c, 0, true);
    d.make_scale(dim);
    d.create_attribute("_Netcdf4Dimid", new Int32Array([nextDimId.value++]), [], "<i");
    writeAttrs(d, c.attrs);
  }
  for (const [name, v] of Object.entries(ds.variables)) {
    if (name in ds.coords) {
      throw new ArvizIoError(
        "invalid-group",
        `toNetCDF: group "${group}" has a variable and a coordinate both named "${name}"; rename the variable.`,
      );
    }
    const d = createVariable(g, name, v, compression, false);
    writeAttrs(d, v.attrs);
    v.dims.forEach((dim, i) => {
      d.attach_scale(i, `/${group}/${dim}`);
    });
  }
}

/**
 * Writes InferenceData as netCDF-4 (HDF5) bytes that `az.from_netcdf` / `xarray.open_datatree` open
 * unchanged: one HDF5 group per InferenceData group, each coordinate a netCDF dimension scale (`CLASS`,
 * `NAME`, `REFERENCE_LIST`, int32 `_Netcdf4Dimid`), variables with `DIMENSION_LIST`, bool as int8 with
 * `dtype="bool"`, `_FillValue = NaN` on floats, deflate level 4, root `_NCProperties`. Works in Node and
 * browsers (h5wasm's in-memory file system); {@link writeNetCDF} writes to a path.
 * With a path as second argument it writes the file instead (Node; the same as {@link writeNetCDF}), as in
 * `await toNetCDF(idata, "radon.nc")`.
 * @param idata - the InferenceData.
 * @param options - compression level.
 * @returns the file's bytes (nothing when given a path).
 * @throws {ArvizIoError} `invalid-group` for names netCDF cannot store; `node-only` for a path outside Node.
 * @example
 * const bytes = await toNetCDF(fromArrays({ posterior: { mu: [[1, 2]] } }));
 * String.fromCharCode(bytes[1], bytes[2], bytes[3]); // → "HDF"
 */
export async function toNetCDF(
  idata: InferenceData,
  options?: NetCDFWriteOptions,
): Promise<Uint8Array<ArrayBuffer>>;
export async function toNetCDF(
  idata: InferenceData,
  file: string,
  options?: NetCDFWriteOptions,
): Promise<undefined>;
export async function toNetCDF(
  idata: InferenceData,
  fileOrOptions: string | NetCDFWriteOptions = {},
  maybeOptions: NetCDFWriteOptions = {},
): Promise<Uint8Array<ArrayBuffer> | undefined> {
  if (typeof fileOrOptions === "string") {
    const { writeNetCDF } = await import("./files.js");
    await writeNetCDF(idata, fileOrOptions, maybeOptions);
    return undefined;
  }
  const options = fileOrOptions;
  const compression = options.compression ?? 4;
  if (!Number.isInteger(compression) || compression < 0 || compression > 9) {
    throw new ArvizIoError(
      "invalid-argument",
      `toNetCDF: compression must be an integer 0–9, got ${compression}.`,
    );
  }
  const h5 = await loadH5();
  const path = memPath("nc");
  let f: H5File | undefined;
  try {
    f = guard("write-failed", "toNetCDF", () => new h5.File(path, "w", { track_order: true }));
    const file = f;
    guard("write-failed", "toNetCDF: root attributes", () => {
      file.create_attribute("_NCProperties", `version=2,phlox=${PHLOX_VERSION},hdf5=1.14`);
      writeAttrs(file, idata.attrs);
    });
    const nextDimId = { value: 0 };
    for (const group of idata.groupNames()) {
      guard("write-failed", `toNetCDF: group "${group}"`, () =>
        writeGroup(file, group, idata, compression, nextDimId),
      );
    }
    f.close();
    f = undefined;
    const bytes = h5.FS!.readFile(path);
    return new Uint8Array(bytes);
  } finally {
    if (f) {
      try {
        f.close();
      } catch {
        // closing after a failure
      }
    }
    unlink(h5, path);
  }
}
