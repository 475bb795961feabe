import { PhloxError } from "@phlox/tensor";
import { bareErrors } from "@phlox/test-utils";
import { describe, expect, test } from "vitest";
import { Adam, exponentialDecay, OptimError, piecewiseConstant, SGD } from "./index.js";

// One error root: every error @phlox/optim throws is a PhloxError subclass (from @phlox/tensor) with a stable
// `code`. This scan fails on a new bare `new Error(`/`TypeError(`/`RangeError(` in the package's sources.
test("no source file of @phlox/optim constructs a bare Error/TypeError/RangeError", () => {
  expect(bareErrors(new URL(".", import.meta.url))).toEqual([]);
});

const cases: [string, () => unknown, string][] = [
  ["Adam with a negative step size", () => new Adam(-1), "optim-bad-hyperparameter"],
  ["SGD.init on a plain array", () => new SGD(0.1).init([1, 2] as never), "optim-shape-mismatch"],
  ["exponentialDecay with rate NaN", () => exponentialDecay(0.1, 10, Number.NaN), "optim-bad-hyperparameter"],
  ["piecewiseConstant with mismatched lengths", () => piecewiseConstant([1, 2], [0.1]), "optim-bad-schedule"],
];

describe("bad input throws an OptimError, a PhloxError with a stable code", () => {
  test.each(cases)("%s", (_name, fn, code) => {
    let caught: unknown;
    try {
      fn();
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(PhloxError);
    expect(caught).toBeInstanceOf(OptimError);
    expect((caught as OptimError).code).toBe(code);
    expect((caught as OptimError).name).toBe("OptimError");
  });
});
