import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Adagrad, SM3 } from "./adagrad.js";
import { Adam, AdamW, ClippedAdam } from "./adam.js";
import { OptimError } from "./errors.js";
import { allFinite, type Optimizer, optStateFromJSON, optStateToJSON, stableUpdate } from "./optimizer.js";
import { RMSProp, RMSPropMomentum } from "./rmsprop.js";
import { cosineDecay } from "./schedules.js";
import { Momentum, SGD } from "./sgd.js";
import { rosenbrock } from "./testing/problems.js";

const all: [string, () => Optimizer][] = [
  ["SGD", () => new SGD(1e-3)],
  ["Momentum", () => new Momentum(1e-4, 0.9)],
  ["Adam", () => new Adam(0.01)],
  ["ClippedAdam", () => new ClippedAdam(0.01, { clipNorm: 5, lrd: 0.999 })],
  ["AdamW", () => new AdamW(cosineDecay(0.01, 100, { warmupSteps: 10 }), { weightDecay: 0.01 })],
  ["RMSProp", () => new RMSProp(1e-3)],
  ["RMSPropMomentum", () => new RMSPropMomentum(1e-4)],
  ["Adagrad", () => new Adagrad(0.1)],
  ["SM3", () => new SM3(0.1)],
];

describe("an optimizer state survives a JSON round trip and resumes identically", () => {
  for (const [name, mk] of all) {
    it(`${name}: 20 steps, save through JSON.stringify, 30 more steps equal 50 uninterrupted steps bit for bit`, () => {
      const g = new Float64Array(2);
      const a = mk();
      const xa = Float64Array.of(-1.2, 1);
      const sa = a.init(xa);
      for (let i = 0; i < 50; i++) {
        rosenbrock(xa, g);
        a.update(g, sa, xa);
      }

      const b = mk();
      const xb = Float64Array.of(-1.2, 1);
      const sb = b.init(xb);
      for (let i = 0; i < 20; i++) {
        rosenbrock(xb, g);
        b.update(g, sb, xb);
      }
      const text = JSON.stringify({ params: Array.from(xb), state: optStateToJSON(sb) });
      const saved = JSON.parse(text);
      const c = mk();
      const xc = Float64Array.from(saved.params as number[]);
      const sc = optStateFromJSON(saved.state);
      expect(sc.step).toBe(20);
      for (let i = 0; i < 30; i++) {
        rosenbrock(xc, g);
        c.update(g, sc, xc);
      }
      expect(Array.from(xc)).toEqual(Array.from(xa));
      expect(optStateToJSON(sc)).toEqual(optStateToJSON(sa));
    });
  }

  it("keeps NaN and ±Infinity in slots through JSON", () => {
    const s = {
      optimizer: "Adam",
      step: 2,
      slots: { m: Float64Array.of(Number.NaN, Infinity), v: Float64Array.of(-Infinity, 1) },
    };
    const back = optStateFromJSON(JSON.parse(JSON.stringify(optStateToJSON(s))));
    expect(Array.from(back.slots.m)).toEqual([Number.NaN, Infinity]);
    expect(Array.from(back.slots.v)).toEqual([-Infinity, 1]);
  });

  it("round-trips any float64 slot values bit for bit, −0, NaN and ±Infinity included (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.double(), { maxLength: 20 }), fc.nat(), (values, step) => {
        const s = { optimizer: "X", step, slots: { a: Float64Array.from(values) } };
        const back = optStateFromJSON(JSON.parse(JSON.stringify(optStateToJSON(s))));
        expect(back.step).toBe(step);
        expect(back.slots.a.length).toBe(values.length);
        for (let i = 0; i < values.length; i++) expect(Object.is(back.slots.a[i], s.slots.a[i])).toBe(true);
      }),
      { seed: 42, numRuns: 200 },
    );
  });

  it("optStateFromJSON rejects malformed input with optim-bad-state", () => {
    const bad = [
      null,
      { optimizer: 1, step: 0, slots: {} },
      { optimizer: "Adam", step: -1, slots: {} },
      { optimizer: "Adam", step: 0, slots: { m: [1], v: [1, 2] } },
      { optimizer: "Adam", step: 0, slots: { m: ["x"] } },
    ];
    for (const b of bad) {
      expect(() => optStateFromJSON(b as never)).toThrow(OptimError);
      expect(() => optStateFromJSON(b as never)).toThrow(/optStateFromJSON/);
    }
  });
});

describe("non-finite gradients", () => {
  it("allFinite detects NaN and ±Infinity", () => {
    expect(allFinite(new Float64Array(0))).toBe(true);
    expect(allFinite(Float64Array.of(1, -2, 1e308))).toBe(true);
    expect(allFinite(Float64Array.of(1, Number.NaN))).toBe(false);
    expect(allFinite(Float64Array.of(Infinity))).toBe(false);
    expect(allFinite(Float64Array.of(0, -Infinity))).toBe(false);
  });

  it("stableUpdate skips the step (params, slots and step untouched) on a non-finite gradient or loss", () => {
    const opt = new Adam(0.1);
    const x = Float64Array.of(1, 2);
    const s = opt.init(x);
    expect(stableUpdate(opt, Float64Array.of(1, 1), s, x, 3)).toBe(true);
    const before = { x: Array.from(x), m: Array.from(s.slots.m), v: Array.from(s.slots.v), step: s.step };
    expect(stableUpdate(opt, Float64Array.of(Number.NaN, 1), s, x)).toBe(false);
    expect(stableUpdate(opt, Float64Array.of(1, 1), s, x, Number.POSITIVE_INFINITY)).toBe(false);
    expect({ x: Array.from(x), m: Array.from(s.slots.m), v: Array.from(s.slots.v), step: s.step }).toEqual(
      before,
    );
  });

  it("plain update lets NaN propagate (documented), so callers must guard with allFinite or stableUpdate", () => {
    const opt = new SGD(0.1);
    const x = Float64Array.of(1);
    opt.update(Float64Array.of(Number.NaN), opt.init(x), x);
    expect(Number.isNaN(x[0])).toBe(true);
  });
});

describe("init", () => {
  it("makes zeroed slots named after the optimizer's slotNames and step 0", () => {
    const s = new RMSPropMomentum(0.1).init(new Float64Array(3));
    expect(s.optimizer).toBe("RMSPropMomentum");
    expect(s.step).toBe(0);
    expect(Object.keys(s.slots).sort()).toEqual(["avgSqGrad", "mom"]);
    expect(Array.from(s.slots.mom)).toEqual([0, 0, 0]);
  });

  it("rejects a non-Float64Array with optim-shape-mismatch", () => {
    expect(() => new SGD(0.1).init([1, 2] as unknown as Float64Array)).toThrow(
      /SGD\.init: params must be a Float64Array/,
    );
  });

  it("an update allocates no new slot arrays (state arrays are updated in place)", () => {
    const opt = new Adam(0.1);
    const x = Float64Array.of(1, 2);
    const s = opt.init(x);
    const m = s.slots.m;
    opt.update(Float64Array.of(1, 1), s, x);
    expect(s.slots.m).toBe(m);
  });
});
