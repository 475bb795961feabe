/**
 * Test helpers: run a function eagerly, through the IR interpreter and as compiled code, and compare.
 */
import {
  interpretProgram,
  makeProgram,
  simplify,
  type Tensor,
  type TypedArray,
  treeFlatten,
  valueAndGrad,
} from "@phlox/tensor";
import { expect } from "vitest";
import { compileProgram } from "../compile.js";

/** Flat outputs of `f(...args)` computed three ways. */
export interface ThreeWays {
  readonly eager: TypedArray[];
  readonly interpreted: TypedArray[];
  readonly compiled: TypedArray[];
  readonly eqns: { readonly traced: number; readonly simplified: number };
  readonly source: string;
}

/** Every primitive seen in a program traced by {@link threeWays} (for coverage assertions). */
export const seenPrimitives = new Set<string>();

/** Runs `f` eagerly, interpreted (traced program, unsimplified) and compiled (simplified program). */
export function threeWays(f: (...args: Tensor[]) => unknown, args: readonly Tensor[]): ThreeWays {
  const eager = treeFlatten(f(...args)).leaves.map((t) => t.dataSync());
  const { program } = makeProgram(
    f as (...a: never[]) => unknown,
    args.map((a) => ({ shape: a.shape, dtype: a.dtype })),
  );
  for (const e of program.eqns) seenPrimitives.add(e.primitive);
  const inputs = args.map((a) => a.dataSync());
  const interpreted = interpretProgram(program, inputs);
  const simplified = simplify(program);
  const c = compileProgram(simplified);
  const compiled = c.call(inputs);
  return {
    eager,
    interpreted,
    compiled,
    eqns: { traced: program.eqns.length, simplified: simplified.eqns.length },
    source: c.source,
  };
}

/** Like {@link threeWays} on `valueAndGrad(f)` (gradient with respect to the first argument). */
export function threeWaysGrad(f: (...args: Tensor[]) => Tensor, args: readonly Tensor[]): ThreeWays {
  return threeWays((...a: Tensor[]) => valueAndGrad(f)(...a), args);
}

/** Asserts elementwise agreement to `rtol` relative (absolute near zero), NaN matching NaN. */
export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  rtol = 1e-12,
  what = "",
): void {
  expect(actual.length, `${what} length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] as number;
    const e = expected[i] as number;
    if (Number.isNaN(e)) {
      expect(Number.isNaN(a), `${what}[${i}] should be NaN, got ${a}`).toBe(true);
      continue;
    }
    if (!Number.isFinite(e)) {
      expect(a, `${what}[${i}]`).toBe(e);
      continue;
    }
    const tol = rtol * Math.max(1, Math.abs(e));
    expect(Math.abs(a - e) <= tol, `${what}[${i}]: got ${a}, expected ${e} (tol ${tol})`).toBe(true);
  }
}

/** Asserts the three ways agree on every output. */
export function expectAgree(r: ThreeWays, rtol = 1e-12): void {
  expect(r.interpreted.length).toBe(r.eager.length);
  expect(r.compiled.length).toBe(r.eager.length);
  r.eager.forEach((e, k) => {
    expectClose(r.interpreted[k] as TypedArray, e, rtol, `interpreted output ${k}`);
    expectClose(r.compiled[k] as TypedArray, e, rtol, `compiled output ${k}\n${r.source}\n`);
  });
}

/** Deterministic pseudo-random numbers in [lo, hi) (a small LCG; tests must not depend on Math.random). */
export function seeded(seed: number, n: number, lo = -1, hi = 1): number[] {
  let s = seed >>> 0 || 1;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out.push(lo + ((hi - lo) * s) / 4294967296);
  }
  return out;
}
