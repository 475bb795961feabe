import { build } from "esbuild";
import { expect, it } from "vitest";
import { nodeFs } from "./internal/node-fs-unavailable.js";

// The browser build of @phlox/arviz-io must not reach Node's file system: `#node-fs` resolves to the
// unavailable variant under the `browser` condition, so esbuild's browser platform bundles without a `node:`
// import (it fails on one: "Could not resolve node:fs/promises").
it("a browser bundle of @phlox/arviz-io has no node: import", async () => {
  const r = await build({
    entryPoints: [new URL("./index.ts", import.meta.url).pathname],
    bundle: true,
    platform: "browser",
    format: "esm",
    conditions: ["@phlox/source"],
    write: false,
    logLevel: "silent",
    metafile: true,
  });
  expect(r.errors).toEqual([]);
  const inputs = Object.keys(r.metafile.inputs);
  expect(inputs.some((p) => p.endsWith("node-fs-unavailable.ts"))).toBe(true);
  expect(inputs.some((p) => p.endsWith("internal/node-fs.ts"))).toBe(false);
  expect(r.outputFiles[0].text).not.toMatch(/["']node:[a-z_/]+["']/);
}, 120_000);

it("the browser variant of the file helpers says to use the in-memory form", async () => {
  await expect(nodeFs("writeNetCDF")).rejects.toMatchObject({
    code: "node-only",
    message: expect.stringContaining("toNetCDF"),
  });
});
