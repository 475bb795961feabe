import { PhloxError } from "@phlox/tensor";

/** Stable codes carried by {@link PlotsError}. */
export type PlotsErrorCode =
  | "invalid-input"
  | "invalid-argument"
  | "unknown-variable"
  | "missing-group"
  | "too-few-draws"
  | "node-only";

/**
 * The one error class of `@phlox/plots`. `code` is stable; the message says what was wrong, where (plot,
 * variable, group, option, value) and how to fix it.
 * @example
 * new PlotsError("unknown-variable", 'plotTrace: no variable "sigma" in posterior.').code; // → "unknown-variable"
 */
export class PlotsError extends PhloxError {
  /** Stable machine-readable reason. */
  declare readonly code: PlotsErrorCode;
  /**
   * @param code - stable reason code.
   * @param message - what, where and how to fix.
   */
  constructor(code: PlotsErrorCode, message: string) {
    super(code, message);
  }
}
