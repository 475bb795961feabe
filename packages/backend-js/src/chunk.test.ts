import * as T from "@phlox/tensor";
import { interpretProgram, simplify, stageValueAndGrad, type Tensor } from "@phlox/tensor";
import { describe, expect, it } from "vitest";
import { compileProgram } from "./compile.js";
import { compileValueAndGrad, loadPotential } from "./potential.js";
import { expectClose, seeded } from "./testing/check.js";
import { garch, gpRegression, logisticRegression, normalMixture } from "./testing/densities.js";

/** Compiled (with `chunkLines`) and interpreted value and gradient of `f` at `z`. */
function bothWays(f: (z: Tensor) => Tensor, z: Float64Array, chunkLines?: number) {
  const program = simplify(stageValueAndGrad(f, z.length, []));
  const c = compileProgram(program, {
    returnFirstScalar: true,
    argOrder: "potential",
    ...(chunkLines === undefined ? {} : { chunkLines }),
  });
  const g = new Float64Array(z.length);
  const v = c.raw(z, g) as number;
  const [vi, gi] = interpretProgram(program, [z]);
  return { v, g, vi: (vi as Float64Array)[0] as number, gi: gi as Float64Array, source: c.source };
}

describe("compileProgram splits long bodies into chunk functions", () => {
  it("a traced GARCH recurrence of 200 steps is split by default and matches the interpreter to 1e-12", () => {
    const c = garch(200);
    const r = bothWays(c.logp, c.z);
    expect(r.source).toContain("function part1(");
    expectClose([r.v], [r.vi], 1e-12, "value");
    expectClose(r.g, r.gi, 1e-12, "gradient");
    const gh = new Float64Array(4);
    expectClose([r.v], [c.hand(c.z, gh)], 1e-10, "value vs hand-written");
    expectClose(r.g, gh, 1e-10, "gradient vs hand-written");
  });

  it("short bodies stay one function unless chunkLines asks for chunks", () => {
    const c = logisticRegression(50, 3, true);
    expect(bothWays(c.logp, c.z).source).not.toContain("function part");
    expect(bothWays(c.logp, c.z, 4).source).toContain("function part2(");
  });

  it("tiny chunks (cuts between loops, accumulators and kernels) agree with the interpreter to 1e-12", () => {
    const cases = [garch(12), logisticRegression(40, 3, true), gpRegression(6), normalMixture(30)];
    for (const c of cases)
      for (const lines of [1, 3, 7, 20]) {
        const r = bothWays(c.logp, c.z, lines);
        expectClose([r.v], [r.vi], 1e-12, `${c.name} value, chunkLines ${lines}`);
        expectClose(r.g, r.gi, 1e-12, `${c.name} gradient, chunkLines ${lines}`);
      }
  });

  it("a split program with several outputs writes every output as the unsplit one does", () => {
    const x = T.tensor(seeded(5, 6, -1, 1));
    const f = (a: Tensor): Tensor[] => {
      let s = T.sum(a);
      const outs: Tensor[] = [];
      for (let k = 0; k < 30; k++) {
        s = T.add(T.mul(s, 0.9), T.sin(s));
        if (k % 10 === 0) outs.push(T.mul(a, s));
      }
      return [s, ...outs];
    };
    const { program } = T.makeProgram(f as (...a: never[]) => unknown, [{ shape: [6], dtype: "float64" }]);
    const p = simplify(program);
    const one = compileProgram(p).call([x.dataSync()]);
    const split = compileProgram(p, { chunkLines: 5 });
    expect(split.source).toContain("function part3(");
    const many = split.call([x.dataSync()]);
    one.forEach((o, k) => {
      expectClose(many[k] as ArrayLike<number>, o, 0, `output ${k}`);
    });
  });

  it("compileValueAndGrad returns the same value and gradient from a split potential after JSON round trip", () => {
    const c = garch(200);
    const { fn, toJSON } = compileValueAndGrad(c.logp, 4);
    const g1 = new Float64Array(4);
    const v1 = fn(c.z, g1);
    const g2 = new Float64Array(4);
    expect(loadPotential(JSON.stringify(toJSON()))(c.z, g2)).toBe(v1);
    expectClose(g2, g1, 0, "gradient");
  });
});
