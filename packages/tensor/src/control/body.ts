/**
 * Shared machinery of the control-flow primitives: tracing a body function into a closed program (what it
 * closes over becomes explicit inputs), evaluating a program on tensors through the current interpreter
 * stack, and a flat reverse-mode helper used to stage the bodies' VJPs.
 */
import { endTape, startTape } from "../autodiff/tape.js";
import { type DType, isFloat } from "../core/dtype.js";
import { ConcretizationError, PhloxError } from "../core/errors.js";
import { type Atom, isLiteral, type Program, type Var } from "../core/ir.js";
import { type Aval, getMultiPrimitive, getPrimitive, type PrimitiveName } from "../core/primitive.js";
import { type TreeDef, treeFlatten } from "../core/pytree.js";
import { StagingTrace } from "../core/staging.js";
import { fromArray, Tensor, toTensor, weakScalar } from "../core/tensor.js";
import { bind, bindMulti, withBase } from "../core/trace.js";
import { zerosLike } from "../internal/elementwise.js";
import { cast } from "../primitives/cast.js";

/** Replaces JS numbers and booleans in a pytree by tensors (numbers are weakly typed scalars). */
export function tensorTree(tree: unknown): unknown {
  if (tree instanceof Tensor) return tree;
  if (typeof tree === "number" || typeof tree === "boolean") return toTensor(tree);
  if (Array.isArray(tree)) return tree.map(tensorTree);
  if (tree !== null && typeof tree === "object" && Object.getPrototypeOf(tree) === Object.prototype) {
    const o: Record<string, unknown> = {};
    for (const k of Object.keys(tree)) o[k] = tensorTree((tree as Record<string, unknown>)[k]);
    return o;
  }
  return tree;
}

/** A traced body: a program without constants whose first inputs are the captured tensors. */
export interface TracedBody {
  program: Program;
  /** The closed-over tensors, in the order of the program's first inputs. */
  captured: Tensor[];
  outTree: TreeDef;
}

/** `[a, b, c]` shapes as text for error messages. */
export const showAval = (a: Aval): string => `${a.dtype}[${a.shape.join(", ")}]`;

/**
 * Traces `fn` on abstract tensors with the given avals into a closed program.
 * @param where - the primitive and argument named in errors (e.g. `"scan body"`).
 * @param avals - avals of the explicit inputs, in order.
 * @param call - builds `fn`'s arguments from the input tracers and calls it.
 * @param outDtypes - expected dtypes of the first outputs: weakly typed scalars are cast to them.
 */
export function traceBody(
  where: string,
  avals: readonly Aval[],
  call: (inputs: Tensor[]) => unknown,
  outDtypes: readonly DType[] = [],
): TracedBody {
  const trace = new StagingTrace({ captures: true });
  return withBase(trace, () => {
    const explicit: Var[] = [];
    const tracers = avals.map((a) => {
      const v = trace.newVar([...a.shape], a.dtype);
      explicit.push(v);
      return trace.tracer(v);
    });
    let out: unknown;
    try {
      out = tensorTree(call(tracers));
    } catch (e) {
      if (e instanceof ConcretizationError)
        throw new ConcretizationError(
          e.code,
          `${where}: ${e.message} Inside a ${where.split(" ")[0]} the carry and slices are traced for all ` +
            "steps at once, so a JS `if` on them cannot work: use where(cond, a, b), or cond(pred, f, g, ...).",
        );
      throw e;
    }
    const { leaves, treedef } = treeFlatten(out);
    const outputs: Atom[] = leaves.map((l, i) => {
      // own tracers, concrete values, or tracers of enclosing transformations (captured as inputs)
      let x = l;
      const want = outDtypes[i];
      if (want !== undefined && x._weak && x.dtype !== want) x = cast(x, want);
      return trace.atomOf(x);
    });
    const program: Program = {
      inputs: [...trace.capturedVars, ...explicit],
      constants: trace.constants,
      eqns: trace.eqns,
      outputs,
    };
    return { program, captured: trace.captured, outTree: treedef };
  });
}

/** The aval of a program output. */
export const outAval = (a: Atom): Aval => (isLiteral(a) ? { shape: [], dtype: a.dtype } : a);

/**
 * Returns `program` with `extra` new inputs inserted at position `at` (inputs the program does not read:
 * when branches share one list of captured operands).
 */
export function insertInputs(program: Program, at: number, extra: readonly Aval[]): Program {
  if (extra.length === 0) return program;
  let next = maxVarId(program) + 1;
  const vars = extra.map((a) => ({ id: next++, shape: [...a.shape], dtype: a.dtype }));
  const inputs = [...program.inputs.slice(0, at), ...vars, ...program.inputs.slice(at)];
  return { ...program, inputs };
}

/** The largest variable id of a program (top level). */
export function maxVarId(p: Program): number {
  let m = -1;
  for (const v of p.inputs) m = Math.max(m, v.id);
  for (const c of p.constants) m = Math.max(m, c.v.id);
  for (const e of p.eqns) for (const o of e.outputs) m = Math.max(m, o.id);
  return m;
}

/**
 * Evaluates a program on tensors by binding its equations through the interpreter stack: eager on concrete
 * tensors (any backend: a host loop dispatching the body's kernels), staged under tracing, recorded under a
 * tape.
 */
export function evalProgram(program: Program, inputs: readonly Tensor[]): Tensor[] {
  const env = new Map<number, Tensor>();
  program.inputs.forEach((v, i) => {
    env.set(v.id, inputs[i] as Tensor);
  });
  for (const c of program.constants) env.set(c.v.id, fromArray(c.value, c.v.shape, c.v.dtype));
  const read = (a: Atom): Tensor => {
    if (isLiteral(a)) return weakScalar(a.literal, a.dtype);
    const t = env.get(a.id);
    if (t === undefined)
      throw new PhloxError("bad-program", `evalProgram: v${a.id} is used before it is defined.`);
    return t;
  };
  for (const e of program.eqns) {
    const ins = e.inputs.map(read);
    const multi = getMultiPrimitive(e.primitive);
    if (multi !== undefined) {
      const outs = bindMulti(multi, ins, e.params as never);
      e.outputs.forEach((o, k) => {
        env.set(o.id, outs[k] as Tensor);
      });
    } else {
      const prim = getPrimitive(e.primitive as PrimitiveName);
      env.set((e.outputs[0] as Var).id, bind(prim, ins, e.params as never));
    }
  }
  return program.outputs.map(read);
}

/**
 * Reverse mode over flat lists: evaluates `f(primals)` on a tape and pulls `cts` (null: zero; only float
 * outputs) back. Returns the outputs and one cotangent per primal (zeros for float primals the outputs do not
 * depend on, null for non-float primals).
 */
export function vjpFlat(
  f: (xs: Tensor[]) => Tensor[],
  primals: readonly Tensor[],
  cts: (outs: Tensor[]) => readonly (Tensor | null)[],
): { outs: Tensor[]; grads: (Tensor | null)[] } {
  const tape = startTape();
  let outLeaves: Tensor[];
  let leaves: (Tensor | null)[];
  try {
    leaves = primals.map((p) => (isFloat(p.dtype) ? tape.leaf(p) : null));
    outLeaves = f(primals.map((p, i) => leaves[i] ?? p));
  } finally {
    endTape(tape);
  }
  const outs = outLeaves.map((o) => (o._trace === tape ? (o._primal as Tensor) : o));
  const cs = cts(outs);
  const wanted = leaves.filter((l): l is Tensor => l !== null);
  const gs = tape.backward(outLeaves, cs, wanted);
  let k = 0;
  const grads = primals.map((p, i) => {
    if (leaves[i] === null) return null;
    const g = gs[k++];
    return g === null || g === undefined ? zerosLike(p) : g;
  });
  return { outs, grads };
}
