import { ArvizIoError } from "../errors.js";

/** The h5wasm module namespace, loaded lazily so that importing this package does not start WebAssembly. */
export type H5 = typeof import("h5wasm");

let loading: Promise<H5> | undefined;
let counter = 0;

/** Loads h5wasm once (its ESM build, MEMFS file system: identical in Node and browsers). */
export async function loadH5(): Promise<H5> {
  loading ??= (async () => {
    const mod = (await import("h5wasm")) as H5;
    await mod.ready;
    return mod;
  })();
  return loading;
}

/** A fresh path in h5wasm's in-memory file system. */
export function memPath(ext: string): string {
  counter += 1;
  return `/phlox-arviz-${Date.now().toString(36)}-${counter}.${ext}`;
}

/** Removes a file from h5wasm's in-memory file system, ignoring absence. */
export function unlink(h5: H5, path: string): void {
  try {
    h5.FS?.unlink(path);
  } catch {
    // already gone
  }
}

/** Runs an h5wasm call; any throw becomes an ArvizIoError with `code` and the context `where`. */
export function guard<T>(code: string, where: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ArvizIoError) throw e;
    const msg = e instanceof Error ? e.message : String(e);
    throw new ArvizIoError(code, `${where}: ${msg.split("\n")[0].slice(0, 300)}`, { cause: e });
  }
}

interface StreamLike {
  stream_ops: { write?: (...args: unknown[]) => number };
}

/**
 * Runs `fn` with the WebAssembly module's stderr muted. HDF5's dimension-scale helpers print their error
 * stack to stderr before h5wasm turns the failure into an exception; on a damaged file that is pages of
 * noise for an error we already report. The stream is restored afterwards (the module is shared).
 */
export function quiet<T>(h5: H5, fn: () => T): T {
  return capture(h5, fn).value;
}

/**
 * Runs `fn` with the WebAssembly module's stderr captured instead of printed. HDF5 reports a failed call by
 * printing its error stack and returning a negative status, which h5wasm's wrappers often drop (issue 22: a
 * 768 MB write "succeeded" with only `memory allocation failed for raw data chunk` on stderr); writers treat
 * any captured text as a failure.
 * @returns the result and what HDF5 printed (empty when nothing was).
 */
export function capture<T>(h5: H5, fn: () => T): { value: T; stderr: string } {
  const fs = h5.FS as unknown as { getStream?: (fd: number) => StreamLike | null } | null;
  const stream = fs?.getStream?.(2);
  if (!stream?.stream_ops) return { value: fn(), stderr: "" };
  const ops = stream.stream_ops;
  const parts: string[] = [];
  let kept = 0;
  const decoder = new TextDecoder();
  stream.stream_ops = {
    ...ops,
    write: (...args: unknown[]) => {
      const [, buffer, offset, length] = args as [unknown, Uint8Array, number, number];
      if (kept < 4096 && buffer?.subarray) {
        const text = decoder.decode(buffer.subarray(offset, offset + Math.min(length, 4096 - kept)));
        parts.push(text);
        kept += text.length;
      } else if (kept === 0) kept = 1; // something was written, even if unreadable
      return length;
    },
  };
  try {
    const value = fn();
    return { value, stderr: parts.join("") || (kept > 0 ? "(unreadable output)" : "") };
  } finally {
    stream.stream_ops = ops;
  }
}

interface MemNode {
  contents: Uint8Array | null;
  usedBytes: number;
}

/**
 * Reserves `bytes` of capacity for the in-memory file at `path`. h5wasm's MEMFS grows a file by 12.5% at a
 * time, copying it each time; for a file of hundreds of MB that is dozens of full copies. Bytes past the end
 * stay zero, as MEMFS guarantees.
 */
export function reserve(h5: H5, path: string, bytes: number): void {
  const fs = h5.FS as unknown as { lookupPath(p: string): { node: MemNode } } | null;
  try {
    const node = (fs as NonNullable<typeof fs>).lookupPath(path).node;
    const have = node.contents?.length ?? 0;
    if (have >= bytes) return;
    const grown = new Uint8Array(bytes);
    if (node.contents && node.usedBytes > 0) grown.set(node.contents.subarray(0, node.usedBytes));
    node.contents = grown;
  } catch {
    // Not MEMFS (or no such file): nothing to reserve.
  }
}
