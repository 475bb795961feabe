import { grad } from "../autodiff/grad.js";
import { PhloxError } from "../core/errors.js";
import { type Tensor, tensor } from "../core/tensor.js";
import { add } from "../primitives/add.js";
import { mul } from "../primitives/mul.js";
import { sum } from "../primitives/reduce-sum.js";

/** Options of {@link checkGrads}. */
export interface CheckGradsOptions {
  /** Highest derivative order to check (1 or 2; default 2). */
  order?: number;
  /** Finite-difference step (default 1e-5 for float64). */
  eps?: number;
  /** Relative tolerance (default 1e-6). */
  rtol?: number;
  /** Absolute tolerance (default 1e-7). */
  atol?: number;
  /** Seed of the random cotangents and directions (default 0). */
  seed?: number;
  /** Number of random directions per order (default 2). */
  directions?: number;
}

/** A small deterministic generator (mulberry32) for directions and cotangents. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
  };
}

const randomLike = (x: Tensor, r: () => number): Tensor =>
  tensor(
    Float64Array.from({ length: x.size }, () => 2 * r()),
    { shape: x.shape },
  );

function dot(a: readonly Tensor[], b: readonly Tensor[]): Tensor {
  let s: Tensor = sum(mul(a[0], b[0]));
  for (let i = 1; i < a.length; i++) s = add(s, sum(mul(a[i], b[i])));
  return s;
}

/** Checks reverse-mode directional derivatives of a scalar `F` against central differences. */
function checkOnce(
  F: (xs: Tensor[]) => Tensor,
  xs: Tensor[],
  o: Required<CheckGradsOptions>,
  r: () => number,
  label: string,
): void {
  const g = grad(
    (...ys: Tensor[]) => F(ys),
    xs.map((_, i) => i),
  )(...xs) as Tensor[];
  for (let d = 0; d < o.directions; d++) {
    const v = xs.map((x) => randomLike(x, r));
    const plus = F(xs.map((x, i) => add(x, mul(v[i], o.eps)))).item();
    const minus = F(xs.map((x, i) => add(x, mul(v[i], -o.eps)))).item();
    const fd = (plus - minus) / (2 * o.eps);
    const ad = dot(g, v).item();
    if (!(Math.abs(fd - ad) <= o.atol + o.rtol * Math.max(Math.abs(fd), Math.abs(ad))))
      throw new PhloxError(
        "check-grads",
        `checkGrads (${label}): reverse-mode directional derivative ${ad} differs from central difference ${fd} ` +
          `(|diff| ${Math.abs(fd - ad).toExponential(2)}, atol ${o.atol}, rtol ${o.rtol}).`,
      );
  }
}

/**
 * Checks the gradients of `f` (tensors in, one tensor out) against central finite differences in random
 * directions, to first and (with `order: 2`) second order — JAX's `check_grads` in reverse mode. The output
 * is contracted with a fixed random cotangent; order 2 differentiates x ↦ ⟨∇⟨f(x), w⟩, u⟩ again.
 * Use float64 inputs inside the function's smooth domain.
 * @throws PhloxError (`check-grads`) naming the order and both values when a check fails.
 * @example
 * checkGrads((x) => x.exp(), [tensor([0.5, 1])], { order: 2 });
 */
export function checkGrads(
  f: (...xs: Tensor[]) => Tensor,
  args: readonly Tensor[],
  options: CheckGradsOptions = {},
): void {
  const o: Required<CheckGradsOptions> = {
    order: options.order ?? 2,
    eps: options.eps ?? 1e-5,
    rtol: options.rtol ?? 1e-6,
    atol: options.atol ?? 1e-7,
    seed: options.seed ?? 0,
    directions: options.directions ?? 2,
  };
  const r = rng(o.seed);
  const xs = [...args];
  const y = f(...xs);
  const w = randomLike(y, r);
  const F1 = (ys: Tensor[]): Tensor => sum(mul(f(...ys), w));
  checkOnce(F1, xs, o, r, "order 1");
  if (o.order >= 2) {
    const u = xs.map((x) => randomLike(x, r));
    const F2 = (ys: Tensor[]): Tensor =>
      dot(
        grad(
          (...zs: Tensor[]) => F1(zs),
          ys.map((_, i) => i),
        )(...ys) as Tensor[],
        u,
      );
    checkOnce(F2, xs, { ...o, rtol: o.rtol * 10, atol: o.atol * 10 }, r, "order 2");
  }
}
