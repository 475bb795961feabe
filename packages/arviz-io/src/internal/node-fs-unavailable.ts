/**
 * What `#node-fs` names outside Node (browser and neutral builds): there is no file system, so the file helpers
 * say which in-memory function to use instead.
 */
import { ArvizIoError } from "../errors.js";
import type { NodeFs } from "./atomic.js";

/**
 * Always rejects: this build of `@phlox/arviz-io` has no file system access.
 * @param fn - the calling function's name, for the message.
 * @throws {ArvizIoError} `node-only`, naming the in-memory alternative.
 */
export async function nodeFs(fn: string): Promise<NodeFs> {
  throw new ArvizIoError(
    "node-only",
    `${fn} writes to or reads from the file system and needs Node (this is the browser build of @phlox/arviz-io); ` +
      "in a browser use the in-memory form (toNetCDF/fromNetCDF, toZarr/fromZarr with a store, toJSON/fromJSON).",
  );
}
