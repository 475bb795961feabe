/**
 * `jit`: traces a function on abstract values into an IR {@link Program}, simplifies it, caches it per input
 * signature and runs it with the registered compiler (see {@link registerCompiler}) or the IR interpreter.
 */

import { evalProgram } from "../control/body.js";
import { type Backend, type CompiledProgram, getBackend, jsBackend, withBackend } from "../core/backend.js";
import type { TypedArray } from "../core/dtype.js";
import { warn } from "../core/errors.js";
import { type Program, printProgram } from "../core/ir.js";
import { type TreeDef, treeFlatten, treeUnflatten } from "../core/pytree.js";
import { makeProgram } from "../core/staging.js";
import { fromArray, Tensor } from "../core/tensor.js";
import { isStaging } from "../core/trace.js";
import { type CompiledFn, getCompiler } from "./compiler.js";
import { interpretProgram } from "./interpret.js";
import { simplify } from "./simplify.js";

/** Options of {@link jit}. */
export interface JitOptions {
  /** Positions of arguments that are not traced: their values (compared by JSON text or identity) are part of the cache key. */
  readonly staticArgnums?: number | readonly number[];
  /** `false` always runs the IR interpreter (no `new Function`: strict CSP). Default true. */
  readonly codegen?: boolean;
  /** `false` skips the simplification passes (for debugging). Default true. */
  readonly simplify?: boolean;
  /**
   * Run on this backend's `compile` whatever the current backend is (inputs must live on it). Default: the
   * current backend, when it has `compile` and holds every input.
   */
  readonly backend?: Backend;
  /**
   * Where a program runs when the backend has no `compile`. `"backend"` (default): for a backend other than the
   * built-in `"js"` one, the IR interpreter binds each equation to that backend's own `exec` kernels (a
   * third-party backend is never bypassed). `"host"`: read the inputs back and run the program on the host with
   * the registered compiler (`useJsCompiler()`) or the reference kernels, as for the `"js"` backend. Ignored
   * when the backend has `compile`.
   */
  readonly runOn?: "backend" | "host";
}

/** A traced, simplified program and how it runs. */
export interface LoweredProgram {
  readonly program: Program;
  /** `"compiled"` (the registered compiler's name follows) or `"interpreter"`. */
  readonly runner: string;
  /** The program listing ({@link printIR}). */
  toString(): string;
}

/** A jitted function: call it like `f`; `lower` exposes the program for a signature. */
export interface JittedFunction<A extends unknown[], R> {
  (...args: A): R;
  /** Traces (or fetches from the cache) the program for these arguments without running it. */
  lower(...args: A): LoweredProgram;
  /** Number of cached signatures. */
  readonly cacheSize: number;
  /** Forgets every cached program. */
  clearCache(): void;
}

interface Entry {
  readonly program: Program;
  readonly run: CompiledFn;
  readonly runner: string;
  readonly outTree: TreeDef;
  /** Programs compiled by device backends (`Backend.compile`), run on their buffers. */
  readonly onDevice: Map<Backend, CompiledProgram>;
}

const identities = new WeakMap<object, number>();
let nextIdentity = 0;
const staticKey = (v: unknown): string => {
  if ((typeof v === "object" && v !== null) || typeof v === "function") {
    try {
      if (typeof v !== "function") return `j${JSON.stringify(v)}`;
    } catch {
      // cyclic: fall through to identity
    }
    let id = identities.get(v as object);
    if (id === undefined) {
      id = nextIdentity++;
      identities.set(v as object, id);
    }
    return `#${id}`;
  }
  return `${typeof v}:${String(v)}`;
};

const treeKey = (d: TreeDef): string => {
  switch (d.kind) {
    case "leaf":
      return "*";
    case "array":
      return `[${d.children.map(treeKey).join(",")}]`;
    case "object":
      return `{${d.keys.map((k, j) => `${JSON.stringify(k)}:${treeKey(d.children[j] as TreeDef)}`).join(",")}}`;
    default:
      return `=${staticKey(d.value)}`;
  }
};

/**
 * Compiles `f` for the shapes and dtypes it is called with. The first call with a new signature traces `f` on
 * abstract tensors (shape and dtype, no values) into an IR program — forward and backward passes together when
 * `f` uses `valueAndGrad`/`grad` — simplifies it, and compiles it with the registered compiler (or the IR
 * interpreter when none is registered, when `codegen: false`, or when the compiler throws — `new Function`
 * forbidden under strict CSP, or a primitive it cannot generate — with one warning). Later calls with the same signature reuse it. Inside another transformation (a `grad`
 * tape, a `makeProgram` trace) the jitted function simply calls `f`.
 * @param f - a function of pytrees of tensors returning a pytree of tensors; JS numbers inside arguments are
 *   baked in as constants (part of the cache key).
 * @param options - `staticArgnums` (arguments used as Python-style static values), `codegen`, `simplify`.
 * @returns a function with the same signature, plus `lower`, `cacheSize` and `clearCache`.
 * @throws ConcretizationError (unchanged from tracing) when `f` reads a traced value, e.g. `if (x.item() > 0)`:
 *   use `where` instead, or call `f` eagerly.
 * @example
 * const f = jit((x: Tensor) => x.mul(2).exp().sum());
 * f(tensor([0, 1])).item(); // → 8.38905609893065
 */
export function jit<A extends unknown[], R>(
  f: (...args: A) => R,
  options: JitOptions = {},
): JittedFunction<A, R> {
  const statics = new Set(
    options.staticArgnums === undefined
      ? []
      : typeof options.staticArgnums === "number"
        ? [options.staticArgnums]
        : options.staticArgnums,
  );
  const cache = new Map<string, Entry>();

  const prepare = (args: A): { entry: Entry; leaves: Tensor[]; inline: boolean } => {
    const dynamic: unknown[] = [];
    const keyParts: string[] = [];
    const leaves: Tensor[] = [];
    args.forEach((a, i) => {
      if (statics.has(i)) {
        keyParts.push(`s${i}=${staticKey(a)}`);
        return;
      }
      const { leaves: ls, treedef } = treeFlatten(a);
      for (const l of ls) {
        leaves.push(l);
        keyParts.push(`${l.dtype}[${l.shape.join(",")}]`);
      }
      keyParts.push(treeKey(treedef));
      dynamic.push(a);
    });
    const inline = isStaging() || leaves.some((l) => l._trace !== null);
    const key = keyParts.join("|");
    let entry = cache.get(key);
    if (entry === undefined && !inline) {
      const call = (...dyn: unknown[]): unknown => {
        let k = 0;
        const full = args.map((a, i) => (statics.has(i) ? a : dyn[k++]));
        return f(...(full as A));
      };
      const traced = makeProgram(call, dynamic);
      const program = options.simplify === false ? traced.program : simplify(traced.program);
      const { run, runner } = choose(program, options.codegen !== false);
      entry = { program, run, runner, outTree: traced.outTree, onDevice: new Map() };
      cache.set(key, entry);
    }
    return { entry: entry as Entry, leaves, inline };
  };

  const jitted = ((...args: A): R => {
    const { entry, leaves, inline } = prepare(args);
    if (inline) return f(...args);
    // A backend that compiles whole programs (wasm, webgpu) runs the program on its own buffers: no read-back,
    // no re-upload, and asynchronous backends work. Leaves from other backends take the host path below.
    const backend = options.backend ?? getBackend();
    if (backend.compile !== undefined && leaves.every((l) => l.backend === backend)) {
      let run = entry.onDevice.get(backend);
      if (run === undefined) {
        run = backend.compile(entry.program);
        entry.onDevice.set(backend, run);
      }
      const bufs = run(leaves.map((l) => l.buf));
      const onDevice = bufs.map((b, k) => {
        const o = entry.program.outputs[k];
        return new Tensor(o !== undefined && "shape" in o ? o.shape : [], o?.dtype ?? "float64", b, backend);
      });
      return treeUnflatten(entry.outTree, onDevice) as R;
    }
    // A backend without `compile` still runs its own kernels: the interpreter dispatches each equation to it.
    if (backend !== jsBackend && options.runOn !== "host") {
      const outs = withBackend(backend, () => evalProgram(entry.program, leaves));
      return treeUnflatten(entry.outTree, outs) as R;
    }
    const outs = entry.run(leaves.map((l) => l.dataSync()));
    const tensors = outs.map((data, k) => {
      const o = entry.program.outputs[k];
      const shape = o !== undefined && "shape" in o ? o.shape : [];
      return fromArray(data as TypedArray, shape, o?.dtype ?? "float64");
    });
    return treeUnflatten(entry.outTree, tensors) as R;
  }) as JittedFunction<A, R>;
  jitted.lower = (...args: A): LoweredProgram => {
    const { entry } = prepare(args);
    return { program: entry.program, runner: entry.runner, toString: () => printProgram(entry.program) };
  };
  Object.defineProperty(jitted, "cacheSize", { get: () => cache.size });
  jitted.clearCache = () => cache.clear();
  return jitted;
}

function choose(program: Program, codegen: boolean): { run: CompiledFn; runner: string } {
  const compiler = codegen ? getCompiler() : null;
  if (compiler !== null) {
    try {
      return { run: compiler.compile(program), runner: `compiled:${compiler.name}` };
    } catch (e) {
      // EvalError: `new Function` forbidden (strict CSP); other errors: a primitive the compiler cannot
      // generate. The interpreter runs every primitive that has a reference kernel.
      warn(
        `jit-compile-failed:${compiler.name}`,
        `jit: the "${compiler.name}" compiler could not build this program (${(e as Error).message}); ` +
          "running it with the IR interpreter instead.",
      );
    }
  }
  return { run: (inputs) => interpretProgram(program, inputs), runner: "interpreter" };
}

/**
 * A readable listing of a program (one equation per line, JAX jaxpr style), or of a jitted function's program
 * for the given arguments.
 * @example
 * printIR(jit((x: Tensor) => x.exp()).lower(tensor([1, 2])).program);
 * // → "{ lambda v0:float64[2] .\n  v1:float64[2] = exp v0\n  in (v1) }"
 */
export function printIR(p: Program | LoweredProgram): string {
  return printProgram("program" in p ? p.program : p);
}
