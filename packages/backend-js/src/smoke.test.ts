import { describe, expect, it } from "vitest";
import { compileProgram } from "./compile.js";
import type { IRProgram } from "./ir.js";

const f64 = (id: number, shape: number[]) => ({ id, shape, dtype: "float64" });

describe("smoke", () => {
  it("runs", () => {
    // z[10]: mu = z[0], theta = z[2:10]; out = sum((theta*2 + mu)^2), grad
    const z = f64(0, [10]);
    const p: IRProgram = {
      inputs: [z],
      constants: [{ v: f64(100, [8]), value: new Float64Array([1, 2, 3, 4, 5, 6, 7, 8]) }],
      eqns: [
        { primitive: "slice", inputs: [z], params: { start: [0], end: [1] }, outputs: [f64(1, [1])] },
        { primitive: "reshape", inputs: [f64(1, [1])], params: { shape: [] }, outputs: [f64(2, [])] },
        { primitive: "slice", inputs: [z], params: { start: [2], end: [10] }, outputs: [f64(3, [8])] },
        { primitive: "broadcastTo", inputs: [f64(2, [])], params: { shape: [8] }, outputs: [f64(4, [8])] },
        { primitive: "mul", inputs: [f64(3, [8]), f64(100, [8])], params: {}, outputs: [f64(5, [8])] },
        { primitive: "add", inputs: [f64(5, [8]), f64(4, [8])], params: {}, outputs: [f64(6, [8])] },
        { primitive: "mul", inputs: [f64(6, [8]), f64(6, [8])], params: {}, outputs: [f64(7, [8])] },
        { primitive: "reduceSum", inputs: [f64(7, [8])], params: { axes: [0], keepDims: false }, outputs: [f64(8, [])] },
        { primitive: "exp", inputs: [f64(8, [])], params: {}, outputs: [f64(9, [])] },
        { primitive: "pad", inputs: [f64(6, [8])], params: { lo: [2], hi: [0] }, outputs: [f64(10, [10])] },
        { primitive: "pad", inputs: [f64(8, [])], params: { lo: [0], hi: [9] }, outputs: [f64(11, [10])] },
        { primitive: "add", inputs: [f64(10, [10]), f64(11, [10])], params: {}, outputs: [f64(12, [10])] },
        { primitive: "transpose", inputs: [f64(12, [10])], params: { perm: [0] }, outputs: [f64(13, [10])] },
      ],
      outputs: [f64(9, []), f64(12, [10]), f64(13, [10])],
    };
    const c = compileProgram(p, { returnFirstScalar: true });
    console.log(c.source);
    const zz = new Float64Array([0.1, 0, 0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08]);
    const [v, g, h] = c.call([zz]);
    console.log(v, g, h);
    expect(v?.length).toBe(1);
  });
});
import { runInWorker } from "./testing/run-in-worker.js";
describe("worker", () => {
  it("loads", async () => {
    const z = { id: 0, shape: [3], dtype: "float64" };
    const p: IRProgram = { inputs: [z], constants: [], eqns: [{ primitive: "exp", inputs: [z], params: {}, outputs: [{ id: 1, shape: [3], dtype: "float64" }] }], outputs: [{ id: 1, shape: [3], dtype: "float64" }] };
    const c = compileProgram(p);
    const r = await runInWorker<{ ok: boolean; outputs: Float64Array[] }>({ kind: "program", json: JSON.stringify(c), inputs: [new Float64Array([0, 1, 2])] });
    console.log(r);
  }, 20000);
});
