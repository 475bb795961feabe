// Test helpers: read committed fixtures (NaN as null, ±inf as strings) and compare with NaN matching.
import { readFileSync } from "node:fs";
import { expect } from "vitest";
import { DiagnosticsError } from "../errors.js";

/** Parses a fixture, turning null into NaN and "inf"/"-inf" into ±Infinity. */
export function readFixture<T>(name: string): T {
  const text = readFileSync(new URL(`../../fixtures/${name}`, import.meta.url), "utf8");
  return JSON.parse(text, (_k, v) => {
    if (v === null) return Number.NaN;
    if (v === "inf") return Number.POSITIVE_INFINITY;
    if (v === "-inf") return Number.NEGATIVE_INFINITY;
    return v;
  }) as T;
}

/** Relative closeness with NaN ≡ NaN and a tiny absolute floor for exact zeros. */
export function expectClose(actual: number, expected: number, rtol: number, what = ""): void {
  if (Number.isNaN(expected)) {
    expect(actual, `${what}: expected NaN`).toBeNaN();
    return;
  }
  if (!Number.isFinite(expected)) {
    expect(actual, what).toBe(expected);
    return;
  }
  const err = Math.abs(actual - expected);
  expect(err, `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(rtol * Math.abs(expected) + 1e-13);
}

/** Elementwise {@link expectClose}. */
export function expectAllClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  rtol: number,
  what = "",
): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expectClose(actual[i], expected[i], rtol, `${what}[${i}]`);
}

/** The `code` of the DiagnosticsError `fn` throws (failing the test for any other error), or undefined. */
export function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DiagnosticsError);
    return (e as DiagnosticsError).code;
  }
  return undefined;
}
