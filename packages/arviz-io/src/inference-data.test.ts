import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { createDataset, makeAttrs } from "./dataset.js";
import { ArvizIoError } from "./errors.js";
import { fromArrays } from "./from-arrays.js";
import { InferenceData } from "./inference-data.js";
import { PHLOX_VERSION } from "./version.js";

describe("createDataset and fromArrays", () => {
  test("names dims chain, draw, then dims[var], then <var>_dim_<i>, with default int64 coordinates", () => {
    const ds = createDataset(
      { x: { data: new Float64Array(2 * 3 * 4 * 5), shape: [2, 3, 4, 5] } },
      { dims: { x: ["a"] } },
    );
    expect(ds.variables.x.dims).toEqual(["chain", "draw", "a", "x_dim_1"]);
    expect(ds.coords.a.dtype).toBe("int64");
    expect(Array.from(ds.coords.x_dim_1.data as BigInt64Array, Number)).toEqual([0, 1, 2, 3, 4]);
  });

  test("data groups have no chain/draw; nested arrays infer float64, bool and string dtypes", () => {
    const idata = fromArrays({
      observed_data: {
        y: [
          [1, 2],
          [3, 4],
        ],
        flag: [true, false],
        label: ["u", "v"],
      },
    });
    const ds = idata.get("observed_data");
    expect(ds.variables.y.dims).toEqual(["y_dim_0", "y_dim_1"]);
    expect([ds.variables.y.dtype, ds.variables.flag.dtype, ds.variables.label.dtype]).toEqual([
      "float64",
      "bool",
      "string",
    ]);
  });

  test("shape, dims and coordinate mismatches throw ArvizIoError naming the variable", () => {
    expect(() => createDataset({ x: { data: new Float64Array(5), shape: [2, 3] } })).toThrow(
      /"x".*5 elements/,
    );
    expect(() => createDataset({ x: [1, 2, 3] })).toThrow(/\[chain, draw, \.\.\.\]/);
    expect(() => createDataset({ x: [[[1, 2]]] }, { coords: { x_dim_0: ["a"] } })).toThrow(
      /coords\.x_dim_0 has 1/,
    );
    expect(() => createDataset({ x: [[1]] }, { dims: { x: ["a"] } })).toThrow(/dims \[a\]/);
    expect(() => createDataset({ x: [[[1]]], y: [[[1, 2]]] }, { dims: { x: ["s"], y: ["s"] } })).toThrow(
      /length 2 here/,
    );
    expect(() => createDataset({ x: [[1], [2, 3]] })).toThrow(ArvizIoError);
  });

  test("makeAttrs writes created_at, arviz_version, inference_library and its version", () => {
    const a = makeAttrs({ extra: "x" });
    expect(a).toMatchObject({ arviz_version: "0.23.4", inference_library: "phlox", extra: "x" });
    expect(String(a.created_at)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/);
  });

  test("PHLOX_VERSION equals the package.json version", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
      version: string;
    };
    expect(PHLOX_VERSION).toBe(pkg.version);
  });
});

describe("InferenceData", () => {
  const idata = fromArrays({
    posterior: {
      mu: [
        [1, 2],
        [3, 4],
      ],
      b: { data: Uint8Array.from([1, 0, 1, 1]), shape: [2, 2], dtype: "bool" },
    },
    observed_data: { y: [5] },
    custom_group: { z: [[0]] },
  });

  test("groupNames lists known groups in ArviZ's order, then others", () => {
    expect(idata.groupNames()).toEqual(["posterior", "observed_data", "custom_group"]);
  });

  test("draws() gives the @phlox/diagnostics input; extract() merges chain and draw", () => {
    expect(idata.draws().mu).toEqual({ data: Float64Array.from([1, 2, 3, 4]), shape: [2, 2] });
    expect(Array.from(idata.draws().b.data)).toEqual([1, 0, 1, 1]);
    expect(idata.extract("mu")).toEqual({ data: Float64Array.from([1, 2, 3, 4]), shape: [4] });
    expect(() => idata.extract("y", "observed_data")).toThrow(/not \[chain, draw/);
  });

  test("with() returns a new object; get() of a missing group lists those present", () => {
    const more = idata.with("posterior", undefined);
    expect(more.has("posterior")).toBe(false);
    expect(idata.has("posterior")).toBe(true);
    expect(() => more.get("posterior")).toThrow(/present: \[observed_data, custom_group\]/);
    expect(() => idata.variable("posterior", "nope")).toThrow(/has no variable "nope"/);
  });

  test("the constructor rejects bad group names and inconsistent datasets", () => {
    const ds = idata.get("posterior");
    expect(() => new InferenceData({ "bad/name": ds })).toThrow(/not a valid identifier/);
    const broken = { ...ds, coords: {} };
    expect(() => new InferenceData({ posterior: broken })).toThrow(/has no coordinate/);
  });
});
