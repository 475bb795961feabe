import { PhloxError } from "@phlox/tensor";

/**
 * The error every `@phlox/arviz-io` function throws, a `PhloxError` (Phlox's one error root): a stable `code`, and a message that says what was wrong,
 * where (function, group, variable, file), and how to fix it. Malformed or truncated files always end in this
 * error, never in a crash or a hang.
 *
 * Codes: `invalid-variable`, `invalid-group`, `invalid-argument`, `not-hdf5`, `truncated`, `corrupt`,
 * `unsupported`, `invalid-zarr`, `invalid-json`, `too-large`, `write-failed`, `out-of-memory`, `node-only`.
 *
 * @example
 * (() => { try { fromJSON("{"); } catch (e) { return e.code; } })(); // → "invalid-json"
 */
export class ArvizIoError extends PhloxError {
  /**
   * @param code - stable category (see the class summary).
   * @param message - what, where and how to fix.
   * @param options - `cause`: the underlying error, if any.
   */
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message);
    this.name = "ArvizIoError";
    if (options && "cause" in options) {
      Object.defineProperty(this, "cause", { value: options.cause, writable: true, configurable: true });
    }
  }
}
