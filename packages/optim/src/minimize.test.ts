import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { OptimError } from "./errors.js";
import { Minimize, minimize } from "./minimize.js";
import { QUAD_C, quadratic, rosenbrock, rosenbrockN } from "./testing/problems.js";

interface Problem {
  name: string;
  x0: number[];
  x: number[];
  value: number;
  X?: number[][];
  y?: number[];
}
const fixture = JSON.parse(readFileSync(new URL("../fixtures/optim.json", import.meta.url), "utf8")) as {
  minimize: Problem[];
};
const problem = (name: string): Problem => fixture.minimize.find((p) => p.name === name)!;

function logisticMAP(X: number[][], y: number[]) {
  return (w: Float64Array, g: Float64Array): number => {
    let f = 0;
    for (let j = 0; j < w.length; j++) {
      g[j] = w[j];
      f += 0.5 * w[j] * w[j];
    }
    for (let i = 0; i < X.length; i++) {
      let eta = 0;
      for (let j = 0; j < w.length; j++) eta += X[i][j] * w[j];
      const z = y[i] * eta;
      f += z > 0 ? Math.log1p(Math.exp(-z)) : -z + Math.log1p(Math.exp(z));
      const s = -y[i] / (1 + Math.exp(z));
      for (let j = 0; j < w.length; j++) g[j] += s * X[i][j];
    }
    return f;
  };
}

describe("minimize (L-BFGS with a strong-Wolfe line search)", () => {
  it("reaches (1, 1) on 2-D Rosenbrock from (-1.2, 1) in fewer than 100 iterations, as scipy L-BFGS-B does", () => {
    const p = problem("rosenbrock-2d");
    const r = minimize(rosenbrock, Float64Array.from(p.x0), { gtol: 1e-9 });
    expect(r.converged).toBe(true);
    expect(r.numIter).toBeLessThan(100);
    for (let i = 0; i < 2; i++) expect(Math.abs(r.x[i] - p.x[i])).toBeLessThan(1e-6);
    expect(r.value).toBeLessThan(1e-12);
    expect(r.message).toMatch(/gtol/);
  });

  it("reaches the minimum of the 10-D chained Rosenbrock function (scipy reference) within 1e-5", () => {
    const p = problem("rosenbrock-10d");
    const r = minimize(rosenbrockN, Float64Array.from(p.x0), { gtol: 1e-9, maxIter: 500 });
    expect(r.converged).toBe(true);
    for (let i = 0; i < 10; i++) expect(Math.abs(r.x[i] - p.x[i])).toBeLessThan(1e-5);
  });

  it("finds the logistic-regression MAP that scipy finds, to 1e-7", () => {
    const p = problem("logistic-map");
    const r = new Minimize({ gtol: 1e-10 }).minimize(logisticMAP(p.X!, p.y!), Float64Array.from(p.x0));
    expect(r.converged).toBe(true);
    for (let i = 0; i < 3; i++) expect(Math.abs(r.x[i] - p.x[i])).toBeLessThan(1e-7);
    expect(Math.abs(r.value - p.value)).toBeLessThan(1e-10);
    expect(r.numIter).toBeLessThan(30);
  });

  it("solves a diagonal quadratic exactly and returns the gradient at the optimum", () => {
    const r = minimize(quadratic, new Float64Array(4), { gtol: 1e-12 });
    for (let i = 0; i < 4; i++) expect(Math.abs(r.x[i] - QUAD_C[i])).toBeLessThan(1e-10);
    for (let i = 0; i < 4; i++) expect(Math.abs(r.grad[i])).toBeLessThanOrEqual(1e-12);
    expect(r.numFunEval).toBeGreaterThan(r.numIter);
  });

  it("does not modify x0 and returns immediately when x0 is already optimal", () => {
    const x0 = Float64Array.from(QUAD_C);
    const r = minimize(quadratic, x0);
    expect(r.numIter).toBe(0);
    expect(r.converged).toBe(true);
    expect(r.x).not.toBe(x0);
  });

  it("stops with converged false and a message at maxIter", () => {
    const r = minimize(rosenbrock, Float64Array.of(-1.2, 1), { maxIter: 3 });
    expect(r.converged).toBe(false);
    expect(r.numIter).toBe(3);
    expect(r.message).toMatch(/maxIter = 3/);
  });

  it("treats non-finite values along the search as too long a step (log barrier)", () => {
    // f(x) = x − log x on x > 0 (minimum at 1); NaN for x ≤ 0.
    const f = (x: Float64Array, g: Float64Array): number => {
      g[0] = 1 - 1 / x[0];
      return x[0] - Math.log(x[0]);
    };
    const r = minimize(f, Float64Array.of(0.05), { gtol: 1e-10 });
    expect(r.converged).toBe(true);
    expect(Math.abs(r.x[0] - 1)).toBeLessThan(1e-8);
  });

  it("reports converged false when the line search cannot make progress (|x| has no gradient at 0)", () => {
    const f = (x: Float64Array, g: Float64Array): number => {
      g[0] = Math.sign(x[0]) || 1;
      return Math.abs(x[0]);
    };
    const r = minimize(f, Float64Array.of(1.3), { gtol: 1e-3, maxIter: 200 });
    expect(r.converged).toBe(false);
    expect(r.message).toMatch(/line search failed/);
    expect(Math.abs(r.x[0])).toBeLessThan(1e-6);
  });

  it("with ftol > 0 also stops on a small relative decrease, like scipy L-BFGS-B", () => {
    const r = minimize(rosenbrock, Float64Array.of(-1.2, 1), { gtol: 0, ftol: 2.220446049250313e-9 });
    expect(r.converged).toBe(true);
    expect(r.message).toMatch(/relative reduction of f ≤ ftol/);
    expect(Math.abs(r.x[0] - 1)).toBeLessThan(1e-6);
  });

  it('with method "BFGS" reaches the same optima (Rosenbrock 2-D/10-D, logistic MAP) as scipy', () => {
    const r2 = minimize(rosenbrock, Float64Array.of(-1.2, 1), { gtol: 1e-9, method: "BFGS" });
    expect(r2.converged).toBe(true);
    expect(r2.numIter).toBeLessThan(100);
    for (let i = 0; i < 2; i++) expect(Math.abs(r2.x[i] - 1)).toBeLessThan(1e-8);
    const p10 = problem("rosenbrock-10d");
    const r10 = minimize(rosenbrockN, Float64Array.from(p10.x0), {
      gtol: 1e-9,
      method: "BFGS",
      maxIter: 500,
    });
    for (let i = 0; i < 10; i++) expect(Math.abs(r10.x[i] - p10.x[i])).toBeLessThan(1e-5);
    const pl = problem("logistic-map");
    const rl = minimize(logisticMAP(pl.X!, pl.y!), Float64Array.from(pl.x0), { gtol: 1e-10, method: "BFGS" });
    for (let i = 0; i < 3; i++) expect(Math.abs(rl.x[i] - pl.x[i])).toBeLessThan(1e-7);
  });

  it('with method "BFGS" returns hessInv close to the exact inverse Hessian at the Rosenbrock optimum', () => {
    const r = minimize(rosenbrock, Float64Array.of(-1.2, 1), { gtol: 1e-9, method: "BFGS" });
    // ∇²f(1, 1) = [[802, −400], [−400, 200]], whose inverse is [[0.5, 1], [1, 2.005]].
    const exact = [0.5, 1, 1, 2.005];
    expect(r.hessInv).toBeDefined();
    for (let i = 0; i < 4; i++)
      expect(Math.abs(r.hessInv![i] - exact[i])).toBeLessThan(0.01 * Math.abs(exact[i]));
    expect(minimize(rosenbrock, Float64Array.of(-1.2, 1)).hessInv).toBeUndefined();
  });

  it("throws optim-bad-function-value when the objective is not finite at x0", () => {
    const f = (x: Float64Array, g: Float64Array): number => {
      g[0] = 1;
      return Math.log(x[0]);
    };
    expect(() => minimize(f, Float64Array.of(-1))).toThrow(OptimError);
    expect(() => minimize(f, Float64Array.of(-1))).toThrow(/not finite at x0 \(f = NaN/);
  });

  it("rejects bad options with optim-bad-hyperparameter", () => {
    expect(() => minimize(quadratic, new Float64Array(4), { gtol: -1 })).toThrow(/minimize: options\.gtol/);
    expect(() => minimize(quadratic, new Float64Array(4), { history: 0 })).toThrow(/options\.history/);
    expect(() => minimize(quadratic, new Float64Array(4), { maxIter: 1.5 })).toThrow(/finite integer/);
    expect(() => new Minimize({ c1: 0.5, c2: 0.4 })).toThrow(/options\.c2/);
    expect(() => new Minimize({ method: "CG" as "BFGS" })).toThrow(
      /options\.method must be "L-BFGS" or "BFGS", got "CG"/,
    );
  });
});
