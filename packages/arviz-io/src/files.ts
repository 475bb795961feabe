import { ArvizIoError } from "./errors.js";
import type { InferenceData } from "./inference-data.js";
import { fromJSON, toJSON } from "./json.js";
import { fromNetCDF } from "./netcdf-read.js";
import { type NetCDFWriteOptions, toNetCDF } from "./netcdf-write.js";
import { fromZarr, toZarr, type ZarrStore, type ZarrWriteOptions } from "./zarr.js";

type Fs = typeof import("node:fs/promises");
type PathMod = typeof import("node:path");

async function node(fn: string): Promise<{ fs: Fs; path: PathMod }> {
  try {
    const [fs, path] = await Promise.all([import("node:fs/promises"), import("node:path")]);
    return { fs, path };
  } catch (e) {
    throw new ArvizIoError(
      "node-only",
      `${fn} writes to the file system and needs Node; in a browser use the in-memory form (toNetCDF, toZarr, toJSON).`,
      { cause: e },
    );
  }
}

async function readBytes(fs: Fs, file: string, fn: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await fs.readFile(file));
  } catch (e) {
    throw new ArvizIoError("invalid-argument", `${fn}: cannot read "${file}": ${(e as Error).message}`, {
      cause: e,
    });
  }
}

/**
 * Writes InferenceData to a netCDF-4 file (Node), the file `az.from_netcdf(path)` opens.
 * @param idata - the InferenceData.
 * @param file - destination path (overwritten).
 * @param options - compression level (default 4).
 * @throws {ArvizIoError} `node-only` outside Node.
 * @example
 * await writeNetCDF(idata, "eight_schools.nc");
 */
export async function writeNetCDF(
  idata: InferenceData,
  file: string,
  options?: NetCDFWriteOptions,
): Promise<void> {
  const { fs } = await node("writeNetCDF");
  await fs.writeFile(file, await toNetCDF(idata, options));
}

/**
 * Reads a netCDF-4 file (Node) written by Phlox or by Python (`az.to_netcdf`).
 * @param file - path.
 * @returns the InferenceData.
 * @throws {ArvizIoError} as {@link fromNetCDF}, or `invalid-argument` if the file cannot be read.
 * @example
 * const idata = await readNetCDF("eight_schools.nc");
 */
export async function readNetCDF(file: string): Promise<InferenceData> {
  const { fs } = await node("readNetCDF");
  return fromNetCDF(await readBytes(fs, file, "readNetCDF"));
}

/**
 * Writes InferenceData as a zarr v2 directory store (Node), the store `az.from_zarr(path)` opens. An existing
 * directory at `dir` is replaced.
 * @param idata - the InferenceData.
 * @param dir - destination directory.
 * @param options - zlib level (default 4).
 * @example
 * await writeZarr(idata, "eight_schools.zarr");
 */
export async function writeZarr(
  idata: InferenceData,
  dir: string,
  options?: ZarrWriteOptions,
): Promise<void> {
  const { fs, path } = await node("writeZarr");
  const store = toZarr(idata, options);
  await fs.rm(dir, { recursive: true, force: true });
  for (const [key, bytes] of store) {
    const file = path.join(dir, ...key.split("/"));
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, bytes);
  }
}

/**
 * Reads a zarr v2 directory store (Node) into memory and decodes it with {@link fromZarr}.
 * @param dir - the store's root directory.
 * @returns the InferenceData.
 * @throws {ArvizIoError} as {@link fromZarr}, or `invalid-argument` if the directory cannot be read.
 * @example
 * const idata = await readZarr("eight_schools.zarr");
 */
export async function readZarr(dir: string): Promise<InferenceData> {
  const { fs, path } = await node("readZarr");
  const store: ZarrStore = new Map();
  let entries: string[];
  try {
    entries = (await fs.readdir(dir, { recursive: true })) as string[];
  } catch (e) {
    throw new ArvizIoError("invalid-argument", `readZarr: cannot list "${dir}": ${(e as Error).message}`, {
      cause: e,
    });
  }
  for (const rel of entries) {
    const full = path.join(dir, rel);
    if (!(await fs.stat(full)).isFile()) continue;
    store.set(rel.split(path.sep).join("/"), await readBytes(fs, full, "readZarr"));
  }
  return fromZarr(store);
}

/**
 * Writes ArviZ's JSON layout to a file (Node), the file `az.from_json(path)` opens.
 * @param idata - the InferenceData.
 * @param file - destination path.
 * @example
 * await writeJSON(idata, "eight_schools.json");
 */
export async function writeJSON(idata: InferenceData, file: string): Promise<void> {
  const { fs } = await node("writeJSON");
  await fs.writeFile(file, toJSON(idata), "utf8");
}

/**
 * Reads an ArviZ JSON file (Node).
 * @param file - path.
 * @returns the InferenceData.
 * @throws {ArvizIoError} as {@link fromJSON}.
 * @example
 * const idata = await readJSON("eight_schools.json");
 */
export async function readJSON(file: string): Promise<InferenceData> {
  const { fs } = await node("readJSON");
  return fromJSON(await readBytes(fs, file, "readJSON"));
}
