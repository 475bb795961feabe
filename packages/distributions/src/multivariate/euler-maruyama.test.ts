import { jit, key, type Tensor } from "@phlox/tensor";
import { describe, expect, it } from "vitest";
import { Normal } from "../continuous/normal.js";
import { asTensor, ConstraintError, mul, PhloxError, ShapeError, sub, values } from "../internal/ops.js";
import { flat, maxRelErr } from "../testing/fixtures.js";
import { loadParity2, type Parity2Case } from "../testing/parity2.js";
import { EulerMaruyama } from "./euler-maruyama.js";

type Arr = number[];
const build = (c: Parity2Case): EulerMaruyama => {
  const p = c.params as { theta: number; m: number; sigma: number; stateShape: number[] } & Record<
    string,
    unknown
  >;
  const init = new Normal(p.initLoc as Arr, p.initScale as Arr).toEvent(p.stateShape.length);
  return new EulerMaruyama(p.t as Arr, (y) => [mul(-p.theta, sub(y, p.m)), p.sigma], init);
};

describe("EulerMaruyama matches NumPyro 0.21 on an Ornstein–Uhlenbeck SDE (fixtures/parity2.json)", () => {
  const cases = loadParity2("EulerMaruyama");
  it("has ≥ 60 points per case, ≥ 3 batch shapes, vector states and batched time grids", () => {
    for (const c of cases) expect(flat(c.logProb).length).toBeGreaterThanOrEqual(60);
    expect(new Set(cases.map((c) => c.batchShape.join("x"))).size).toBeGreaterThanOrEqual(3);
  });
  for (const c of cases) {
    it(`${c.name}: shapes and logProb to 1e-10`, () => {
      const d = build(c);
      expect(d.batchShape).toEqual(c.batchShape);
      expect(d.eventShape).toEqual(c.eventShape);
      const lp = d.logProb(c.x as Arr);
      const b = c.batchShape.reduce((p, q) => p * q, 1);
      expect(lp.shape).toEqual([flat(c.logProb).length / b, ...c.batchShape]);
      expect(maxRelErr(values(lp), flat(c.logProb))).toBeLessThanOrEqual(1e-10);
    });
  }
  it("logProb traces under jit", () => {
    const c = cases[2]!;
    const traced = jit((x: Tensor) => build(c).logProb(x))(asTensor(c.x as Arr));
    expect(maxRelErr(values(traced), flat(c.logProb))).toBeLessThanOrEqual(1e-10);
  });
});

describe("EulerMaruyama sampler and input checks", () => {
  it("20 000 OU paths: every time's mean and variance follow the Euler recursion (5 standard errors)", () => {
    const t = [0, 0.3, 0.5, 1, 1.2];
    const [theta, m, s] = [0.8, 0.5, 0.6];
    const d = new EulerMaruyama(t, (y) => [mul(-theta, sub(y, m)), s], new Normal(-1, 0.5));
    const n = 20_000;
    const x = d.sample(key(4), [n]);
    expect(x.shape).toEqual([n, 5]);
    const xs = values(x);
    let mean = -1;
    let v = 0.25;
    for (let k = 0; k < 5; k++) {
      if (k > 0) {
        const dt = t[k]! - t[k - 1]!;
        mean = mean + dt * -theta * (mean - m);
        v = (1 - theta * dt) ** 2 * v + dt * s * s;
      }
      let s1 = 0;
      let s2 = 0;
      for (let i = 0; i < n; i++) s1 += xs[5 * i + k]!;
      const mk = s1 / n;
      for (let i = 0; i < n; i++) s2 += (xs[5 * i + k]! - mk) ** 2;
      expect(Math.abs(mk - mean), `mean at t${k}`).toBeLessThan(5 * Math.sqrt(v / n));
      expect(Math.abs(s2 / n - v), `variance at t${k}`).toBeLessThan(5 * v * Math.sqrt(2 / n));
    }
    expect(
      new EulerMaruyama(t, (y) => [y, 1], new Normal([0, 0], 1).toEvent(1)).sample(key(1), [3]).shape,
    ).toEqual([3, 5, 2]);
  });
  it("rejects a bad time grid and a non-distribution init, naming them", () => {
    const f = (y: Tensor) => [y, 1] as const;
    expect(() => new EulerMaruyama([0], f, new Normal(0, 1))).toThrow(ShapeError);
    expect(() => new EulerMaruyama([0], f, new Normal(0, 1))).toThrow(/t must be a grid/);
    expect(() => new EulerMaruyama([0, 1], f, {} as Normal)).toThrow(PhloxError);
    expect(() => new EulerMaruyama([0, 2, 1], f, new Normal(0, 1), { validateArgs: true })).toThrow(
      /parameter t/,
    );
    expect(() =>
      new EulerMaruyama([0, 1], f, new Normal(0, 1), { validateArgs: true }).logProb([0, Number.NaN]),
    ).toThrow(ConstraintError);
  });
});
