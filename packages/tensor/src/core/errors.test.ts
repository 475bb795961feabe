import { describe, expect, test, vi } from "vitest";
import * as t from "../index.js";

describe("errors name the op, the shapes or values, and the fix", () => {
  test("a shape mismatch throws ShapeError naming both shapes and the op", () => {
    expect(() => t.add(t.zeros([2, 3]), t.zeros([4]))).toThrow(t.ShapeError);
    expect(() => t.add(t.zeros([2, 3]), t.zeros([4]))).toThrow(
      /add: shapes \[2, 3\] and \[4\] do not broadcast/,
    );
    expect(() => t.matmul(t.zeros([2, 3]), t.zeros([2, 3]))).toThrow(
      /matmul: inner dimensions differ: \[2, 3\] × \[2, 3\]/,
    );
    expect(() => t.reshape(t.zeros([6]), [4, 2])).toThrow(/reshape: cannot reshape \[6\] into \[4, 2\]/);
    try {
      t.mul([1, 2], [1, 2, 3]);
    } catch (e) {
      expect(e).toBeInstanceOf(t.PhloxError);
      expect((e as t.PhloxError).code).toBe("broadcast-mismatch");
    }
  });

  test("a dtype mismatch throws DtypeError", () => {
    expect(() => t.grad((x: t.Tensor) => x.sum())(t.tensor([1, 2], { dtype: "int32" }))).toThrow(
      t.DtypeError,
    );
    expect(() => t.grad((x: t.Tensor) => x.sum())(t.tensor([1, 2], { dtype: "int32" }))).toThrow(
      /float tensors, got int32/,
    );
    expect(() => t.randomBits(t.tensor([1, 2]), [2])).toThrow(/key must be uint32/);
    expect(() => t.take([1, 2], [true])).toThrow(t.DtypeError);
    expect(() => t.tensor([t.scalar(1), t.scalar(2)] as never)).toThrow(/is a Tensor; .* stack/);
  });

  test("non-finite or out-of-range values where forbidden throw ConstraintError", () => {
    expect(() => t.key(Number.NaN)).toThrow(t.ConstraintError);
    expect(() => t.key(-1)).toThrow(/seed must be an integer/);
    expect(() => t.arange(0, 1, Number.POSITIVE_INFINITY)).toThrow(/step must be finite/);
    expect(() => t.take([1, 2], [5])).toThrow(/index 5 is out of range for an axis of length 2/);
    expect(() => t.polygamma(0.5, 1)).toThrow(t.ConstraintError);
  });

  test("grad of a non-scalar function says to sum or use vjp", () => {
    expect(() => t.grad((x: t.Tensor) => x.mul(2))(t.tensor([1, 2]))).toThrow(
      /must return a scalar.*use vjp/,
    );
  });

  test("warn(code, msg) prints once per code and can be silenced", () => {
    const spy = vi.spyOn(console, "warn").mockImplementation(() => {});
    t.warn("test-code", "first");
    t.warn("test-code", "second");
    expect(spy).toHaveBeenCalledTimes(1);
    expect(t.silenceWarnings(true)).toBe(false);
    t.warn("other-code", "silenced");
    expect(spy).toHaveBeenCalledTimes(1);
    // The previous setting comes back, so a scope can restore it.
    expect(t.silenceWarnings(true)).toBe(true);
    expect(t.silenceWarnings(false, true)).toBe(true);
    t.warn("test-code", "again after reset");
    expect(spy).toHaveBeenCalledTimes(2);
    spy.mockRestore();
  });

  test("an escaped tracer is reported", () => {
    let leaked: t.Tensor | null = null;
    t.grad((x: t.Tensor) => {
      leaked = x;
      return x.sum();
    })(t.tensor([1]));
    expect(() => (leaked as unknown as t.Tensor).mul(2)).toThrow(/escaped|finished/);
  });
});
