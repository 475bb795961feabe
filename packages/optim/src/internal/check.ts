import { OptimError } from "../errors.js";

/** Throws `optim-bad-hyperparameter` unless `value` is a finite number in the stated range. */
export function checkNumber(
  where: string,
  name: string,
  value: unknown,
  range: { min?: number; max?: number; minExclusive?: boolean; maxExclusive?: boolean; integer?: boolean },
): number {
  const { min, max, minExclusive = false, maxExclusive = false, integer = false } = range;
  const ok =
    typeof value === "number" &&
    Number.isFinite(value) &&
    (min === undefined || (minExclusive ? value > min : value >= min)) &&
    (max === undefined || (maxExclusive ? value < max : value <= max)) &&
    (!integer || Number.isInteger(value));
  if (!ok) {
    const lo = min === undefined ? "(-∞" : `${minExclusive ? "(" : "["}${min}`;
    const hi = max === undefined ? "∞)" : `${max}${maxExclusive ? ")" : "]"}`;
    throw new OptimError(
      "optim-bad-hyperparameter",
      `${where}: ${name} must be a finite ${integer ? "integer" : "number"} in ${lo}, ${hi}, got ${String(value)}. ` +
        `Pass a value in that range.`,
    );
  }
  return value as number;
}

/** Throws `optim-shape-mismatch` unless `a.length === n`. */
export function checkLength(where: string, name: string, a: Float64Array, n: number): void {
  if (!(a instanceof Float64Array)) {
    throw new OptimError(
      "optim-shape-mismatch",
      `${where}: ${name} must be a Float64Array, got ${Object.prototype.toString.call(a)}. ` +
        `Convert it with Float64Array.from(...).`,
    );
  }
  if (a.length !== n) {
    throw new OptimError(
      "optim-shape-mismatch",
      `${where}: ${name} has length ${a.length} but the parameters have length ${n}. ` +
        `Pass arrays of the same length as the params given to init().`,
    );
  }
}
