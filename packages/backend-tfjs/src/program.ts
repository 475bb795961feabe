/**
 * Running `jit` programs on a tfjs-backed backend: the IR interpreter over backend buffers (one kernel per
 * equation, no per-call tracing, intermediates freed at their last use).
 */
import {
  type Backend,
  type CompiledFn,
  jit,
  PhloxError,
  type Program,
  type ProgramCompiler,
  treeFlatten,
} from "@phlox/tensor";
import { disposeHandle, isHandle, scope } from "./handles.js";

/**
 * A `jit` compiler (for `registerCompiler`) that runs programs on `backend`: `jit` hands it typed arrays, it
 * uploads them, runs the equations as backend kernels and reads the outputs back. Needs a backend with
 * synchronous read-back (wasm); on WebGPU use {@link jitOnBackend}.
 * @param backend - a backend with `compile` and `readSync`.
 * @returns the compiler.
 * @throws PhloxError (`no-sync-read`) when the backend reads asynchronously.
 * @example
 * const be = await wasm({ fallbacks: "js" });
 * registerBackend(be); setBackend("wasm"); registerCompiler(programCompiler(be));
 */
export function programCompiler(backend: Backend): ProgramCompiler {
  const readSync = backend.readSync;
  const compileOn = backend.compile;
  if (readSync === undefined || compileOn === undefined)
    throw new PhloxError(
      "no-sync-read",
      `programCompiler: backend "${backend.name}" has no readSync/compile; use jitOnBackend for asynchronous backends.`,
    );
  return {
    name: backend.name,
    compile(program: Program): CompiledFn {
      const run = compileOn(program);
      return (inputs) =>
        scope(() => {
          const bufs = inputs.map((a, k) =>
            backend.create(a, (program.inputs[k] as Program["inputs"][0]).dtype),
          );
          const outs = run(bufs);
          const res = outs.map((b, k) => {
            const o = program.outputs[k] as Program["outputs"][0];
            const size = "shape" in o ? o.shape.reduce((x, y) => x * y, 1) : 1;
            return readSync(b, o.dtype, size);
          });
          for (const b of [...bufs, ...outs]) if (isHandle(b)) disposeHandle(b);
          return res;
        });
    },
  };
}

/** A function jitted by {@link jitOnBackend}. */
export interface BackendJitted<A extends unknown[], R> {
  (...args: A): R;
  /** The simplified program of the last signature traced. */
  lastProgram(): Program | null;
  /** Number of cached signatures. */
  readonly cacheSize: number;
}

/**
 * `jit` that keeps data on the backend: traces `f` once per input signature (shapes and dtypes) into a
 * simplified IR program, then runs it with `backend.compile` on the tensors' buffers — no read-back, no
 * per-call tracing. Outputs are tensors on `backend`. Works on asynchronous backends (WebGPU).
 * @param f - a function of pytrees of tensors returning a pytree of tensors.
 * @param backend - the backend the arguments live on (it must implement `compile`).
 * @returns the jitted function.
 * @throws PhloxError (`no-compile`) when the backend has no `compile`; (`foreign-tensor`) when an argument lives
 *   on another backend.
 * @example
 * const vg = jitOnBackend((z: Tensor) => valueAndGrad(potential)(z), be);
 * const [u, g] = vg(z); await g.data();
 */
export function jitOnBackend<A extends unknown[], R>(
  f: (...args: A) => R,
  backend: Backend,
): BackendJitted<A, R> {
  if (backend.compile === undefined)
    throw new PhloxError("no-compile", `jitOnBackend: backend "${backend.name}" has no compile().`);
  // Tracing, caching and running on device buffers are @phlox/tensor's `jit`; this adds the explicit backend.
  const jf = jit(f, { backend });
  let lastArgs: A | null = null;
  const jitted = ((...args: A): R => {
    treeFlatten(args).leaves.forEach((l, k) => {
      if (l.backend !== backend)
        throw new PhloxError(
          "foreign-tensor",
          `jitOnBackend: argument leaf ${k} lives on backend "${l.backend?.name}", not "${backend.name}". Create it after setBackend("${backend.name}").`,
        );
    });
    lastArgs = args;
    return jf(...args);
  }) as BackendJitted<A, R>;
  jitted.lastProgram = () => (lastArgs === null ? null : jf.lower(...lastArgs).program);
  Object.defineProperty(jitted, "cacheSize", { get: () => jf.cacheSize });
  return jitted;
}
