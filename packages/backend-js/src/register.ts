import { type ProgramCompiler, registerCompiler } from "@phlox/tensor";
import { compileProgram } from "./compile.js";

/**
 * The backend-js program compiler, for `registerCompiler` in `@phlox/tensor`: `jit` then runs programs as
 * generated JavaScript instead of through the IR interpreter.
 * @example
 * registerCompiler(jsCompiler);
 */
export const jsCompiler: ProgramCompiler = {
  name: "js",
  compile(program) {
    const c = compileProgram(program);
    return (inputs) => c.call(inputs);
  },
};

/**
 * Registers {@link jsCompiler} as the compiler `jit` uses (an explicit call: importing backend-js has no side
 * effects). Calling it again is harmless.
 * @example
 * useJsCompiler();
 * const f = jit((x: Tensor) => x.exp().sum());
 */
export function useJsCompiler(): void {
  registerCompiler(jsCompiler);
}
