import { describe, expect, test } from "vitest";
import { makeProgram } from "../core/staging.js";
import type { Tensor } from "../core/tensor.js";
import { interpretProgram } from "./interpret.js";
import { batchProgram } from "./stage.js";

describe("batchProgram", () => {
  test("row i of the batched program is the program on row i (a shared input stays unbatched)", () => {
    const { program } = makeProgram(
      (x: Tensor, w: Tensor) => x.mul(w).exp().sum().div(x.sum()),
      [
        { shape: [3], dtype: "float64" },
        { shape: [3], dtype: "float64" },
      ],
    );
    const b = batchProgram(program, 2, [true, false]);
    expect(b.inputs.map((v) => v.shape)).toEqual([[2, 3], [3]]);
    const xs = Float64Array.of(0.1, 0.2, 0.3, -1, 2, 0.5);
    const w = Float64Array.of(1, -2, 3);
    const [out] = interpretProgram(b, [xs, w]);
    for (let i = 0; i < 2; i++)
      expect(out?.[i]).toBe(interpretProgram(program, [xs.slice(3 * i, 3 * i + 3), w])[0]?.[0]);
    expect(() => batchProgram(program, 0)).toThrow(/positive integer/);
    expect(() => batchProgram(program, 2, [true])).toThrow(/2 inputs/);
  });
});
