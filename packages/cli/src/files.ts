import { readFile, stat } from "node:fs/promises";
import {
  type InferenceData,
  readJSON,
  readNetCDF,
  readZarr,
  writeJSON,
  writeNetCDF,
  writeZarr,
} from "@phlox/arviz-io";
import { CliError } from "./errors.js";

/** The InferenceData formats the command line reads and writes, chosen by the path. */
export type RunFormat = "netcdf" | "json" | "zarr";

/**
 * The format of an InferenceData path: `.json` is ArviZ JSON, `.zarr` (or any directory) a zarr store, anything
 * else (`.nc`, `.h5`, ...) netCDF-4.
 * @param path - the file or directory.
 * @param isDirectory - whether it is an existing directory.
 * @returns the format.
 * @example
 * runFormat("run.json"); // → "json"
 */
export function runFormat(path: string, isDirectory = false): RunFormat {
  if (/\.json$/i.test(path)) return "json";
  if (isDirectory || /\.zarr\/?$/i.test(path)) return "zarr";
  return "netcdf";
}

async function mustExist(path: string, who: string, what: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    throw new CliError("missing-file", `${who}: ${what} "${path}" does not exist (or cannot be read).`);
  }
}

/**
 * Reads an InferenceData file: netCDF (`.nc`), ArviZ JSON (`.json`) or a zarr directory store (`.zarr`).
 * @param path - the file or directory.
 * @param who - the command, for messages (e.g. `"phlox diagnose"`).
 * @returns the InferenceData.
 * @throws CliError `missing-file` when the path does not exist; `bad-json` for JSON that does not parse;
 * `bad-run` when the file is not a readable InferenceData (the reader's message is kept).
 */
export async function readRun(path: string, who: string): Promise<InferenceData> {
  const dir = await mustExist(path, who, "file");
  const format = runFormat(path, dir);
  try {
    if (format === "json") return await readJSON(path);
    if (format === "zarr") return await readZarr(path);
    return await readNetCDF(path);
  } catch (e) {
    const msg = (e as Error).message ?? String(e);
    if (e instanceof SyntaxError)
      throw new CliError("bad-json", `${who}: "${path}" is not valid JSON: ${msg}`);
    throw new CliError(
      "bad-run",
      `${who}: cannot read "${path}" as ${format === "netcdf" ? "netCDF-4" : format} InferenceData: ${msg}`,
    );
  }
}

/**
 * Writes an InferenceData in the format its path names (see {@link runFormat}); atomic, as `@phlox/arviz-io`.
 * @param idata - the InferenceData.
 * @param path - `.nc`, `.json` or `.zarr`.
 * @returns the format written.
 */
export async function writeRun(idata: InferenceData, path: string): Promise<RunFormat> {
  const format = runFormat(path);
  if (format === "json") await writeJSON(idata, path);
  else if (format === "zarr") await writeZarr(idata, path);
  else await writeNetCDF(idata, path);
  return format;
}

/** A JSON value, as `JSON.parse` returns it. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** The parsed data file: an object whose values are whatever the JSON holds. */
export type DataRecord = Record<string, JsonValue>;

/**
 * Reads a data file: a JSON object (`{ "y": [..], "sigma": [..], "n": 8 }`).
 * @param path - the file.
 * @param who - the command, for messages.
 * @returns the parsed object.
 * @throws CliError `missing-file`, `bad-json` (with the parser's position), `bad-data` when it is not an object.
 */
export async function readData(path: string, who: string): Promise<DataRecord> {
  await mustExist(path, who, "data file");
  const text = await readFile(path, "utf8");
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new CliError("bad-json", `${who}: data file "${path}" is not valid JSON: ${(e as Error).message}`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
    throw new CliError(
      "bad-data",
      `${who}: data file "${path}" must hold a JSON object of named values ({ "y": [...], ... }), got ${Array.isArray(parsed) ? "an array" : typeof parsed}.`,
    );
  return parsed as DataRecord;
}
