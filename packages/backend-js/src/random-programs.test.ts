import type { Tensor } from "@phlox/tensor";
import * as T from "@phlox/tensor";
import { describe, it } from "vitest";
import { expectAgree, threeWays, threeWaysGrad } from "./testing/check.js";
import { makeRandomProgram } from "./testing/random-programs.js";

describe("compileProgram on 100 random programs (fusion, side loops, views, broadcasting)", () => {
  it("agrees with eager evaluation and the interpreter on values and on gradients of their sums", () => {
    for (let seed = 1; seed <= 100; seed++) {
      const { f, x, y } = makeRandomProgram(seed * 7919);
      expectAgree(threeWays(f, [x, y]), 1e-12);
      const total = (a: Tensor, b: Tensor): Tensor =>
        f(a, b).reduce((acc, t) => T.add(acc, T.sum(T.tanh(t))), T.mul(T.sum(a), 0));
      expectAgree(threeWaysGrad(total, [x, y]), 1e-12);
    }
  });
});
