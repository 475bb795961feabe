import { compileRows, type IRProgram } from "@phlox/backend-js";
import { cast, exp, makeProgram, ndtri, reshape, simplify, slice, type Tensor } from "@phlox/tensor";
import { describe, expect, it } from "vitest";
import { PosteriorPredictor } from "../predictor.js";
import radonServable from "../testing/radon-model.js";
import { splitAtColumn } from "./split-program.js";

const program = (f: (z: Tensor) => Tensor[], dim: number): IRProgram =>
  simplify(
    makeProgram(f as (...a: never[]) => unknown, [{ shape: [dim], dtype: "float64" }]).program,
  ) as unknown as IRProgram;

describe("splitAtColumn", () => {
  it("computes the same outputs bit for bit: fixed part once into the boundary columns, then the varying part", () => {
    // columns 0..3 fixed (a "latent" vector and a "key"), 4..5 varying inputs
    const ir = program((z) => {
      const latent = slice(z, [0], [3]);
      const noise = ndtri(slice(z, [3], [4])).mul(exp(slice(latent, [0], [1])));
      const idx = cast(slice(z, [4], [5]), "int32");
      const x = slice(z, [5], [6]);
      return [
        latent
          .take(idx)
          .add(x.mul(slice(latent, [1], [2])))
          .add(noise),
        reshape(noise, []),
      ];
    }, 6);
    const split = splitAtColumn(ir, 4);
    expect(split).not.toBeNull();
    const whole = compileRows(ir);
    const fixed = compileRows(split!.fixed);
    const varying = compileRows(split!.varying);
    const n = 50;
    const rows = new Float64Array(n * 6);
    const wide = new Float64Array(n * split!.rowSize);
    for (let k = 0; k < n; k++) {
      const r = [Math.sin(k) * 0.3, Math.cos(k), k / 7, (k + 0.5) / (n + 1), k % 3, Math.sin(k * 1.3) * 4];
      rows.set(r, k * 6);
      wide.set(r, k * split!.rowSize);
    }
    const outs = fixed.run(wide, n);
    let off = 6;
    for (const a of outs) {
      const size = a.length / n;
      for (let k = 0; k < n; k++)
        for (let j = 0; j < size; j++) wide[k * split!.rowSize + off + j] = a[k * size + j] as number;
      off += size;
    }
    const want = whole.run(rows, n);
    const got = varying.run(wide, n);
    expect(got.length).toBe(want.length);
    for (let i = 0; i < want.length; i++) expect(Array.from(got[i]!)).toEqual(Array.from(want[i]!));
    // the varying part never computes the normal quantile
    expect(varying.source.includes("ndtri(")).toBe(false);
    expect(fixed.source.includes("ndtri(")).toBe(true);
  });

  it("is null when nothing varies or nothing is fixed", () => {
    expect(
      splitAtColumn(
        program((z) => [slice(z, [0], [2]).mul(2)], 4),
        2,
      ),
    ).toBeNull();
    expect(
      splitAtColumn(
        program((z) => [slice(z, [2], [4]).mul(2)], 4),
        2,
      ),
    ).toBeNull();
  });

  it("the radon predictor runs split", () => {
    expect(new PosteriorPredictor(radonServable).split).toBe(true);
  });
});
