/**
 * Where `jit` finds a program compiler. `@phlox/tensor` alone runs jit programs through the IR interpreter;
 * `@phlox/backend-js` supplies a compiler (`useJsCompiler()` registers it). Registration is an explicit call,
 * never an import side effect, and the registry lives on `globalThis` so duplicate package copies share it.
 */
import type { TypedArray } from "../core/dtype.js";
import { warn } from "../core/errors.js";
import type { Program } from "../core/ir.js";

/** A program compiled to a function of typed arrays (one per program input) returning one per output. */
export type CompiledFn = (inputs: readonly TypedArray[]) => TypedArray[];

/**
 * A whole-program compiler `jit` can use.
 * @example
 * const echo: ProgramCompiler = {
 *   name: "interpreter",
 *   compile: (program) => (inputs) => interpretProgram(program, inputs),
 * };
 * registerCompiler(echo);
 */
export interface ProgramCompiler {
  /** Short name shown in warnings, e.g. `"js"`. */
  readonly name: string;
  /**
   * Compiles `program`. May throw (e.g. an `EvalError` where `new Function` is forbidden); `jit` then falls
   * back to the interpreter with one warning.
   */
  compile(program: Program): CompiledFn;
}

const KEY = Symbol.for("phlox.jit.compiler");
type Slot = { compiler: ProgramCompiler | null };
const slot = (): Slot => {
  const g = globalThis as unknown as Record<symbol, Slot | undefined>;
  let s = g[KEY];
  if (s === undefined) {
    s = { compiler: null };
    g[KEY] = s;
  }
  return s;
};

/**
 * Makes `compiler` the one `jit` uses (replacing any other; re-registering a different compiler warns once).
 * @param compiler - e.g. `jsCompiler` from `@phlox/backend-js`.
 * @example
 * registerCompiler(jsCompiler);
 */
export function registerCompiler(compiler: ProgramCompiler): void {
  const s = slot();
  if (s.compiler !== null && s.compiler !== compiler)
    warn(
      `compiler-replaced:${compiler.name}`,
      `registerCompiler: "${compiler.name}" replaces "${s.compiler.name}".`,
    );
  s.compiler = compiler;
}

/**
 * Removes the registered compiler, so `jit` uses the interpreter.
 * @returns the compiler that was registered, or null.
 * @example
 * unregisterCompiler();
 */
export function unregisterCompiler(): ProgramCompiler | null {
  const s = slot();
  const c = s.compiler;
  s.compiler = null;
  return c;
}

/**
 * The registered compiler, or null when `jit` runs programs through the interpreter.
 * @example
 * getCompiler()?.name; // → "js" after useJsCompiler()
 */
export function getCompiler(): ProgramCompiler | null {
  return slot().compiler;
}

/**
 * Runs `fn` with `compiler` registered when none is (restoring the registry afterwards): lets a library
 * compile the loops its eager model runs contain (a `scan` evaluated eagerly runs as one generated loop
 * instead of one interpreted body per step) without registering a compiler globally.
 * @example
 * withCompiler(jsCompiler, () => trace(seed(model, 0)).getTrace());
 */
export function withCompiler<T>(compiler: ProgramCompiler, fn: () => T): T {
  const s = slot();
  if (s.compiler !== null) return fn();
  s.compiler = compiler;
  try {
    return fn();
  } finally {
    s.compiler = null;
  }
}
