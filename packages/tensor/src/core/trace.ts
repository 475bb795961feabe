/**
 * The interpreter stack (Autodidax): `bind` hands a primitive application to the highest-level trace among
 * its inputs; level 0 is the base (eager evaluation, or the staging tracer inside `makeProgram`), higher levels
 * are autodiff tapes. A transformation is a new trace; primitives stay untouched.
 */
import { getBackend, jsBackend } from "./backend.js";
import { PhloxError } from "./errors.js";
import type {
  MultiPrimitive,
  MultiPrimitiveName,
  Primitive,
  PrimitiveName,
  PrimitiveParams,
} from "./primitive.js";
import { Tensor } from "./tensor.js";

/** An interpreter: processes primitive applications whose inputs belong to it (or to lower levels). */
export interface Trace {
  /** Position in the stack; 0 is the base. */
  readonly level: number;
  /** Applies `prim` to `inputs` (some of them may be tracers of this trace). */
  process<P extends PrimitiveName>(
    prim: Primitive<P>,
    inputs: readonly Tensor[],
    params: PrimitiveParams[P],
  ): Tensor;
  /** Applies a multi-output primitive (control flow). */
  processMulti<P extends MultiPrimitiveName>(
    prim: MultiPrimitive<P>,
    inputs: readonly Tensor[],
    params: PrimitiveParams[P],
  ): Tensor[];
  /**
   * True for a staging trace that records a control-flow body: tracers of other transformations (the
   * enclosing program, an outer `grad`) reaching it are captured as extra inputs instead of rejected.
   */
  readonly captures?: boolean;
}

/** Eager evaluation: runs the current backend's kernel right away. */
export const evalTrace: Trace = {
  level: 0,
  process(prim, inputs, params) {
    const shape = prim.shape(inputs, params);
    const dtype = prim.dtype(inputs, params);
    const be = getBackend();
    const buf =
      be === jsBackend
        ? prim.kernel(inputs, params, shape, dtype)
        : be.exec(prim, inputs, params, shape, dtype);
    return new Tensor(shape, dtype, buf, be);
  },
  processMulti(prim, inputs, params) {
    return prim.impl(inputs, params);
  },
};

let stack: Trace[] = [evalTrace];

/**
 * Applies a primitive to tensors through the current interpreter stack. Public ops are thin wrappers over it.
 * @throws PhloxError (`escaped-tracer`) when an input is a tracer whose transformation already finished.
 */
export function bind<P extends PrimitiveName>(
  prim: Primitive<P>,
  inputs: readonly Tensor[],
  params: PrimitiveParams[P],
): Tensor {
  return findTrace(prim.name, inputs).process(prim, inputs, params);
}

/** The highest trace among the inputs' (the base when none is a tracer). */
function findTrace(name: string, inputs: readonly Tensor[]): Trace {
  let trace = stack[0] as Trace;
  for (let i = 0; i < inputs.length; i++) {
    const t = inputs[i]._trace;
    if (t !== null && t !== trace) {
      if (stack[t.level] !== t) {
        // Inside a control-flow body, tracers of enclosing transformations are the body's captured inputs.
        if (stack[0]?.captures === true) continue;
        throw new PhloxError(
          "escaped-tracer",
          `${name}: an input is a tracer from a grad/jit transformation that has already finished (or from an ` +
            "outer trace inside makeProgram). Do not keep tensors from inside a transformed function; return them instead.",
        );
      }
      if (t.level > trace.level) trace = t;
    }
  }
  return trace;
}

/** Applies a multi-output primitive (scan, cond, whileLoop) through the interpreter stack. */
export function bindMulti<P extends MultiPrimitiveName>(
  prim: MultiPrimitive<P>,
  inputs: readonly Tensor[],
  params: PrimitiveParams[P],
): Tensor[] {
  return findTrace(prim.name, inputs).processMulti(prim, inputs, params);
}

/** The current stack depth (the level a newly pushed trace gets). */
export const stackDepth = (): number => stack.length;

/** Pushes a trace (its `level` must equal `stackDepth()`). */
export function pushTrace(t: Trace): void {
  stack.push(t);
}

/** Pops the top trace, which must be `t`. */
export function popTrace(t: Trace): void {
  if (stack[stack.length - 1] !== t) throw new PhloxError("trace-stack", "popTrace: trace stack corrupted.");
  stack.pop();
}

/** True when the base of the stack is a staging trace (inside `makeProgram`). */
export const isStaging = (): boolean => stack[0] !== evalTrace;

/** Runs `fn` with a fresh stack whose base is `base`, restoring the old stack afterwards. */
export function withBase<T>(base: Trace, fn: () => T): T {
  const saved = stack;
  stack = [base];
  try {
    return fn();
  } finally {
    stack = saved;
  }
}
