import { PhloxError } from "@phlox/tensor";

/** Stable codes carried by {@link OptimError}. */
export type OptimErrorCode =
  | "optim-bad-hyperparameter"
  | "optim-shape-mismatch"
  | "optim-bad-state"
  | "optim-bad-step-size"
  | "optim-bad-schedule"
  | "optim-bad-function-value";

/**
 * The error every `@phlox/optim` function throws on bad input, a {@link PhloxError} (Phlox's one error root):
 * a stable `code` plus a message that says what was wrong, where (function and argument) and how to fix it.
 *
 * `@phlox/optim` takes no tensors; it imports only this error root from its peer `@phlox/tensor`.
 *
 * @example
 * const err = (() => {
 *   try {
 *     new Adam(-1);
 *   } catch (e) {
 *     return e;
 *   }
 * })();
 * err instanceof OptimError && err.code; // → "optim-bad-hyperparameter"
 */
export class OptimError extends PhloxError {
  /** Stable machine-readable identifier of the failure, e.g. `"optim-bad-hyperparameter"`. */
  declare readonly code: OptimErrorCode;

  /**
   * @param code - stable identifier (`optim-bad-hyperparameter`, `optim-shape-mismatch`, `optim-bad-state`,
   *   `optim-bad-step-size`, `optim-bad-schedule`, `optim-bad-function-value`).
   * @param message - what was wrong, where, and how to fix it.
   */
  constructor(code: OptimErrorCode, message: string) {
    super(code, message);
    this.name = "OptimError";
  }
}
