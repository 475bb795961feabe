/**
 * The error every `@phlox/optim` function throws on bad input: a stable `code` plus a message that says
 * what was wrong, where (function and argument) and how to fix it.
 *
 * `@phlox/optim` depends on no other Phlox package, so this class stands alone; its `code` strings follow
 * the same `kebab-case` convention as `PhloxError` in `@phlox/tensor`.
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
export class OptimError extends Error {
  /** Stable machine-readable identifier of the failure, e.g. `"optim-bad-hyperparameter"`. */
  readonly code: string;

  /**
   * @param code - stable identifier (`optim-bad-hyperparameter`, `optim-shape-mismatch`, `optim-bad-state`,
   *   `optim-bad-step-size`, `optim-bad-schedule`, `optim-bad-function-value`).
   * @param message - what was wrong, where, and how to fix it.
   */
  constructor(code: string, message: string) {
    super(message);
    this.name = "OptimError";
    this.code = code;
  }
}
