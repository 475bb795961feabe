/**
 * The warning for programs that grow unusually long while tracing: almost always a JS loop over time steps
 * being unrolled equation by equation. It names the user code that was running (the first stack frame
 * outside Phlox's own packages) and points at `scan`.
 */
import { warn } from "./errors.js";

/** Stack frames of Phlox itself (source or bundled) and of Node internals. */
const INTERNAL =
  /[\\/](?:packages[\\/](?:tensor|handlers|distributions|infer|backend-[a-z]+|mcmc|vi|autoguide)[\\/]src|@phlox[\\/]|node_modules[\\/])|node:internal|\(node:/;

/** The first stack frame outside Phlox (`file:line:column`), or null. */
export function userFrame(stack: string | undefined): string | null {
  if (stack === undefined) return null;
  for (const line of stack.split("\n").slice(1)) {
    const l = line.trim();
    if (!l.startsWith("at ") || INTERNAL.test(l)) continue;
    const m = /\(([^()]+)\)$/.exec(l) ?? /^at (.+)$/.exec(l);
    if (m !== null) return m[1] as string;
  }
  return null;
}

/**
 * Warns once per process that a traced program reached `count` equations.
 * @param count - the threshold that was crossed.
 */
export function warnLongProgram(count: number): void {
  const saved = Error.stackTraceLimit;
  Error.stackTraceLimit = 64;
  const stack = new Error().stack;
  Error.stackTraceLimit = saved;
  const where = userFrame(stack);
  warn(
    "long-program",
    `tracing produced more than ${count} equations${where === null ? "" : `; the likely loop is at ${where}`}. ` +
      "A JS loop over time steps is unrolled into the program, which makes compiling slow; write the " +
      "recursion with scan(fn, init, xs) (@phlox/tensor, or @phlox/handlers for models with sample sites) " +
      "so it compiles to one loop.",
  );
}
