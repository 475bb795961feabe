import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Adagrad, SM3 } from "./adagrad.js";
import { Adam, AdamW, ClippedAdam } from "./adam.js";
import { OptimError } from "./errors.js";
import type { Optimizer } from "./optimizer.js";
import { RMSProp, RMSPropMomentum } from "./rmsprop.js";
import { cosineDecay, exponentialDecay, polynomialDecay, type StepSize } from "./schedules.js";
import { Momentum, SGD } from "./sgd.js";
import { QUAD_C, quadratic, rosenbrock } from "./testing/problems.js";

interface FixtureCase {
  name: string;
  optimizer: string;
  stepSize: number | { schedule: string; args: number[] };
  options: Record<string, number>;
  grads: number[][];
  params: number[][];
  slots: Record<string, number[]>;
}
const fixture = JSON.parse(readFileSync(new URL("../fixtures/optim.json", import.meta.url), "utf8")) as {
  x0: number[];
  optimizers: FixtureCase[];
};

function makeStepSize(s: FixtureCase["stepSize"]): StepSize {
  if (typeof s === "number") return s;
  const [a, b, c, d] = s.args;
  if (s.schedule === "exponentialDecay") return exponentialDecay(a, b, c);
  if (s.schedule === "polynomialDecay") return polynomialDecay(a, b, c, d);
  throw new Error(`unknown schedule ${s.schedule}`);
}

// biome-ignore lint/suspicious/noExplicitAny: the fixture passes option objects of every optimizer
type AnyOptions = any;
function make(name: string, stepSize: StepSize, options: AnyOptions): Optimizer {
  switch (name) {
    case "SGD":
      return new SGD(stepSize);
    case "Momentum":
      return new Momentum(stepSize, options.mass);
    case "Adagrad":
      return new Adagrad(stepSize, options);
    case "SM3":
      return new SM3(stepSize, options);
    case "RMSProp":
      return new RMSProp(stepSize, options);
    case "RMSPropMomentum":
      return new RMSPropMomentum(stepSize, options);
    case "Adam":
      return new Adam(stepSize, options);
    case "ClippedAdam":
      return new ClippedAdam(stepSize, options);
    case "AdamW":
      return new AdamW(stepSize, options);
    default:
      throw new Error(`unknown optimizer ${name}`);
  }
}

function expectClose(
  actual: ArrayLike<number>,
  expected: readonly number[],
  tol: number,
  what: string,
): void {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    if (!(err <= tol * Math.max(1, Math.abs(expected[i])))) {
      throw new Error(`${what}[${i}]: got ${actual[i]}, expected ${expected[i]} (error ${err} > ${tol})`);
    }
  }
}

describe("every optimizer matches jax.example_libraries.optimizers step by step (float64, 1e-12)", () => {
  for (const c of fixture.optimizers) {
    it(`${c.optimizer} (${c.name}) agrees with the reference after each of ${c.grads.length} steps`, () => {
      const opt = make(c.optimizer, makeStepSize(c.stepSize), c.options);
      const x = Float64Array.from(fixture.x0);
      const state = opt.init(x);
      for (let t = 0; t < c.grads.length; t++) {
        opt.update(Float64Array.from(c.grads[t]), state, x);
        expectClose(x, c.params[t], 1e-12, `${c.name} params after step ${t + 1}`);
      }
      expect(state.step).toBe(c.grads.length);
      for (const [slot, values] of Object.entries(c.slots)) {
        expectClose(state.slots[slot], values, 1e-12, `${c.name} slot ${slot}`);
      }
    });
  }
});

function run(opt: Optimizer, f: typeof quadratic, x0: number[], steps: number): Float64Array {
  const x = Float64Array.from(x0);
  const g = new Float64Array(x.length);
  const s = opt.init(x);
  for (let i = 0; i < steps; i++) {
    f(x, g);
    opt.update(g, s, x);
  }
  return x;
}

// [label, factory, steps, tolerance on every coordinate]
const quadraticCases: [string, () => Optimizer, number, number][] = [
  ["SGD(0.4)", () => new SGD(0.4), 300, 1e-8],
  ["Momentum(0.1, 0.9)", () => new Momentum(0.1, 0.9), 500, 1e-8],
  ["Adam(0.05)", () => new Adam(0.05, {}), 3000, 1e-6],
  ["ClippedAdam(0.05, clipNorm 1)", () => new ClippedAdam(0.05, { clipNorm: 1 }), 3000, 1e-6],
  ["AdamW(0.05, weightDecay 0)", () => new AdamW(0.05, { weightDecay: 0 }), 3000, 1e-6],
  ["RMSProp(cosine 0.05 → 0)", () => new RMSProp(cosineDecay(0.05, 3000)), 3000, 1e-6],
  ["RMSPropMomentum(cosine 0.01 → 0)", () => new RMSPropMomentum(cosineDecay(0.01, 3000)), 3000, 1e-6],
  ["Adagrad(1)", () => new Adagrad(1), 3000, 1e-6],
  ["SM3(1)", () => new SM3(1), 3000, 1e-6],
];

describe("every optimizer converges to the minimum of a diagonal quadratic", () => {
  for (const [label, mk, steps, tol] of quadraticCases) {
    it(`${label} reaches the minimum within ${tol} in ${steps} steps`, () => {
      const x = run(mk(), quadratic, [0, 0, 0, 0], steps);
      expectClose(x, Array.from(QUAD_C), tol, label);
    });
  }
});

const rosenbrockCases: [string, () => Optimizer, number, number][] = [
  ["SGD(1.5e-3)", () => new SGD(1.5e-3), 20000, 1e-3],
  ["Momentum(2e-4, 0.9)", () => new Momentum(2e-4, 0.9), 10000, 1e-3],
  ["Adam(0.02)", () => new Adam(0.02), 5000, 1e-6],
  ["ClippedAdam(0.02, lrd 0.9995)", () => new ClippedAdam(0.02, { lrd: 0.9995 }), 5000, 1e-6],
  ["AdamW(0.02, weightDecay 1e-6)", () => new AdamW(0.02, { weightDecay: 1e-6 }), 5000, 1e-4],
  ["RMSProp(cosine 2e-3)", () => new RMSProp(cosineDecay(2e-3, 10000, { alpha: 1e-4 })), 10000, 1e-4],
  [
    "RMSPropMomentum(cosine 2e-4)",
    () => new RMSPropMomentum(cosineDecay(2e-4, 10000, { alpha: 1e-4 })),
    10000,
    1e-3,
  ],
  ["Adagrad(1)", () => new Adagrad(1), 10000, 1e-5],
  ["SM3(1)", () => new SM3(1), 10000, 1e-5],
];

describe("every optimizer reaches (1, 1) on the 2-D Rosenbrock function from (-1.2, 1)", () => {
  for (const [label, mk, steps, tol] of rosenbrockCases) {
    it(`${label} ends within ${tol} of (1, 1) after ${steps} steps`, () => {
      const x = run(mk(), rosenbrock, [-1.2, 1], steps);
      expectClose(x, [1, 1], tol, label);
    });
  }
});

describe("constructors reject bad hyperparameters with OptimError", () => {
  const bad: [string, () => unknown, RegExp][] = [
    [
      "a negative step size",
      () => new Adam(-0.1),
      /Adam: stepSize must be a finite number in \[0, ∞\), got -0\.1/,
    ],
    ["a NaN step size", () => new SGD(Number.NaN), /SGD: stepSize/],
    ["b1 = 1", () => new Adam(0.1, { b1: 1 }), /Adam: options\.b1 must be .* in \[0, 1\), got 1/],
    ["b2 < 0", () => new AdamW(0.1, { b2: -0.5 }), /AdamW: options\.b2/],
    ["negative eps", () => new RMSProp(0.1, { eps: -1 }), /RMSProp: options\.eps/],
    ["mass ≥ 1", () => new Momentum(0.1, 1.5), /Momentum: mass/],
    [
      "a missing mass",
      () => new Momentum(0.1, undefined as unknown as number),
      /Momentum: mass .* got undefined/,
    ],
    ["gamma = 1", () => new RMSPropMomentum(0.1, { gamma: 1 }), /RMSPropMomentum: options\.gamma/],
    ["momentum = 1", () => new Adagrad(0.1, { momentum: 1 }), /Adagrad: options\.momentum/],
    ["SM3 momentum < 0", () => new SM3(0.1, { momentum: -0.1 }), /SM3: options\.momentum/],
    ["clipNorm = 0", () => new ClippedAdam(0.1, { clipNorm: 0 }), /ClippedAdam: options\.clipNorm/],
    ["lrd > 1", () => new ClippedAdam(0.1, { lrd: 1.1 }), /ClippedAdam: options\.lrd/],
    ["negative weight decay", () => new AdamW(0.1, { weightDecay: -1 }), /AdamW: options\.weightDecay/],
    [
      "a string step size",
      () => new SGD("0.1" as unknown as number),
      /SGD: stepSize must be a number or a function/,
    ],
  ];
  for (const [what, f, msg] of bad) {
    it(`throws optim-bad-hyperparameter for ${what}`, () => {
      expect(f).toThrow(OptimError);
      expect(f).toThrow(msg);
      try {
        f();
      } catch (e) {
        expect((e as OptimError).code).toBe("optim-bad-hyperparameter");
      }
    });
  }
});

describe("update validates its inputs", () => {
  it("throws optim-bad-step-size when a schedule returns a negative value", () => {
    const opt = new SGD((i) => 0.1 - 0.1 * i);
    const x = Float64Array.of(1);
    const s = opt.init(x);
    opt.update(Float64Array.of(1), s, x);
    opt.update(Float64Array.of(1), s, x);
    expect(() => opt.update(Float64Array.of(1), s, x)).toThrow(/returned -0\.1 at step 2/);
  });

  it("throws optim-shape-mismatch when grad and params differ in length", () => {
    const opt = new Adam(0.1);
    const x = Float64Array.of(1, 2);
    const s = opt.init(x);
    expect(() => opt.update(Float64Array.of(1), s, x)).toThrow(
      /Adam\.update: grad has length 1 but the parameters have length 2/,
    );
  });

  it("throws optim-bad-state for a state made by another optimizer", () => {
    const x = Float64Array.of(1);
    const s = new Adam(0.1).init(x);
    expect(() => new AdamW(0.1).update(Float64Array.of(1), s, x)).toThrow(/made by Adam, not AdamW/);
  });

  it("throws optim-shape-mismatch for a state whose slots have the wrong length", () => {
    const opt = new Momentum(0.1, 0.5);
    const s = opt.init(Float64Array.of(1, 2, 3));
    const x = Float64Array.of(1, 2);
    expect(() => opt.update(Float64Array.of(1, 1), s, x)).toThrow(/state\.slots\.velocity has length 3/);
  });
});
