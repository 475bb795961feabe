import { nodeFs as node } from "#node-fs";
import { ArvizIoError } from "./errors.js";
import type { InferenceData } from "./inference-data.js";
import { atomicReplaceDir, atomicWriteFile, type NodeFs, readAll, writeAll } from "./internal/atomic.js";
import { MANIFEST_KEY } from "./internal/zarr-manifest.js";
import { fromJSON, jsonPieces } from "./json.js";
import { decodeNetCDF } from "./netcdf-read.js";
import { buildNetCDF, type NetCDFWriteOptions, withNetCDF } from "./netcdf-write.js";
import { fromZarr } from "./zarr-read.js";
import { toZarr, type ZarrStore, type ZarrWriteOptions } from "./zarr-write.js";

/**
 * Writes InferenceData to a netCDF-4 file (Node), the file `az.from_netcdf(path)` opens (as {@link toNetCDF}:
 * Phlox's own HDF5 writer, shuffle + deflate). Atomic: the file is built completely in memory (with the h5wasm
 * engine, every HDF5 status checked), written to a temporary file beside `file`, flushed, then renamed over
 * `file`; on any error or crash an existing `file` is left unchanged.
 * @param idata - the InferenceData.
 * @param file - destination path (replaced).
 * @param options - compression level (default 4), shuffle (default on), engine.
 * @throws {ArvizIoError} `write-failed` (HDF5 or the disk failed; nothing replaced), `node-only` outside Node.
 * @example
 * await writeNetCDF(idata, "eight_schools.nc");
 */
export async function writeNetCDF(
  idata: InferenceData,
  file: string,
  options?: NetCDFWriteOptions,
): Promise<void> {
  const nfs = await node("writeNetCDF");
  if (options?.engine !== "h5wasm") {
    const built = await buildNetCDF(idata, options ?? {});
    await atomicWriteFile(nfs, file, "writeNetCDF", async (h) => {
      // Small pieces (object headers, B-tree nodes) are gathered into one write; chunks go as they are.
      const staged = new Uint8Array(4 * 2 ** 20);
      let used = 0;
      for (const piece of built.pieces) {
        const direct = piece.length >= staged.length / 4;
        if (used > 0 && (direct || used + piece.length > staged.length)) {
          await writeAll(h, staged.subarray(0, used));
          used = 0;
        }
        if (direct) await writeAll(h, piece);
        else {
          staged.set(piece, used);
          used += piece.length;
        }
      }
      if (used > 0) await writeAll(h, staged.subarray(0, used));
    });
    return;
  }
  await withNetCDF(idata, options ?? {}, (h5, memPath, size) =>
    atomicWriteFile(nfs, file, "writeNetCDF", async (h) => {
      // Stream from h5wasm's in-memory file system: no second copy of a large file.
      const FS = h5.FS as unknown as {
        open(p: string, flags: string): unknown;
        read(s: unknown, buf: Uint8Array, off: number, len: number, pos: number): number;
        close(s: unknown): void;
      };
      const stream = FS.open(memPath, "r");
      try {
        const buf = new Uint8Array(Math.min(size, 16 * 2 ** 20) || 1);
        for (let at = 0; at < size; ) {
          const n = FS.read(stream, buf, 0, Math.min(buf.length, size - at), at);
          if (n <= 0)
            throw new ArvizIoError("write-failed", `writeNetCDF: the built file ended at ${at} bytes.`);
          await writeAll(h, buf.subarray(0, n));
          at += n;
        }
      } finally {
        FS.close(stream);
      }
    }),
  );
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
  const nfs = await node("readNetCDF");
  return decodeNetCDF(await readAll(nfs, file, "readNetCDF"), file, true);
}

/** Store files that may be in a zarr directory Phlox replaces: metadata and chunk keys, nothing else. */
function isZarrFile(rel: string, dirs: Set<string>): boolean {
  const parts = rel.split("/");
  const name = parts[parts.length - 1];
  if ([".zgroup", ".zattrs", ".zarray", ".zmetadata", "zarr.json", MANIFEST_KEY].includes(name)) return true;
  // A chunk: inside an array directory (one holding .zarray or zarr.json), named by its grid indices.
  for (let i = parts.length - 1; i >= 1; i--) {
    if (dirs.has(parts.slice(0, i).join("/"))) {
      return /^(c([./]\d+)*|\d+([./]\d+)*)$/.test(parts.slice(i).join("/"));
    }
  }
  return false;
}

async function listFiles(nfs: NodeFs, dir: string, fn: string): Promise<string[]> {
  const { fs, path } = nfs;
  const out: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    const entries = await fs.readdir(path.join(dir, rel), { withFileTypes: true });
    for (const e of entries) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(r);
      else if (e.isFile()) out.push(r);
      else {
        throw new ArvizIoError(
          "invalid-zarr",
          `${fn}: "${path.join(dir, r)}" is a link or special file; a zarr store holds plain files only.`,
        );
      }
    }
  };
  try {
    await walk("");
  } catch (e) {
    if (e instanceof ArvizIoError) throw e;
    throw new ArvizIoError("invalid-argument", `${fn}: cannot list "${dir}": ${(e as Error).message}`, {
      cause: e,
    });
  }
  return out;
}

/**
 * Writes InferenceData as a zarr directory store (Node): v2 by default (`az.from_zarr` with zarr 2), or v3 with
 * `{ zarrFormat: 3 }` (`xr.open_datatree(path, engine="zarr")` + `az.InferenceData.from_datatree`). Atomic: the
 * store is written into a sibling temporary directory and swapped in only when complete, so a crash or error
 * leaves the old store. An existing `dir` is replaced only if it is empty or a zarr store (only zarr metadata and
 * chunk files); any other content makes it refuse, so unrelated files are never deleted.
 * @param idata - the InferenceData.
 * @param dir - destination directory.
 * @param options - compression level and zarr format.
 * @throws {ArvizIoError} `invalid-argument` when `dir` holds something other than a zarr store; `write-failed`.
 * @example
 * await writeZarr(idata, "eight_schools.zarr");
 */
export async function writeZarr(
  idata: InferenceData,
  dir: string,
  options?: ZarrWriteOptions,
): Promise<void> {
  const nfs = await node("writeZarr");
  const { fs, path } = nfs;
  const store = toZarr(idata, options);
  await atomicReplaceDir(
    nfs,
    dir,
    "writeZarr",
    async (existing) => {
      const files = await listFiles(nfs, existing, "writeZarr");
      const arrays = new Set(
        files
          .filter((f) => f.endsWith("/.zarray") || f.endsWith("/zarr.json"))
          .map((f) => f.slice(0, f.lastIndexOf("/"))),
      );
      const foreign = files.filter((f) => !isZarrFile(f, arrays));
      if (foreign.length > 0) {
        throw new ArvizIoError(
          "invalid-argument",
          `writeZarr: "${dir}" holds files that are not part of a zarr store (${foreign.slice(0, 3).join(", ")}` +
            `${foreign.length > 3 ? ", …" : ""}); refusing to replace it. Move them or choose another path.`,
        );
      }
    },
    async (tmp) => {
      const made = new Set<string>();
      for (const [key, bytes] of store) {
        const parts = key.split("/");
        if (parts.some((p) => p === "" || p === "." || p === ".." || p.includes("\\"))) {
          throw new ArvizIoError("invalid-zarr", `writeZarr: refusing the store key "${key}".`);
        }
        const file = path.join(tmp, ...parts);
        const parent = path.dirname(file);
        if (!made.has(parent)) {
          await fs.mkdir(parent, { recursive: true });
          made.add(parent);
        }
        await atomicFileInPlace(nfs, file, bytes);
      }
    },
  );
}

async function atomicFileInPlace({ fs }: NodeFs, file: string, bytes: Uint8Array): Promise<void> {
  const h = await fs.open(file, "wx");
  try {
    await writeAll(h, bytes);
    await h.sync();
  } finally {
    await h.close();
  }
}

/**
 * Reads a zarr v2 or v3 directory store (Node) into memory and decodes it with {@link fromZarr}. Links and
 * special files are refused (a store holds plain files), so nothing outside `dir` is read.
 * @param dir - the store's root directory.
 * @returns the InferenceData.
 * @throws {ArvizIoError} as {@link fromZarr}, or `invalid-argument` if the directory cannot be read.
 * @example
 * const idata = await readZarr("eight_schools.zarr");
 */
export async function readZarr(dir: string): Promise<InferenceData> {
  const nfs = await node("readZarr");
  const store: ZarrStore = new Map();
  for (const rel of await listFiles(nfs, dir, "readZarr")) {
    store.set(rel, await readAll(nfs, nfs.path.join(dir, ...rel.split("/")), "readZarr"));
  }
  return fromZarr(store);
}

/**
 * Writes ArviZ's JSON layout to a file (Node), the file `az.from_json(path)` opens. Streamed in pieces of about
 * 1 MiB (no size limit from JavaScript strings) and atomic (temporary file, flushed, renamed).
 * @param idata - the InferenceData.
 * @param file - destination path (replaced).
 * @throws {ArvizIoError} `write-failed`; `node-only` outside Node.
 * @example
 * await writeJSON(idata, "eight_schools.json");
 */
export async function writeJSON(idata: InferenceData, file: string): Promise<void> {
  const nfs = await node("writeJSON");
  const te = new TextEncoder();
  await atomicWriteFile(nfs, file, "writeJSON", async (h) => {
    for (const piece of jsonPieces(idata)) await writeAll(h, te.encode(piece));
  });
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
  const nfs = await node("readJSON");
  return fromJSON(await readAll(nfs, file, "readJSON"));
}
