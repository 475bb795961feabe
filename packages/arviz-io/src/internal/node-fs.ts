/**
 * Node file access for `writeNetCDF`, `readNetCDF` and the other file helpers. Node-only: the package's
 * `#node-fs` import names this file under the `node` condition only, so browser bundles of `@phlox/arviz-io`
 * never see a `node:` import (they get `node-fs-unavailable.ts`).
 */
import type { NodeFs } from "./atomic.js";

/**
 * Node's `fs/promises` and `path` modules.
 * @param _fn - the calling function's name (used by the browser variant's error).
 * @returns `{ fs, path }`.
 */
export async function nodeFs(_fn: string): Promise<NodeFs> {
  const [fs, path] = await Promise.all([import("node:fs/promises"), import("node:path")]);
  return { fs, path };
}
