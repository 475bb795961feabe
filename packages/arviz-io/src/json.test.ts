import { describe, expect, test } from "vitest";
import { ArvizIoError } from "./errors.js";
import { fromArrays } from "./from-arrays.js";
import { fromJSON, toJSON } from "./json.js";

describe("toJSON / fromJSON (ArviZ's JSON layout)", () => {
  const idata = fromArrays(
    {
      posterior: { mu: [[1, 2.5, Number.NaN]], theta: { data: new Float64Array(6), shape: [1, 3, 2] } },
      sample_stats: {
        diverging: [[true, false, true]],
        n_steps: { data: BigInt64Array.from([1n, 3n, 7n]), shape: [1, 3] },
      },
      observed_data: { y: [1, 2] },
      predictions: { yp: { data: new Float64Array(6), shape: [1, 3, 2] } },
    },
    {
      dims: { theta: ["school"], y: ["school"] },
      predDims: { yp: ["new"] },
      coords: { school: ["a", "b"], new: [10, 20] },
    },
  );

  test("writes the keys az.from_json expects: groups, <group>_attrs, coords, dims, pred_dims, attrs", () => {
    const obj = JSON.parse(toJSON(idata).replace(/NaN/g, "null")) as Record<string, unknown>;
    expect(Object.keys(obj)).toEqual(
      expect.arrayContaining([
        "posterior",
        "posterior_attrs",
        "coords",
        "dims",
        "pred_dims",
        "attrs",
        "observed_data",
      ]),
    );
    expect(obj.dims).toEqual({ theta: ["school"], y: ["school"] });
    expect(obj.pred_dims).toEqual({ yp: ["new"] });
    expect(obj.coords).toEqual({ school: ["a", "b"], new: [10, 20] });
  });

  test("floats keep a decimal point and NaN is written as Python's json writes it", () => {
    const text = toJSON(idata);
    expect(text).toContain('"mu": [[1.0, 2.5, NaN]]');
    expect(text).toContain('"n_steps": [[1, 3, 7]]');
    expect(text).toContain('"diverging": [[true, false, true]]');
  });

  test("a round trip keeps dims, dtypes (float64, int64, bool), NaN and coordinates", () => {
    const back = fromJSON(toJSON(idata));
    expect(back.groupNames()).toEqual(idata.groupNames());
    expect(back.variable("posterior", "theta").dims).toEqual(["chain", "draw", "school"]);
    expect(back.variable("predictions", "yp").dims).toEqual(["chain", "draw", "new"]);
    expect(back.variable("posterior", "mu").dtype).toBe("float64");
    expect(Number.isNaN((back.variable("posterior", "mu").data as Float64Array)[2])).toBe(true);
    expect(back.variable("sample_stats", "n_steps").dtype).toBe("int64");
    expect(back.variable("sample_stats", "diverging").dtype).toBe("bool");
    expect(back.get("posterior").coords.school.data).toEqual(["a", "b"]);
    expect(back.get("predictions").coords.new.dtype).toBe("int64");
    expect(back.get("posterior").attrs.inference_library).toBe("phlox");
  });

  test("UTF-8 bytes are accepted as well as text", () => {
    expect(fromJSON(new TextEncoder().encode(toJSON(idata))).groupNames()).toEqual(idata.groupNames());
  });

  test("malformed documents fail with invalid-json naming the position or the variable", () => {
    expect(() => fromJSON("{")).toThrow(/character 1/);
    expect(() => fromJSON("[1, 2]")).toThrow(ArvizIoError);
    expect(() => fromJSON('{"posterior": {"mu": [[1], [2, 3]]}}')).toThrow(/posterior\.mu.*ragged/);
    expect(() => fromJSON('{"posterior": {"mu": [1, 2]}}')).toThrow(/chain, draw/);
    expect(() => fromJSON('{"posterior": 3}')).toThrow(/group "posterior"/);
  });
});
