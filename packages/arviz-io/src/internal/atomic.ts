import { ArvizIoError } from "../errors.js";

type Fs = typeof import("node:fs/promises");
type PathMod = typeof import("node:path");
type Handle = Awaited<ReturnType<Fs["open"]>>;

/** Node's file system modules, loaded lazily so that the package imports in browsers. */
export interface NodeFs {
  fs: Fs;
  path: PathMod;
}

function tag(): string {
  return `${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

async function fsyncDir(fs: Fs, dir: string): Promise<void> {
  let h: Handle | undefined;
  try {
    h = await fs.open(dir, "r");
    await h.sync();
  } catch {
    // Directories cannot be opened for fsync on every platform; the rename itself is still atomic.
  } finally {
    await h?.close().catch(() => undefined);
  }
}

/**
 * Writes a file atomically: the bytes go to a temporary file beside `file` (same directory, so the same file
 * system), are flushed to disk, and only then renamed over `file`. A crash, `kill -9` or an error at any point
 * leaves the old file (or no file) and at worst a `.<name>.phlox-tmp-*` file, never a partial `file`.
 * @param write - writes the content through the open handle.
 */
export async function atomicWriteFile(
  { fs, path }: NodeFs,
  file: string,
  fn: string,
  write: (h: Handle) => Promise<void>,
): Promise<void> {
  const dir = path.dirname(path.resolve(file));
  const tmp = path.join(dir, `.${path.basename(file)}.phlox-tmp-${tag()}`);
  let h: Handle | undefined;
  try {
    h = await fs.open(tmp, "wx");
    await write(h);
    await h.sync();
    await h.close();
    h = undefined;
    await fs.rename(tmp, file);
  } catch (e) {
    await h?.close().catch(() => undefined);
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    if (e instanceof ArvizIoError) throw e;
    throw new ArvizIoError("write-failed", `${fn}: cannot write "${file}": ${(e as Error).message}`, {
      cause: e,
    });
  }
  await fsyncDir(fs, dir);
}

/** Writes all of `bytes` through `h` in pieces of at most 64 MiB (a single write is limited to 2 GiB). */
export async function writeAll(h: Handle, bytes: Uint8Array): Promise<void> {
  const STEP = 64 * 2 ** 20;
  for (let at = 0; at < bytes.length; ) {
    const { bytesWritten } = await h.write(bytes, at, Math.min(STEP, bytes.length - at));
    if (bytesWritten <= 0) {
      throw new ArvizIoError(
        "write-failed",
        `the disk accepted no more bytes after ${at} of ${bytes.length}: free disk space and write again.`,
      );
    }
    at += bytesWritten;
  }
}

/** Reads a whole file in pieces into one buffer (Node's readFile stops at 2 GiB). */
export async function readAll({ fs }: NodeFs, file: string, fn: string): Promise<Uint8Array> {
  let h: Handle | undefined;
  try {
    h = await fs.open(file, "r");
    const size = (await h.stat()).size;
    const out = new Uint8Array(size);
    const STEP = 64 * 2 ** 20;
    for (let at = 0; at < size; ) {
      const { bytesRead } = await h.read(out, at, Math.min(STEP, size - at), at);
      if (bytesRead <= 0) {
        throw new ArvizIoError(
          "truncated",
          `the file ended after ${at} of ${size} bytes (it shrank while read).`,
        );
      }
      at += bytesRead;
    }
    return out;
  } catch (e) {
    throw new ArvizIoError("invalid-argument", `${fn}: cannot read "${file}": ${(e as Error).message}`, {
      cause: e,
    });
  } finally {
    await h?.close().catch(() => undefined);
  }
}

/**
 * Replaces the directory `dir` with a new one atomically: `fill` writes the new content into a sibling
 * temporary directory (every file flushed), which is then swapped in (`dir` → `<dir>.phlox-old-*`, temporary →
 * `dir`, old removed). `check` vets an existing `dir` first and throws to refuse (so an unrelated directory is
 * never deleted). A crash or error before the swap leaves `dir` as it was; the swap itself is two renames.
 */
export async function atomicReplaceDir(
  { fs, path }: NodeFs,
  dir: string,
  fn: string,
  check: (dir: string) => Promise<void>,
  fill: (tmp: string) => Promise<void>,
): Promise<void> {
  const target = path.resolve(dir);
  const parent = path.dirname(target);
  const base = path.basename(target);
  let exists = false;
  try {
    const st = await fs.lstat(target);
    if (!st.isDirectory()) {
      throw new ArvizIoError(
        "invalid-argument",
        `${fn}: "${dir}" exists and is not a directory; refusing to replace it. Remove it or choose another path.`,
      );
    }
    exists = true;
  } catch (e) {
    if (e instanceof ArvizIoError) throw e;
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") {
      throw new ArvizIoError("write-failed", `${fn}: cannot inspect "${dir}": ${(e as Error).message}`, {
        cause: e,
      });
    }
  }
  if (exists) await check(target);
  const tmp = path.join(parent, `.${base}.phlox-tmp-${tag()}`);
  try {
    await fs.mkdir(parent, { recursive: true });
    await fs.mkdir(tmp);
    await fill(tmp);
  } catch (e) {
    await fs.rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    if (e instanceof ArvizIoError) throw e;
    throw new ArvizIoError("write-failed", `${fn}: cannot write "${dir}": ${(e as Error).message}`, {
      cause: e,
    });
  }
  const old = path.join(parent, `.${base}.phlox-old-${tag()}`);
  try {
    if (exists) await fs.rename(target, old);
    await fs.rename(tmp, target);
  } catch (e) {
    // Put the old store back if the new one could not take its place.
    if (exists) await fs.rename(old, target).catch(() => undefined);
    await fs.rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    throw new ArvizIoError("write-failed", `${fn}: cannot replace "${dir}": ${(e as Error).message}`, {
      cause: e,
    });
  }
  await fsyncDir(fs, parent);
  if (exists) await fs.rm(old, { recursive: true, force: true });
}
