import * as T from "@phlox/tensor";
import { makeProgram, type Program, simplify, type Tensor } from "@phlox/tensor";
import { describe, expect, it } from "vitest";
import { compileProgram, compileRows } from "./compile.js";
import { rebase } from "./internal/rows.js";
import { seeded } from "./testing/check.js";
import { makeRandomProgram } from "./testing/random-programs.js";

const stage = (f: (z: Tensor) => unknown, dim: number): Program =>
  simplify(makeProgram(f as (...a: never[]) => unknown, [{ shape: [dim], dtype: "float64" }]).program);

/** compileRows(p).run on n rows against compileProgram(p).call row by row: every element bit-identical. */
function expectSameAsPerRow(p: Program, rows: Float64Array, n: number): void {
  const one = compileProgram(p);
  const many = compileRows(p);
  const d = rows.length / n;
  const outs = many.run(rows, n);
  for (let r = 0; r < n; r++) {
    const ref = one.call([rows.slice(r * d, (r + 1) * d)]);
    ref.forEach((o, k) => {
      const got = (outs[k] as ArrayLike<number>).length / n;
      expect(got).toBe(o.length);
      for (let j = 0; j < o.length; j++) {
        const a = (outs[k] as ArrayLike<number>)[r * o.length + j] as number;
        if (!Object.is(a, o[j])) expect.fail(`row ${r}, output ${k}[${j}]: ${a} ≠ ${o[j]}`);
      }
    });
  }
}

describe("compileRows", () => {
  it("compileRows(p).run maps each row exactly as compileProgram(p).call does, on 100 random programs", () => {
    for (let seed = 1; seed <= 100; seed++) {
      const { f, x, y } = makeRandomProgram(seed * 7919);
      const nx = x.size;
      const [m, n] = y.shape as [number, number];
      const p = stage(
        (z) => f(T.slice(z, [0], [nx]), T.reshape(T.slice(z, [nx], [nx + m * n]), [m, n])),
        nx + m * n,
      );
      const rows = 4;
      expectSameAsPerRow(p, Float64Array.from(seeded(seed, rows * (nx + m * n), -1.5, 1.5)), rows);
    }
  });

  it("compileRows indexes rows in place where it can and copies rows a kernel reads or writes", () => {
    const simple = compileRows(stage((z) => [T.exp(z), T.sum(z)], 3));
    expect(simple.source).toContain("__z[__b + (");
    expect(simple.source).not.toContain("const a0 = new");
    // a matrix product fills its output array before accumulating: that output is copied out per row
    const mm = stage((z) => [T.matmul(T.reshape(z, [20, 20]), T.reshape(z, [20, 20]))], 400);
    expect(compileRows(mm).source).toContain("const o0 = new Float64Array(400);");
    expectSameAsPerRow(mm, Float64Array.from(seeded(3, 1200)), 3);
    // a cholesky factor through a runtime kernel reads the input as an array: rows are copied in
    const chol = stage((z) => [T.cholesky(T.reshape(z, [3, 3])), T.exp(z)], 9);
    expect(compileRows(chol).source).toContain("const a0 = new Float64Array(9);");
    const spd = [4, 1, 0.5, 1, 5, 0.2, 0.5, 0.2, 6, 9, -1, 2, -1, 7, 1, 2, 1, 8];
    expectSameAsPerRow(chol, Float64Array.from(spd), 2);
  });

  it("compileRows(p, { chunkLines }) splits a long body into functions and still maps each row exactly", () => {
    const p = stage((z) => {
      let s = T.reshape(T.slice(z, [0], [1]), []);
      const outs: Tensor[] = [];
      for (let k = 0; k < 12; k++) {
        s = T.add(T.mul(T.sin(s), 1.5), T.reshape(T.slice(z, [k % 3], [(k % 3) + 1]), []));
        outs.push(s);
      }
      return [...outs, T.exp(z)];
    }, 3);
    const c = compileRows(p, { chunkLines: 4 });
    expect(c.source).toContain("function part1(");
    const rows = Float64Array.from(seeded(9, 15));
    const ref = compileRows(p).run(rows, 5);
    c.run(rows, 5).forEach((o, k) => {
      expect(Array.from(o)).toEqual(Array.from(ref[k] as ArrayLike<number>));
    });
    expectSameAsPerRow(p, rows, 5);
  });

  it("compileRows(p).run writes into given arrays, returns outputs of the program's dtypes, and handles n = 0", () => {
    const c = compileRows(stage((z) => [T.mul(z, 2), T.gt(z, 0), T.sum(z)], 2));
    expect(c.outputs.map((o) => o.dtype)).toEqual(["float64", "bool", "float64"]);
    const outs = [new Float64Array(4), new Uint8Array(4), new Float64Array(2)];
    const r = c.run(new Float64Array([1, -2, 3, 4]), 2, outs);
    expect(r[0]).toBe(outs[0]);
    expect([...(r[0] as Float64Array)]).toEqual([2, -4, 6, 8]);
    expect([...(r[1] as Uint8Array)]).toEqual([1, 0, 1, 1]);
    expect([...(r[2] as Float64Array)]).toEqual([-1, 7]);
    expect(c.run(new Float64Array(0), 0).map((o) => o.length)).toEqual([0, 0, 0]);
  });

  it("compileRows throws on programs with several inputs, too few rows, or output arrays of the wrong type", () => {
    const two = simplify(
      makeProgram(
        (x: Tensor, y: Tensor) => T.add(x, y),
        [
          { shape: [2], dtype: "float64" },
          { shape: [2], dtype: "float64" },
        ],
      ).program,
    );
    expect(() => compileRows(two)).toThrow(/one input/);
    const c = compileRows(stage((z) => T.exp(z), 2));
    expect(() => c.run(new Float64Array(3), 2)).toThrow(/rows of 2 elements/);
    expect(() => c.run(new Float64Array(4), 2, [new Float32Array(4)])).toThrow(/float64 typed array/);
  });
});

describe("rebase", () => {
  it("rebase rewrites indexed uses of a name and gives up on any other use", () => {
    expect(rebase(["const s1 = a0[0];", "x[i] = a0[i + 2] * a0[i >> 1];"], "a0", "__z", "__b")).toEqual([
      "const s1 = __z[__b + (0)];",
      "x[i] = __z[__b + (i + 2)] * __z[__b + (i >> 1)];",
    ]);
    expect(rebase(["y = ba0[1] + a01[2];"], "a0", "__z", "__b")).toEqual(["y = ba0[1] + a01[2];"]);
    expect(rebase(["rt.matmul(a0, 0, c0);"], "a0", "__z", "__b")).toBeNull();
    expect(rebase(["o0.fill(s1);"], "o0", "__o0", "__p0")).toBeNull();
    expect(rebase(["y = a0[a0[0]];"], "a0", "__z", "__b")).toBeNull();
  });
});
