/**
 * Reverse-mode autodiff on an eager tape (the autodiff trace). Every differentiable primitive application
 * whose inputs include a tracer of this tape is recorded with its primal inputs and output; the backward pass
 * walks the tape in reverse calling each primitive's VJP rule. VJP rules are written with public ops, so
 * the backward pass re-binds into whatever trace is below (an outer tape: higher derivatives; the staging
 * tracer: one program). Zero cotangents stay symbolic (`null`).
 */
import { isFloat } from "../core/dtype.js";
import { MissingRuleError } from "../core/errors.js";
import type {
  MultiPrimitive,
  MultiPrimitiveName,
  Primitive,
  PrimitiveName,
  PrimitiveParams,
} from "../core/primitive.js";
import { Tensor } from "../core/tensor.js";
import { bind, bindMulti, popTrace, pushTrace, stackDepth, type Trace } from "../core/trace.js";

/** One application of a multi-output primitive: its outputs are consecutive nodes sharing this group. */
interface Group {
  prim: MultiPrimitive;
  params: unknown;
  parents: (Node | null)[];
  primals: Tensor[];
  outs: Tensor[];
  residuals: Tensor[];
  needs: boolean[];
  /** The node of each output (null for outputs that carry no gradient: ints, bools). */
  nodes: (Node | null)[];
}

import { add } from "../primitives/add.js";
import { installVjpRules } from "./vjp-rules.js";

/** One recorded application (or an input leaf when `prim` is null). */
interface Node {
  prim: Primitive | null;
  params: unknown;
  parents: (Node | null)[];
  primals: Tensor[];
  out: Tensor;
  index: number;
  /** Which inputs are tracers of this tape (the others get no cotangent). */
  needs: boolean[];
  /** Set on the output nodes of a multi-output primitive. */
  group?: Group;
}

/** The autodiff tape trace. */
export class TapeTrace implements Trace {
  readonly level: number;
  readonly nodes: Node[] = [];
  constructor(level: number) {
    this.level = level;
  }

  private tracer(out: Tensor, node: Node): Tensor {
    const t = new Tensor(out.shape, out.dtype, null, null, this);
    t._primal = out;
    t._node = node;
    return t;
  }

  /** Wraps an input value as a tape leaf. */
  leaf(x: Tensor): Tensor {
    const node: Node = {
      prim: null,
      params: null,
      parents: [],
      primals: [],
      out: x,
      index: this.nodes.length,
      needs: [],
    };
    this.nodes.push(node);
    return this.tracer(x, node);
  }

  process<P extends PrimitiveName>(
    prim: Primitive<P>,
    inputs: readonly Tensor[],
    params: PrimitiveParams[P],
  ): Tensor {
    const n = inputs.length;
    const primals = new Array<Tensor>(n);
    const parents = new Array<Node | null>(n);
    const needs = new Array<boolean>(n);
    let any = false;
    for (let i = 0; i < n; i++) {
      const x = inputs[i];
      if (x._trace === this) {
        primals[i] = x._primal!;
        parents[i] = x._node as Node;
        needs[i] = true;
        any = true;
      } else {
        primals[i] = x;
        parents[i] = null;
        needs[i] = false;
      }
    }
    const out = bind(prim, primals, params);
    if (!any || prim.nondiff === true || !isFloat(out.dtype)) return out;
    installVjpRules();
    if (prim.vjp === undefined)
      throw new MissingRuleError(
        "missing-vjp",
        `grad: primitive "${prim.name}" has no VJP rule, so it cannot be differentiated.`,
      );
    const node: Node = {
      prim: prim as unknown as Primitive,
      params,
      parents,
      primals,
      out,
      index: this.nodes.length,
      needs,
    };
    this.nodes.push(node);
    return this.tracer(out, node);
  }

  processMulti<P extends MultiPrimitiveName>(
    prim: MultiPrimitive<P>,
    inputs: readonly Tensor[],
    params: PrimitiveParams[P],
  ): Tensor[] {
    const n = inputs.length;
    const primals = new Array<Tensor>(n);
    const parents = new Array<Node | null>(n);
    const needs = new Array<boolean>(n);
    let any = false;
    for (let i = 0; i < n; i++) {
      const x = inputs[i] as Tensor;
      if (x._trace === this) {
        primals[i] = x._primal!;
        parents[i] = x._node as Node;
        needs[i] = isFloat(x.dtype);
        any ||= needs[i] as boolean;
      } else {
        primals[i] = x;
        parents[i] = null;
        needs[i] = false;
      }
    }
    if (!any) return bindMulti(prim, primals, params);
    installVjpRules();
    if (prim.vjp === undefined)
      throw new MissingRuleError(
        "missing-vjp",
        `grad: primitive "${prim.name}" has no VJP rule, so it cannot be differentiated in reverse mode.`,
      );
    const { outs, residuals } =
      prim.vjpForward !== undefined
        ? prim.vjpForward(primals, params, needs)
        : { outs: bindMulti(prim, primals, params), residuals: [] };
    const group: Group = {
      prim: prim as unknown as MultiPrimitive,
      params,
      parents,
      primals,
      outs,
      residuals,
      needs,
      nodes: [],
    };
    return outs.map((out) => {
      if (!isFloat(out.dtype)) {
        group.nodes.push(null);
        return out;
      }
      const node: Node = {
        prim: null,
        params: null,
        parents: [],
        primals: [],
        out,
        index: this.nodes.length,
        needs: [],
        group,
      };
      group.nodes.push(node);
      this.nodes.push(node);
      return this.tracer(out, node);
    });
  }

  /** Runs the backward pass from output cotangents; returns the cotangent of each requested node (null = zero). */
  backward(
    outs: readonly Tensor[],
    cts: readonly (Tensor | null)[],
    wanted: readonly Tensor[],
  ): (Tensor | null)[] {
    const acc = new Array<Tensor | null>(this.nodes.length).fill(null);
    const accumulate = (i: number, g: Tensor): void => {
      const a = acc[i];
      acc[i] = a === null ? g : add(a, g);
    };
    for (let j = 0; j < outs.length; j++) {
      const o = outs[j];
      const c = cts[j];
      if (o._trace === this && c !== null) accumulate((o._node as Node).index, c);
    }
    const doneGroups = new Set<Group>();
    for (let i = this.nodes.length - 1; i >= 0; i--) {
      const node = this.nodes[i];
      const grp = node.group;
      if (grp !== undefined) {
        if (doneGroups.has(grp)) continue;
        doneGroups.add(grp);
        const cts = grp.nodes.map((nd) => (nd === null ? null : acc[nd.index]));
        if (cts.every((c) => c === null)) continue;
        for (const nd of grp.nodes) if (nd !== null) acc[nd.index] = null;
        const mvjp = grp.prim.vjp as NonNullable<MultiPrimitive["vjp"]>;
        const gs = mvjp(cts, grp.primals, grp.outs, grp.residuals, grp.params as never, grp.needs);
        for (let k = 0; k < grp.parents.length; k++) {
          const p = grp.parents[k];
          const gk = gs[k];
          if (p !== null && p !== undefined && gk !== null && gk !== undefined && grp.needs[k])
            accumulate(p.index, gk);
        }
        continue;
      }
      const g = acc[i];
      if (g === null || node.prim === null) continue;
      acc[i] = null;
      const vjp = node.prim.vjp as NonNullable<Primitive["vjp"]>;
      const gs = vjp(g, node.primals, node.out, node.params as never, node.needs);
      for (let k = 0; k < node.parents.length; k++) {
        const p = node.parents[k];
        const gk = gs[k];
        if (p !== null && gk !== null && gk !== undefined) accumulate(p.index, gk);
      }
    }
    return wanted.map((w) => (w._trace === this ? acc[(w._node as Node).index] : null));
  }
}

/** Starts a new tape on top of the stack. */
export function startTape(): TapeTrace {
  const t = new TapeTrace(stackDepth());
  pushTrace(t);
  return t;
}

/** Removes the tape from the stack. */
export function endTape(t: TapeTrace): void {
  popTrace(t);
}

/** The value under a tracer of tape `t` (or the value itself). */
export const primalOf = (x: Tensor, t: TapeTrace): Tensor => (x._trace === t ? x._primal! : x);
