/**
 * One copy of the core per JavaScript realm. Tensors, the backend registry and the trace stack live in
 * module state, so two loaded copies of `@phlox/tensor` (a drifted version nested under another package, or
 * one package resolved from two paths) do not see each other's tensors: a model fails far from the cause
 * (`tensor(): element 0 is object, ...`). Each copy claims a slot in the global symbol registry when it
 * loads, and a second copy from another location fails at once with {@link DuplicateCoreError}.
 */
import { PhloxError } from "./errors.js";

const SLOT = Symbol.for("phlox.tensor.core");

/** Where the loaded copy came from (its module URL without query or hash). */
interface CoreClaim {
  url: string;
}

/** A second copy of `@phlox/tensor` was loaded into a realm that already holds one (`code: "duplicate-core"`). */
export class DuplicateCoreError extends PhloxError {}

function location(url: string): string {
  return url.replace(/[?#].*$/, "");
}

/**
 * Claims the realm for the copy at `url`; loading the same module again (a test runner's fresh module graph,
 * hot reload) is allowed, another location is not.
 * @param url - the claiming module's `import.meta.url`.
 * @param realm - the global object (a parameter for tests).
 * @throws DuplicateCoreError when another copy of `@phlox/tensor` already claimed `realm`.
 * @example
 * claimSingleCopy("file:///app/node_modules/@phlox/tensor/dist/index.js", {}); // first claim: no error
 */
export function claimSingleCopy(url: string, realm: object = globalThis): void {
  const slots = realm as Record<symbol, CoreClaim | undefined>;
  const here = location(url);
  const first = slots[SLOT];
  if (first === undefined) {
    Object.defineProperty(realm, SLOT, { value: { url: here }, enumerable: false, configurable: true });
    return;
  }
  if (first.url === here) return;
  throw new DuplicateCoreError(
    "duplicate-core",
    `@phlox/tensor was loaded twice: first from ${first.url}, now from ${here}. Two copies keep separate ` +
      "tensors, backends and trace stacks, so values from one are not tensors to the other. Install one " +
      "copy: every Phlox package names @phlox/tensor as a peer dependency, so give all @phlox/* packages " +
      "versions whose ranges agree, then `npm dedupe` (check with `npm ls @phlox/tensor`); in a bundler, " +
      "do not alias @phlox/tensor to a second path.",
  );
}
