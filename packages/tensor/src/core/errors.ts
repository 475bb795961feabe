/**
 * The Phlox error hierarchy: every error carries a stable `code` that tests and users can match on, and a
 * message that names the operation, the argument and the offending shape or value, then says how to fix it.
 */

/**
 * Base class of every error Phlox throws on purpose.
 * @param code - a stable, kebab-case identifier (e.g. `"broadcast-mismatch"`).
 * @param message - what was wrong, where, and how to fix it.
 * @example
 * try { add([1, 2], [1, 2, 3]); } catch (e) { (e as PhloxError).code; } // → "broadcast-mismatch"
 */
export class PhloxError extends Error {
  /** Stable identifier of the failure, independent of the message text. */
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
    this.name = new.target.name;
  }
}

/** Shapes that do not fit the operation (broadcasting, matmul, reshape sizes, axes out of range). */
export class ShapeError extends PhloxError {}
/** A dtype the operation does not accept (e.g. `lgamma` of an int32 tensor, a non-bool condition). */
export class DtypeError extends PhloxError {}
/** A value outside the allowed domain (non-finite where forbidden, a negative count, a bad seed). */
export class ConstraintError extends PhloxError {}
/** Reading the value of a traced (abstract) tensor, e.g. `item()` or branching on it under `jit`. */
export class ConcretizationError extends PhloxError {}
/** A primitive lacks a rule (VJP, shape) that a transformation needs. */
export class MissingRuleError extends PhloxError {}
/** A backend has no kernel for a primitive. */
export class MissingKernelError extends PhloxError {}

const seen = new Set<string>();
let silenced = false;

/**
 * Prints a warning once per `code` (later calls with the same code are ignored) unless warnings are silenced.
 * @param code - stable identifier used for deduplication.
 * @param message - the text printed with `console.warn`.
 * @example
 * warn("demo", "printed once"); warn("demo", "not printed");
 */
export function warn(code: string, message: string): void {
  if (silenced || seen.has(code)) return;
  seen.add(code);
  console.warn(`[phlox:${code}] ${message}`);
}

/**
 * Turns all Phlox warnings off (`true`) or back on (`false`); `reset` also forgets which codes were printed.
 * @returns whether warnings were silenced before the call, so that a scope can restore it.
 * @example
 * const was = silenceWarnings(true);
 * try { run(); } finally { silenceWarnings(was); }
 */
export function silenceWarnings(silence: boolean, reset = false): boolean {
  const was = silenced;
  silenced = silence;
  if (reset) seen.clear();
  return was;
}
