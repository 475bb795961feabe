import { bareErrors } from "@phlox/test-utils";
import { expect, test } from "vitest";

// One error root: every error @phlox/optim throws is a PhloxError subclass (from @phlox/tensor) with a stable
// `code`. This scan fails on a new bare `new Error(`/`TypeError(`/`RangeError(` in the package's sources.
test("no source file of @phlox/optim constructs a bare Error/TypeError/RangeError", () => {
  expect(bareErrors(new URL(".", import.meta.url))).toEqual([]);
});
