import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { OptimError } from "./errors.js";
import {
  type CosineDecayOptions,
  constant,
  cosineDecay,
  exponentialDecay,
  inverseTimeDecay,
  makeSchedule,
  piecewiseConstant,
  polynomialDecay,
  type Schedule,
} from "./schedules.js";

interface ScheduleCase {
  name: string;
  args: unknown[];
  steps: number[];
  values: number[];
}
const fixture = JSON.parse(readFileSync(new URL("../fixtures/optim.json", import.meta.url), "utf8")) as {
  schedules: ScheduleCase[];
};

function build(c: ScheduleCase): Schedule {
  const a = c.args as number[];
  switch (c.name) {
    case "exponentialDecay":
      return exponentialDecay(a[0], a[1], a[2]);
    case "inverseTimeDecay":
      return inverseTimeDecay(a[0], a[1], a[2], c.args[3] as boolean);
    case "polynomialDecay":
      return polynomialDecay(a[0], a[1], a[2], a[3]);
    case "piecewiseConstant":
      return piecewiseConstant(c.args[0] as number[], c.args[1] as number[]);
    case "cosineDecay":
      return cosineDecay(a[0], a[1], c.args[2] as CosineDecayOptions);
    default:
      throw new Error(`unknown schedule ${c.name}`);
  }
}

describe("schedules match jax.example_libraries.optimizers (and the cosine formula) at steps 0..30", () => {
  for (const c of fixture.schedules) {
    it(`${c.name}(${JSON.stringify(c.args)}) matches the reference to 1e-14`, () => {
      const s = build(c);
      for (let k = 0; k < c.steps.length; k++) {
        expect(Math.abs(s(c.steps[k]) - c.values[k])).toBeLessThanOrEqual(
          1e-14 * Math.max(1, Math.abs(c.values[k])),
        );
      }
    });
  }
});

describe("schedules follow their formulas", () => {
  it("constant and makeSchedule(number) return the number at every step", () => {
    expect(constant(0.3)(1000)).toBe(0.3);
    expect(makeSchedule(0.2)(7)).toBe(0.2);
    const f = (i: number) => i;
    expect(makeSchedule(f)).toBe(f);
  });

  it("exponentialDecay with staircase decays in jumps of decaySteps", () => {
    const s = exponentialDecay(1, 10, 0.5, true);
    expect([s(0), s(9), s(10), s(25)]).toEqual([1, 1, 0.5, 0.25]);
  });

  it("polynomialDecay stays at finalStepSize after decaySteps", () => {
    const s = polynomialDecay(1, 10, 0.1, 2);
    expect(s(10)).toBeCloseTo(0.1, 15);
    expect(s(1000)).toBeCloseTo(0.1, 15);
    expect(s(5)).toBeCloseTo(0.25 * 0.9 + 0.1, 15);
  });

  it("piecewiseConstant switches value strictly after each boundary", () => {
    const s = piecewiseConstant([3], [1, 2]);
    expect([s(0), s(3), s(3.5), s(4)]).toEqual([1, 1, 2, 2]);
  });

  it("cosineDecay warms up linearly, peaks at warmupSteps, and ends at alpha·peakValue", () => {
    const s = cosineDecay(2, 30, { warmupSteps: 10, warmupInit: 0.5, alpha: 0.1 });
    expect(s(0)).toBe(0.5);
    expect(s(5)).toBeCloseTo(1.25, 15);
    expect(s(10)).toBeCloseTo(2, 15);
    expect(s(20)).toBeCloseTo(2 * (0.9 * 0.5 + 0.1), 14);
    expect(s(30)).toBeCloseTo(0.2, 15);
    expect(s(99)).toBeCloseTo(0.2, 15);
  });
});

describe("schedules reject bad arguments with OptimError", () => {
  const bad: [string, () => unknown, string, RegExp][] = [
    ["a negative constant", () => constant(-1), "optim-bad-hyperparameter", /constant: value/],
    [
      "decaySteps = 0",
      () => exponentialDecay(1, 0, 0.5),
      "optim-bad-hyperparameter",
      /exponentialDecay: decaySteps/,
    ],
    ["decayRate ≤ 0", () => exponentialDecay(1, 1, 0), "optim-bad-hyperparameter", /decayRate/],
    [
      "a negative inverse-time rate",
      () => inverseTimeDecay(1, 1, -1),
      "optim-bad-hyperparameter",
      /decayRate/,
    ],
    ["power 0", () => polynomialDecay(1, 10, 0, 0), "optim-bad-hyperparameter", /polynomialDecay: power/],
    [
      "mismatched piecewise lengths",
      () => piecewiseConstant([1, 2], [1, 2]),
      "optim-bad-schedule",
      /one more entry than boundaries, got 2 values and 2 boundaries/,
    ],
    [
      "decreasing boundaries",
      () => piecewiseConstant([5, 2], [1, 2, 3]),
      "optim-bad-schedule",
      /non-decreasing/,
    ],
    [
      "negative piecewise values",
      () => piecewiseConstant([5], [1, -2]),
      "optim-bad-hyperparameter",
      /values\[1\]/,
    ],
    ["alpha > 1", () => cosineDecay(1, 10, { alpha: 2 }), "optim-bad-hyperparameter", /options\.alpha/],
    [
      "warmupSteps ≥ decaySteps",
      () => cosineDecay(1, 10, { warmupSteps: 10 }),
      "optim-bad-hyperparameter",
      /options\.warmupSteps/,
    ],
  ];
  for (const [what, f, code, msg] of bad) {
    it(`throws ${code} for ${what}`, () => {
      expect(f).toThrow(msg);
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(OptimError);
        expect((e as OptimError).code).toBe(code);
      }
    });
  }
});
