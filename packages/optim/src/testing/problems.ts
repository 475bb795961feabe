/** Objectives shared by the tests (not re-exported). */

/** Rosenbrock in 2-D, f(a, b) = (1 − a)² + 100(b − a²)²; minimum 0 at (1, 1). */
export function rosenbrock(x: Float64Array, g: Float64Array): number {
  const a = x[0];
  const b = x[1];
  g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
  g[1] = 200 * (b - a * a);
  return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
}

/** Chained Rosenbrock in n dimensions (scipy.optimize.rosen); minimum 0 at (1, …, 1). */
export function rosenbrockN(x: Float64Array, g: Float64Array): number {
  const n = x.length;
  let f = 0;
  g.fill(0);
  for (let i = 0; i < n - 1; i++) {
    const t = x[i + 1] - x[i] * x[i];
    f += 100 * t * t + (1 - x[i]) ** 2;
    g[i] += -400 * x[i] * t - 2 * (1 - x[i]);
    g[i + 1] += 200 * t;
  }
  return f;
}

/** Diagonal quadratic ½ Σ aᵢ(xᵢ − cᵢ)² with curvatures A and minimum C. */
export const QUAD_A = Float64Array.of(1, 4, 0.25, 2);
export const QUAD_C = Float64Array.of(1, -2, 3, 0.5);
export function quadratic(x: Float64Array, g: Float64Array): number {
  let f = 0;
  for (let i = 0; i < x.length; i++) {
    const r = x[i] - QUAD_C[i];
    g[i] = QUAD_A[i] * r;
    f += 0.5 * QUAD_A[i] * r * r;
  }
  return f;
}
