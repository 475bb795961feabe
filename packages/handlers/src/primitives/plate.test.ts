import { Normal } from "@phlox/distributions";
import { type Tensor, tensor } from "@phlox/tensor";
import { describe, expect, it } from "vitest";
import { replay } from "../handlers/replay.js";
import { seed } from "../handlers/seed.js";
import { substitute } from "../handlers/substitute.js";
import { trace } from "../handlers/trace.js";
import { deterministic } from "./deterministic.js";
import { param } from "./param.js";
import { plate, plateStack } from "./plate.js";
import { sample } from "./sample.js";
import { subsample } from "./subsample.js";

const vals = (t: Tensor): number[] => Array.from(t.dataSync() as ArrayLike<number>);

describe("plate", () => {
  it("broadcasts a scalar distribution to the plate size and returns the body's value", () => {
    const x = seed(() => plate("data", 3, () => sample("x", new Normal(0, 1))), 0)();
    expect(x.shape).toEqual([3]);
  });

  it("nested plates take dims -1 (outer, allocated first) then -2 and record their frames", () => {
    const model = () =>
      plate("outer", 2, () =>
        plate("inner", 3, () => {
          const z = sample("z", new Normal(0, 1));
          deterministic("d", z);
          return z;
        }),
      );
    const tr = trace(seed(model, 0)).getTrace();
    const z = tr.get("z")!;
    expect(z.value!.shape).toEqual([3, 2]);
    expect(z.fn!.batchShape).toEqual([3, 2]);
    expect(z.condIndepStack).toEqual([
      { name: "inner", dim: -2, size: 3 },
      { name: "outer", dim: -1, size: 2 },
    ]);
    expect(tr.get("d")!.condIndepStack.map((f) => f.name)).toEqual(["inner", "outer"]);
    expect(tr.get("outer")!.type).toBe("plate");
  });

  it("a plate with dim -2 broadcasts to [size, 1]", () => {
    const x = seed(() => plate("rows", 4, () => sample("x", new Normal(0, 1)), { dim: -2 }), 0)();
    expect(x.shape).toEqual([4, 1]);
  });

  it("a batch shape that does not fit the plate is a ShapeError naming the site, the plate and the shapes", () => {
    const model = () =>
      plate("school", 8, () => sample("theta", new Normal(tensor([1, 2, 3, 4, 5, 6, 7]), 1)));
    expect(() => seed(model, 0)()).toThrow(/sample\("theta"\) inside plate\("school", 8.*\[7\].*\[8\]/);
  });

  it("observations of the wrong length inside a plate are an error naming the site", () => {
    const model = (y: Tensor) => plate("data", 8, () => sample("y", new Normal(0, 1), { obs: y }));
    expect(() => seed(model, 0)(tensor([1, 2, 3]))).toThrow(/sample\("y"\).*plate\("data", 8\).*\[3\]/);
  });

  it("plateStack builds contiguous plates", () => {
    for (const shape of [[], [5], [2, 3]]) {
      const x = seed(() => plateStack("p", shape, () => sample("x", new Normal(0, 1))), 0)();
      expect(x.shape).toEqual(shape);
    }
  });

  it("subsampling draws distinct indices, scales log densities and subsamples data and params", () => {
    const data = tensor(Array.from({ length: 100 }, (_, i) => i));
    const tr = trace();
    tr.run(() =>
      seed(0).run(() =>
        plate(
          "a",
          100,
          (idx) => {
            expect(idx.shape).toEqual([7]);
            const ids = vals(idx);
            expect(new Set(ids).size).toBe(7);
            expect(ids.every((i) => i >= 0 && i < 100 && Number.isInteger(i))).toBe(true);
            const sub = subsample(data, 0);
            expect(vals(sub)).toEqual(ids);
            expect(param("p0", tensor(0), { eventDim: 0 }).shape).toEqual([]);
            expect(param("p", tensor(new Array(100).fill(0.5)), { eventDim: 0 }).shape).toEqual([7]);
            sample("x", new Normal(0, 1));
          },
          { subsampleSize: 7 },
        ),
      ),
    );
    expect(tr.trace.get("x")!.scale).toBeCloseTo(100 / 7, 12);
  });

  it("substitute and replay supply a plate's subsample indices", () => {
    const idx = tensor([13, 3, 30, 4, 1, 68, 5], { dtype: "int32" });
    const got = seed(
      substitute(() => plate("a", 100, (i) => vals(i), { subsampleSize: 7 }), { a: idx }),
      0,
    )();
    expect(got).toEqual([13, 3, 30, 4, 1, 68, 5]);
    const guideTrace = trace(
      seed(() => plate("a", 100, () => undefined, { subsampleSize: 7 }), 0),
    ).getTrace();
    const data = tensor(Array.from({ length: 100 }, (_, i) => i));
    const sub = seed(
      replay(() => plate("a", 100, () => subsample(data, 0)), guideTrace),
      1,
    )();
    expect(sub.shape).toEqual([7]);
    expect(vals(sub)).toEqual(vals(guideTrace.get("a")!.value!));
  });

  it("obsMask splits a site into observed and imputed parts joined by a deterministic site", () => {
    const y = tensor([1, 2, 3]);
    const m = tensor([true, false, true]);
    const model = () => plate("n", 3, () => sample("y", new Normal(0, 1), { obs: y, obsMask: m }));
    const tr = trace(seed(model, 0)).getTrace();
    expect(tr.get("y_observed")!.isObserved).toBe(true);
    expect(tr.get("y_unobserved")!.isObserved).toBe(false);
    expect(tr.get("y")!.type).toBe("deterministic");
    const v = vals(tr.get("y")!.value!);
    const u = vals(tr.get("y_unobserved")!.value!);
    expect(v).toEqual([1, u[1], 3]);
  });
});
