import { slice, type Tensor } from "@phlox/tensor";
import { describe, expect, it } from "vitest";
import { concatenate, PhloxError, reshape, ShapeError, values } from "../internal/ops.js";
import { UnpackTransform } from "./unpack.js";

type Sites = { a: Tensor; b: Tensor[] };
const unpack = (v: Tensor): Sites => ({ a: slice(v, [0], [1]), b: [reshape(slice(v, [1], [5]), [2, 2])] });
const pack = (y: Sites): Tensor => {
  const lead = y.a.shape.slice(0, -1);
  return concatenate([y.a, reshape(y.b[0]!, [...lead, 4])], -1);
};

describe("UnpackTransform", () => {
  const t = new UnpackTransform(unpack, pack);
  it("unpacks one vector into the tree and packs it back; log|det J| is 0", () => {
    const y = t.forward([1, 2, 3, 4, 5]);
    expect(values(y.a)).toEqual([1]);
    expect(y.b[0]!.shape).toEqual([2, 2]);
    expect(values(t.inverse(y))).toEqual([1, 2, 3, 4, 5]);
    expect(values(t.logAbsDetJacobian([1, 2, 3, 4, 5]))).toEqual([0]);
  });
  it("unpacks a batch [2, 3, 5] row by row, every leaf with the batch in front (as NumPyro's vmap)", () => {
    const x = Array.from({ length: 2 }, (_, i) =>
      Array.from({ length: 3 }, (_, j) => Array.from({ length: 5 }, (_, k) => 100 * i + 10 * j + k)),
    );
    const y = t.forward(x);
    expect(y.a.shape).toEqual([2, 3, 1]);
    expect(y.b[0]!.shape).toEqual([2, 3, 2, 2]);
    expect(values(y.b[0]!).slice(-4)).toEqual([121, 122, 123, 124]);
    expect(values(t.inverse(y))).toEqual(x.flat(2));
    expect(t.logAbsDetJacobian(x).shape).toEqual([2, 3]);
  });
  it("inverse without packFn and a scalar input are errors", () => {
    expect(() => new UnpackTransform(unpack).inverse(t.forward([1, 2, 3, 4, 5]))).toThrow(PhloxError);
    expect(() => t.forward(3)).toThrow(ShapeError);
    expect(t.domain.eventDim).toBe(1);
    expect(t.codomain.name).toBe("dependent");
  });
});
