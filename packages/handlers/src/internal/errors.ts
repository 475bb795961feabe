import { PhloxError } from "@phlox/tensor";

export { ShapeError, warn } from "@phlox/tensor";

/** Errors raised by the handler stack and primitives; `code` is stable (e.g. `"missing-key"`). */
export class HandlerError extends PhloxError {}
