import { ConstraintError, PhloxError } from "@phlox/tensor";
import { bareErrors } from "@phlox/test-utils";
import { describe, expect, it, test } from "vitest";
import { consensus } from "./consensus.js";
import { hmc } from "./hmc.js";
import { runOptions } from "./run-options.js";

// One error root: bad options to the samplers' public entries throw PhloxError subclasses with stable codes.
const U = (z: Float64Array, g: Float64Array): number => {
  g.set(z);
  return 0.5 * z[0] * z[0];
};
const one = { x: { data: Float64Array.of(0, 1, 2), shape: [3] } };

const cases: [string, () => unknown, typeof PhloxError, string][] = [
  ["hmc(U, { stepSize: -1 })", () => hmc(U, { stepSize: -1 }), ConstraintError, "hmc-step-size"],
  [
    "hmc(U, { targetAcceptProb: 1.5 })",
    () => hmc(U, { targetAcceptProb: 1.5 }),
    ConstraintError,
    "hmc-target-accept-prob",
  ],
  ["hmc(U, { maxTreeDepth: 0 })", () => hmc(U, { maxTreeDepth: 0 }), ConstraintError, "hmc-max-tree-depth"],
  ["hmc(U, { algo: 'X' })", () => hmc(U, { algo: "X" as never }), ConstraintError, "hmc-algo"],
  [
    "runOptions({ chainTimeoutMs: -5 })",
    () => runOptions({ chainTimeoutMs: -5 }),
    ConstraintError,
    "chain-timeout",
  ],
  ["runOptions({ signal: {} })", () => runOptions({ signal: {} as never }), PhloxError, "bad-abort-signal"],
  ["consensus(draws, 0)", () => consensus([one], 0), ConstraintError, "num-draws"],
];

describe("bad sampler options throw a PhloxError with a stable code", () => {
  it.each(cases)("%s", (_name, fn, cls, code) => {
    let caught: unknown;
    try {
      fn();
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(cls);
    expect((caught as PhloxError).code).toBe(code);
  });
});

test("no source file of @phlox/mcmc constructs a bare Error/TypeError/RangeError (one error root)", () => {
  expect(bareErrors(new URL(".", import.meta.url))).toEqual([]);
});
