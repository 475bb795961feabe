import { PhloxError } from "@phlox/tensor";

/**
 * Stable codes of {@link ServeError}:
 * - `bad-model`: the model module or its {@link ServableModel} description is unusable (what and how to fix).
 * - `bad-posterior`: a posterior is missing a site, has the wrong shape, non-finite values or values outside a
 *   site's support, or its file cannot be read; it is refused and the served one is kept.
 * - `bad-input`: a request's input is missing, of the wrong shape or type, or outside its support (HTTP 400).
 * - `bad-option`: a request or server option is out of range (draw count, quantiles, HDI probability).
 */
export type ServeErrorCode = "bad-model" | "bad-posterior" | "bad-input" | "bad-option";

/**
 * The error `@phlox/serve` throws: a stable `code` and a message naming the model, site or input, the value or
 * shape found, and what was expected. Request errors carry the HTTP status they are answered with.
 * @example
 * new ServeError("bad-input", 'input "county": 99 is outside integerInterval(0, 84)').status; // → 400
 */
export class ServeError extends PhloxError {
  /** The HTTP status a request failing with this error gets (400 for request errors, 500 otherwise). */
  readonly status: number;
  /**
   * @param code - the stable code.
   * @param message - what was wrong, where, and how to fix it.
   * @param status - HTTP status (default 400 for `bad-input`/`bad-option`, 500 otherwise).
   */
  constructor(code: ServeErrorCode, message: string, status?: number) {
    super(code, message);
    this.status = status ?? (code === "bad-input" || code === "bad-option" ? 400 : 500);
  }
}
