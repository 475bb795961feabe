import { DEFLATE_PARALLEL, zlibDeflate } from "#deflate";
import { ArvizIoError } from "./errors.js";
import type { InferenceData } from "./inference-data.js";
import { ITEM_BYTES } from "./internal/arrays.js";
import { CONTENT_CRC_ATTR, contentCrc32 } from "./internal/content-crc.js";
import { capture, guard, type H5, loadH5, memPath, quiet, reserve, unlink } from "./internal/h5.js";
import { writeNumericDataset } from "./internal/h5-blocks.js";
import { type BuiltFile, buildHdf5, concatFile } from "./internal/hdf5/file-writer.js";
import { encodeName } from "./internal/names.js";
import { netcdfTree } from "./netcdf-model.js";
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
  /**
   * HDF5's shuffle filter before deflate (default `true`): the bytes of each element are regrouped by
   * significance, so float64 draws compress to a smaller file than ArviZ's (which does not shuffle).
   */
  readonly shuffle?: boolean;
  /**
   * Which writer builds the file: `"phlox"` (default), Phlox's own HDF5 writer (shuffle + deflate on several
   * threads in Node), or `"h5wasm"`, the HDF5 library compiled to WebAssembly (deflate only, one thread).
   */
  readonly engine?: "phlox" | "h5wasm";
}

/** Target bytes per chunk of the Phlox writer (readers' chunk caches hold at least 1 MiB). */
export const NETCDF_CHUNK_BYTES = 2 ** 20;

/**
 * Builds the netCDF-4 file with Phlox's own HDF5 writer, as pieces in file order. An attribute too large for an
 * object header (over 64 KiB) falls back to the h5wasm writer, which stores it densely.
 * @internal
 */
export async function buildNetCDF(idata: InferenceData, options: NetCDFWriteOptions): Promise<BuiltFile> {
  const compression = options.compression ?? 4;
  checkCompression(compression);
  const tree = netcdfTree(idata, {
    level: compression,
    shuffle: options.shuffle ?? true,
    chunkBytes: NETCDF_CHUNK_BYTES,
  });
  try {
    return await buildHdf5(tree, zlibDeflate, DEFLATE_PARALLEL, "toNetCDF");
  } catch (e) {
    if (!(e instanceof ArvizIoError) || e.code !== "attribute-too-large") throw e;
    const bytes = await withNetCDF(idata, options, (h5, path) => new Uint8Array(h5.FS!.readFile(path)));
    return { pieces: [bytes], size: bytes.length };
  }
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
  h5: H5,
  fileId: bigint,
  g: H5Group,
  group: string,
  name: string,
  v: Variable,
  compression: number,
): H5Dataset {
  const shape = [...v.shape];
  const segment = encodeName(name, `toNetCDF: group "${group}"`);
  if (v.dtype === "string") {
    g.create_dataset({ name: segment, data: [...(v.data as string[])], shape });
  } else {
    const data = v.dtype === "bool" ? new Int8Array(v.data as Uint8Array) : v.data;
    const typed = data as Exclude<typeof data, string[]>;
    writeNumericDataset(
      h5,
      fileId,
      {
        path: `/${encodeName(group, "toNetCDF")}/${segment}`,
        h5dtype: H5_DTYPE[v.dtype],
        item: ITEM_BYTES[v.dtype],
        shape,
        bytes: new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength),
        level: compression,
      },
      `toNetCDF: "${group}/${name}"`,
    );
  }
  const ds = g.get(segment) as H5Dataset | null;
  if (!ds) throw new ArvizIoError("write-failed", `toNetCDF: "${group}/${name}" was not created.`);
  if (v.dtype === "bool") ds.create_attribute("dtype", "bool");
  if (v.dtype === "float64") ds.create_attribute("_FillValue", new Float64Array([Number.NaN]), [], "<d");
  if (v.dtype === "float32") ds.create_attribute("_FillValue", new Float32Array([Number.NaN]), [], "<f");
  return ds;
}

function writeGroup(
  h5: H5,
  f: H5File,
  group: string,
  idata: InferenceData,
  compression: number,
  nextDimId: { value: number },
): void {
  const ds = idata.get(group);
  const g = f.create_group(encodeName(group, "toNetCDF"), true);
  const groupPath = `/${encodeName(group, "toNetCDF")}`;
  writeAttrs(g, ds.attrs);
  // Coordinates first: netCDF dimension scales must exist before variables attach to them.
  for (const [dim, c] of Object.entries(ds.coords)) {
    const d = createVariable(h5, f.file_id, g, group, dim, c, compression);
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
    const d = createVariable(h5, f.file_id, g, group, name, v, compression);
    writeAttrs(d, v.attrs);
    v.dims.forEach((dim, i) => {
      d.attach_scale(i, `${groupPath}/${encodeName(dim, `toNetCDF: "${group}/${name}"`)}`);
    });
  }
}

/** Bytes of all numeric data: the uncompressed size the file will about have. */
function dataBytes(idata: InferenceData): number {
  let n = 0;
  for (const g of idata.groupNames()) {
    const ds = idata.get(g);
    for (const v of [...Object.values(ds.variables), ...Object.values(ds.coords)]) {
      if (!Array.isArray(v.data)) n += (v.data as ArrayBufferView).byteLength;
    }
  }
  return n;
}

function checkCompression(compression: number): void {
  if (!Number.isInteger(compression) || compression < 0 || compression > 9) {
    throw new ArvizIoError(
      "invalid-argument",
      `toNetCDF: compression must be an integer 0–9, got ${compression}.`,
    );
  }
}

/**
 * Builds the netCDF file in h5wasm's in-memory file system, hands its path and size to `use`, then removes it.
 * Every HDF5 status is checked and anything HDF5 prints to stderr is a failure: a file that reaches `use` is
 * complete.
 * @internal
 */
export async function withNetCDF<T>(
  idata: InferenceData,
  options: NetCDFWriteOptions,
  use: (h5: H5, path: string, size: number) => T | Promise<T>,
): Promise<T> {
  const compression = options.compression ?? 4;
  checkCompression(compression);
  const h5 = await loadH5();
  const path = memPath("nc");
  let f: H5File | undefined;
  try {
    let stderr: string;
    try {
      stderr = capture(h5, () => {
        f = guard(
          "write-failed",
          "toNetCDF",
          () => new h5.File(path, "w", { track_order: true, libver: ["v110", "v110"] }),
        );
        reserve(h5, path, dataBytes(idata) + 2 ** 20);
        const file = f;
        guard("write-failed", "toNetCDF: root attributes", () => {
          file.create_attribute("_NCProperties", `version=2,phlox=${PHLOX_VERSION},hdf5=1.14`);
          const { [CONTENT_CRC_ATTR]: _, ...attrs } = idata.attrs;
          writeAttrs(file, attrs);
          file.create_attribute(CONTENT_CRC_ATTR, contentCrc32(idata));
        });
        const nextDimId = { value: 0 };
        for (const group of idata.groupNames()) {
          guard("write-failed", `toNetCDF: group "${group}"`, () =>
            writeGroup(h5, file, group, idata, compression, nextDimId),
          );
        }
        f = undefined;
        const status = file.close();
        if (typeof status === "number" && status < 0) {
          throw new ArvizIoError(
            "write-failed",
            `toNetCDF: HDF5 failed to close the file (status ${status}).`,
          );
        }
      }).stderr;
    } catch (e) {
      if (e instanceof ArvizIoError) throw e;
      throw new ArvizIoError("write-failed", `toNetCDF: ${(e as Error).message}`, { cause: e });
    }
    if (stderr) {
      throw new ArvizIoError(
        "write-failed",
        `toNetCDF: HDF5 reported an error, nothing was written: ${stderr.trim().split("\n").slice(0, 6).join(" | ")}`,
      );
    }
    const size = (h5.FS!.stat(path) as { size: number }).size;
    return await use(h5, path, size);
  } finally {
    if (f) {
      try {
        quiet(h5, () => (f as H5File).close());
      } catch {
        // closing after a failure
      }
    }
    unlink(h5, path);
  }
}

/**
 * Writes InferenceData as netCDF-4 (HDF5) bytes that `az.from_netcdf` / `xarray.open_datatree` open
 * unchanged: one HDF5 group per InferenceData group, each coordinate a netCDF dimension scale (`CLASS`,
 * `NAME`, `REFERENCE_LIST`, int32 `_Netcdf4Dimid`), variables with `DIMENSION_LIST`, bool as int8 with
 * `dtype="bool"`, `_FillValue = NaN` on floats, shuffle + deflate level 4, root `_NCProperties`. Built by
 * Phlox's own HDF5 writer (chunks compressed on Node's zlib thread pool, or `CompressionStream` in browsers);
 * `{ engine: "h5wasm" }` uses the HDF5 library instead. {@link writeNetCDF} writes to a path.
 * With a path as second argument it writes the file instead (Node; the same as {@link writeNetCDF}), as in
 * `await toNetCDF(idata, "radon.nc")`.
 * @param idata - the InferenceData.
 * @param options - compression level, shuffle, engine.
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
  if (fileOrOptions.engine === "h5wasm") {
    return withNetCDF(idata, fileOrOptions, (h5, path) => new Uint8Array(h5.FS!.readFile(path)));
  }
  return concatFile(await buildNetCDF(idata, fileOrOptions));
}
