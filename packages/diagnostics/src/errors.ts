import { PhloxError } from "@phlox/tensor";

/** Stable codes carried by {@link DiagnosticsError}. */
export type DiagnosticsErrorCode =
  | "invalid-input"
  | "shape-mismatch"
  | "unequal-chains"
  | "too-few-draws"
  | "too-few-chains"
  | "invalid-argument";

/**
 * The one error class of `@phlox/diagnostics`, a {@link PhloxError} (Phlox's one error root). `code` is stable; the message says what was wrong, where
 * (function, variable, shape, value) and how to fix it.
 * @example
 * const err = new DiagnosticsError("too-few-draws", "essBulk(x): needs at least 4 draws per chain, got 3.");
 * err.code; // → "too-few-draws"
 */
export class DiagnosticsError extends PhloxError {
  /** Stable machine-readable reason. */
  declare readonly code: DiagnosticsErrorCode;
  /**
   * @param code - stable reason code.
   * @param message - what, where and how to fix.
   */
  constructor(code: DiagnosticsErrorCode, message: string) {
    super(code, message);
    this.name = "DiagnosticsError";
  }
}
