/**
 * The staging tracer: runs a function on abstract tensors (shape + dtype only) and records every primitive
 * application as an equation of a {@link Program}. Autodiff runs on top of it unchanged, so staging
 * `valueAndGrad(f)` yields one program holding the forward and backward passes.
 */
import type { DType } from "./dtype.js";
import { PhloxError } from "./errors.js";
import type { Atom, Eqn, Program, Var } from "./ir.js";
import { warnLongProgram } from "./long-program.js";
import type {
  Aval,
  MultiPrimitive,
  MultiPrimitiveName,
  Primitive,
  PrimitiveName,
  PrimitiveParams,
} from "./primitive.js";
import { type TreeDef, treeFlatten } from "./pytree.js";
import { Tensor } from "./tensor.js";
import { type Trace, withBase } from "./trace.js";

/** Equations after which tracing warns once that a loop is probably being unrolled. */
const LONG_PROGRAM = 20_000;

/** A staging trace: the base interpreter inside {@link makeProgram}. */
export class StagingTrace implements Trace {
  readonly level = 0;
  private nextId = 0;
  readonly inputs: Var[] = [];
  readonly eqns: Eqn[] = [];
  readonly constants: { v: Var; value: Program["constants"][number]["value"] }[] = [];
  private readonly constMap = new Map<Tensor, Var>();
  /**
   * Capturing mode (control-flow bodies): closed-over tensors, concrete or tracers of enclosing
   * transformations, become extra inputs (listed in `captured`, their variables in `capturedVars`) instead of
   * constants, so body programs hold no data and stay differentiable in what they close over.
   */
  readonly captures: boolean;
  readonly captured: Tensor[] = [];
  readonly capturedVars: Var[] = [];

  constructor(options: { captures?: boolean } = {}) {
    this.captures = options.captures === true;
  }

  newVar(shape: readonly number[], dtype: DType): Var {
    return { id: this.nextId++, shape, dtype };
  }

  /** A tracer standing for `atom`. */
  tracer(atom: Var): Tensor {
    const t = new Tensor(atom.shape, atom.dtype, null, null, this);
    t._atom = atom;
    return t;
  }

  /** The atom of `x`: its variable, a literal for weak scalars, or a captured constant. */
  atomOf(x: Tensor): Atom {
    if (x._trace === this) return x._atom!;
    if (this.captures) {
      if (x._trace === null && x._weak && x.shape.length === 0)
        return { literal: x.dataSync()[0], dtype: x.dtype };
      let v = this.constMap.get(x);
      if (v === undefined) {
        v = this.newVar(x.shape, x.dtype);
        this.captured.push(x);
        this.capturedVars.push(v);
        this.constMap.set(x, v);
      }
      return v;
    }
    if (x._trace !== null)
      throw new PhloxError(
        "escaped-tracer",
        "makeProgram: a tracer from another transformation reached the staged function.",
      );
    if (x._weak && x.shape.length === 0) return { literal: x.dataSync()[0], dtype: x.dtype };
    let v = this.constMap.get(x);
    if (v === undefined) {
      v = this.newVar(x.shape, x.dtype);
      this.constants.push({ v, value: x.dataSync() });
      this.constMap.set(x, v);
    }
    return v;
  }

  process<P extends PrimitiveName>(
    prim: Primitive<P>,
    inputs: readonly Tensor[],
    params: PrimitiveParams[P],
  ): Tensor {
    const shape = prim.shape(inputs, params);
    const dtype = prim.dtype(inputs, params);
    const ins = inputs.map((x) => this.atomOf(x));
    const out = this.newVar(shape, dtype);
    this.eqns.push({ primitive: prim.name, inputs: ins, params, outputs: [out] } as Eqn);
    if (this.eqns.length === LONG_PROGRAM) warnLongProgram(LONG_PROGRAM);
    return this.tracer(out);
  }

  processMulti<P extends MultiPrimitiveName>(
    prim: MultiPrimitive<P>,
    inputs: readonly Tensor[],
    params: PrimitiveParams[P],
  ): Tensor[] {
    const avals = prim.avals(inputs, params);
    const ins = inputs.map((x) => this.atomOf(x));
    const outs = avals.map((a) => this.newVar([...a.shape], a.dtype));
    this.eqns.push({ primitive: prim.name, inputs: ins, params, outputs: outs } as Eqn);
    return outs.map((o) => this.tracer(o));
  }
}

const isAvalLike = (x: unknown): x is Aval =>
  x !== null &&
  typeof x === "object" &&
  !(x instanceof Tensor) &&
  Array.isArray((x as Aval).shape) &&
  typeof (x as Aval).dtype === "string" &&
  Object.keys(x).length === 2;

/** Replaces every tensor or `{ shape, dtype }` leaf of `tree` by a fresh input tracer. */
function abstractify(tree: unknown, trace: StagingTrace): unknown {
  if (tree instanceof Tensor || isAvalLike(tree)) {
    const v = trace.newVar([...tree.shape], tree.dtype);
    trace.inputs.push(v);
    return trace.tracer(v);
  }
  if (Array.isArray(tree)) return tree.map((t) => abstractify(t, trace));
  if (tree !== null && typeof tree === "object" && Object.getPrototypeOf(tree) === Object.prototype) {
    const o: Record<string, unknown> = {};
    for (const k of Object.keys(tree)) o[k] = abstractify((tree as Record<string, unknown>)[k], trace);
    return o;
  }
  return tree;
}

/**
 * Traces `f` on abstract arguments into a {@link Program}. Each argument is a pytree whose leaves are tensors
 * or `{ shape, dtype }` descriptions (other values pass through unchanged); program inputs are the leaves in
 * order. Closed-over concrete tensors become `program.constants`, JS numbers become literals. Reading a
 * traced value (`item()`, `toArray()`, `dataSync()`, `data()`, `x > 0`) throws `ConcretizationError`.
 * @returns the program and `outTree`, the structure of `f`'s result (rebuild with `treeUnflatten`).
 * @example
 * const { program } = makeProgram((x) => x.mul(2).exp(), [{ shape: [3], dtype: "float64" }]);
 * program.eqns.map((e) => e.primitive); // → ["broadcastTo", "mul", "exp"]
 */
export function makeProgram(
  f: (...args: never[]) => unknown,
  abstractArgs: readonly unknown[],
): { program: Program; outTree: TreeDef } {
  const trace = new StagingTrace();
  return withBase(trace, () => {
    const args = abstractArgs.map((a) => abstractify(a, trace));
    const out = (f as (...a: unknown[]) => unknown)(...args);
    const { leaves, treedef } = treeFlatten(out);
    const outputs = leaves.map((l) =>
      trace.atomOf(l._primal === null ? l : l._concrete("makeProgram output")),
    );
    const program: Program = { inputs: trace.inputs, constants: trace.constants, eqns: trace.eqns, outputs };
    return { program, outTree: treedef };
  });
}
