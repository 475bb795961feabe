/**
 * Forward-mode autodiff (the JVP trace). A tracer carries a primal and a tangent; each primitive's tangent
 * is its Jacobian applied to the input tangents. Primitives have VJP rules only, so the JVP of one
 * application is obtained by transposing its VJP, which is linear in the cotangent: J·t = ∇ᵤ ⟨vjp(u), t⟩,
 * one small reverse pass per application. Control-flow primitives may give their own `jvp` rule, which is
 * what makes `whileLoop` (no VJP, as in JAX) differentiable in forward mode.
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
import { zerosLike } from "../internal/elementwise.js";
import { add } from "../primitives/add.js";
import { mul } from "../primitives/mul.js";
import { sum } from "../primitives/reduce-sum.js";
import { endTape, startTape } from "./tape.js";
import { installVjpRules } from "./vjp-rules.js";

/** The forward-mode trace. */
export class JvpTrace implements Trace {
  readonly level: number;
  constructor(level: number) {
    this.level = level;
  }

  /** A tracer with primal `p` and tangent `t` (null: zero). */
  tracer(p: Tensor, t: Tensor | null): Tensor {
    const x = new Tensor(p.shape, p.dtype, null, null, this);
    x._primal = p;
    x._node = t;
    return x;
  }

  private split(inputs: readonly Tensor[]): { primals: Tensor[]; tangents: (Tensor | null)[] } {
    const primals: Tensor[] = [];
    const tangents: (Tensor | null)[] = [];
    for (const x of inputs) {
      if (x._trace === this) {
        primals.push(x._primal as Tensor);
        tangents.push(x._node as Tensor | null);
      } else {
        primals.push(x);
        tangents.push(null);
      }
    }
    return { primals, tangents };
  }

  process<P extends PrimitiveName>(
    prim: Primitive<P>,
    inputs: readonly Tensor[],
    params: PrimitiveParams[P],
  ): Tensor {
    const { primals, tangents } = this.split(inputs);
    const out = bind(prim, primals, params);
    if (prim.nondiff === true || !isFloat(out.dtype) || tangents.every((t) => t === null)) return out;
    installVjpRules();
    if (prim.vjp === undefined)
      throw new MissingRuleError(
        "missing-vjp",
        `jvp: primitive "${prim.name}" has no VJP rule to transpose.`,
      );
    const vjp = prim.vjp;
    const t = transpose(
      (u) =>
        vjp(
          u[0] as Tensor,
          primals,
          out,
          params,
          tangents.map((x) => x !== null),
        ),
      [out],
      tangents,
    )[0] as Tensor | null;
    return this.tracer(out, t);
  }

  processMulti<P extends MultiPrimitiveName>(
    prim: MultiPrimitive<P>,
    inputs: readonly Tensor[],
    params: PrimitiveParams[P],
  ): Tensor[] {
    const { primals, tangents } = this.split(inputs);
    if (tangents.every((t) => t === null)) return bindMulti(prim, primals, params);
    if (prim.jvp !== undefined) {
      const r = prim.jvp(primals, tangents, params);
      return r.outs.map((o, k) => this.tracer(o, r.tangents[k] ?? null));
    }
    installVjpRules();
    if (prim.vjp === undefined)
      throw new MissingRuleError("missing-vjp", `jvp: primitive "${prim.name}" has no JVP or VJP rule.`);
    const needs = tangents.map((t) => t !== null);
    const { outs, residuals } =
      prim.vjpForward !== undefined
        ? prim.vjpForward(primals, params, needs)
        : { outs: bindMulti(prim, primals, params), residuals: [] };
    const vjp = prim.vjp;
    const ts = transpose((u) => vjp(u, primals, outs, residuals, params, needs), outs, tangents);
    return outs.map((o, k) => (isFloat(o.dtype) ? this.tracer(o, ts[k] ?? null) : o));
  }
}

/**
 * Output tangents J·t of a linear map given by its transpose `vjp` (output cotangents → input cotangents):
 * J·t = ∇ᵤ ⟨vjp(u), t⟩ at u = 0, one reverse pass.
 */
function transpose(
  vjp: (u: Tensor[]) => (Tensor | null)[],
  outs: readonly Tensor[],
  tangents: readonly (Tensor | null)[],
): (Tensor | null)[] {
  const tape = startTape();
  let us: (Tensor | null)[];
  let s: Tensor | null = null;
  try {
    us = outs.map((o) => (isFloat(o.dtype) ? tape.leaf(zerosLike(o)) : null));
    const gs = vjp(us.map((u, k) => u ?? zerosLike(outs[k] as Tensor)));
    gs.forEach((g, i) => {
      const t = tangents[i];
      if (g === null || g === undefined || t === null || t === undefined) return;
      const term = sum(mul(g, t));
      s = s === null ? term : add(s, term);
    });
  } finally {
    endTape(tape);
  }
  if (s === null) return outs.map(() => null);
  const total = s as Tensor;
  if (total._trace !== tape) return outs.map(() => null);
  const leaves = us.filter((u): u is Tensor => u !== null);
  const cts = tape.backward([total], [onesLike(total._primal as Tensor)], leaves);
  let k = 0;
  return us.map((u) => (u === null ? null : (cts[k++] ?? null)));
}

const onesLike = (x: Tensor): Tensor => add(zerosLike(x), 1);

/**
 * Forward mode over flat lists: evaluates `f` on primals with the given tangents (null: zero) and returns the
 * outputs and their tangents (null: zero).
 */
export function jvpFlat(
  f: (xs: Tensor[]) => Tensor[],
  primals: readonly Tensor[],
  tangents: readonly (Tensor | null)[],
): { outs: Tensor[]; tangents: (Tensor | null)[] } {
  const trace = new JvpTrace(stackDepth());
  pushTrace(trace);
  let res: Tensor[];
  try {
    res = f(primals.map((p, i) => trace.tracer(p, tangents[i] ?? null)));
  } finally {
    popTrace(trace);
  }
  return {
    outs: res.map((o) => (o._trace === trace ? (o._primal as Tensor) : o)),
    tangents: res.map((o) => (o._trace === trace ? (o._node as Tensor | null) : null)),
  };
}
