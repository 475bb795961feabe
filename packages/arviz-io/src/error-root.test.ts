import { PhloxError } from "@phlox/tensor";
import { bareErrors } from "@phlox/test-utils";
import { describe, expect, it } from "vitest";
import { ArvizIoError, fromArrays, fromJSON, fromNetCDF, fromZarr } from "./index.js";
import { nodeFs } from "./internal/node-fs-unavailable.js";

// One error root: everything @phlox/arviz-io throws on purpose is an ArvizIoError, a PhloxError with a stable
// code; a bare Error/TypeError/RangeError in the sources fails this test.
it("no source file throws a bare Error, TypeError or RangeError", () => {
  const found = bareErrors(new URL(".", import.meta.url));
  expect(found).toEqual([]);
});

const cases: [string, () => unknown, string][] = [
  ["fromJSON of broken JSON", () => fromJSON("{"), "invalid-json"],
  ["fromNetCDF of bytes that are not HDF5", () => fromNetCDF(new Uint8Array(64).fill(7)), "not-hdf5"],
  ["fromZarr of an empty store", () => fromZarr(new Map()), "invalid-zarr"],
  [
    "fromArrays with data that does not fill its shape",
    () => fromArrays({ posterior: { x: { data: new Float64Array(3), shape: [2, 2] } } }),
    "invalid-variable",
  ],
  ["file helpers in a browser build", () => nodeFs("writeNetCDF"), "node-only"],
];

describe("bad input throws a PhloxError with a stable code", () => {
  it.each(cases)("%s", async (_name, fn, code) => {
    let caught: unknown;
    try {
      await fn();
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(PhloxError);
    expect(caught).toBeInstanceOf(ArvizIoError);
    expect((caught as PhloxError).code).toBe(code);
  });
});
