import { PhloxError } from "@phlox/tensor";
import { bareErrors } from "@phlox/test-utils";
import { describe, expect, it } from "vitest";
import { DiagnosticsError, essBulk, formatArvizSummary, loo, psislw, quantile, rhat } from "./index.js";

// One error root: everything @phlox/diagnostics throws on purpose is a DiagnosticsError, a PhloxError with a
// stable code; a bare Error/TypeError/RangeError in the sources fails this test.
it("no source file throws a bare Error, TypeError or RangeError", () => {
  const found = bareErrors(new URL(".", import.meta.url));
  expect(found).toEqual([]);
});

const ll = { data: new Float64Array(40).fill(-1), shape: [2, 20, 1] };
const cases: [string, () => unknown, string][] = [
  ["essBulk of 3 draws", () => essBulk([[1, 2, 3]]), "too-few-draws"],
  [
    "rhat of ragged chains",
    () =>
      rhat([
        [1, 2, 3, 4, 5],
        [1, 2, 3, 4],
      ]),
    "unequal-chains",
  ],
  ["loo with a bad scale", () => loo(ll, { scale: "log10" as never, warn: false }), "invalid-argument"],
  ["loo with 2 r_eff for 1 observation", () => loo(ll, { reff: [1, 1], warn: false }), "shape-mismatch"],
  ["psislw of nothing", () => psislw(new Float64Array(0)), "invalid-input"],
  ["quantile with q = 2", () => quantile([1, 2, 3], 2), "invalid-argument"],
  [
    "formatArvizSummary kind",
    () => formatArvizSummary({ a: ll }, { kind: "x" as never }),
    "invalid-argument",
  ],
];

describe("bad input throws a PhloxError with a stable code", () => {
  it.each(cases)("%s", (_name, fn, code) => {
    let caught: unknown;
    try {
      fn();
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(PhloxError);
    expect(caught).toBeInstanceOf(DiagnosticsError);
    expect((caught as PhloxError).code).toBe(code);
  });
});
