/**
 * Simplification passes over a {@link Program}: constant folding, algebraic identities (x·1, x+0, identity
 * reshapes, broadcasts of scalars), common-subexpression elimination and dead-code elimination. Each pass
 * returns a new program with the same inputs and the same output values; `simplify` runs them to a fixed point.
 */
import type { TypedArray } from "../core/dtype.js";
import { type Atom, type Eqn, isLiteral, type Literal, type Program, type Var } from "../core/ir.js";
import type { PrimitiveName } from "../core/primitive.js";
import { runKernel, scalarArray } from "./interpret.js";

const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
const sameShape = (a: readonly number[], b: readonly number[]): boolean =>
  a.length === b.length && a.every((d, i) => d === b[i]);

const ELEMENTWISE = new Set<string>(
  (
    "neg exp log log1p expm1 sqrt rsqrt sin cos tan tanh logistic abs sign floor ceil round lgamma digamma erf erfc " +
    "ndtri isnan isfinite logicalNot stopGradient polygamma add sub mul div pow maximum minimum lt le gt ge eq ne " +
    "logicalAnd logicalOr select cast"
  ).split(" "),
);

/** Options of {@link simplify} and {@link foldConstants}. */
export interface SimplifyOptions {
  /** Largest constant (elements) that folding may create when it is bigger than every input; default 64. */
  readonly maxFoldedGrowth?: number;
  /** Largest number of rounds of all passes; default 8. */
  readonly maxRounds?: number;
}

const maxId = (p: Program): number => {
  let m = -1;
  for (const v of p.inputs) m = Math.max(m, v.id);
  for (const c of p.constants) m = Math.max(m, c.v.id);
  for (const e of p.eqns) for (const o of e.outputs) m = Math.max(m, o.id);
  return m;
};

/** Rewrites equations one by one; `step` returns replacement equations and atom substitutions. */
function rewrite(
  p: Program,
  step: (e: Eqn, ctx: RewriteCtx) => Eqn[] | null,
  extraConstants: { v: Var; value: TypedArray }[] = [],
): Program {
  const subst = new Map<number, Atom>();
  let next = maxId(p) + 1;
  const ctx: RewriteCtx = {
    replace: (v, a) => subst.set(v.id, a),
    fresh: (shape, dtype) => ({ id: next++, shape: [...shape], dtype }),
    constants: [...p.constants, ...extraConstants],
    defs: new Map(),
  };
  const mapAtom = (a: Atom): Atom => {
    if (isLiteral(a)) return a;
    let cur: Atom = a;
    for (let r = subst.get(cur.id); r !== undefined; r = isLiteral(cur) ? undefined : subst.get(cur.id))
      cur = r;
    return cur;
  };
  const eqns: Eqn[] = [];
  for (const e0 of p.eqns) {
    const e = { ...e0, inputs: e0.inputs.map(mapAtom) } as Eqn;
    const out = step(e, ctx) ?? [e];
    for (const ne of out) {
      eqns.push(ne);
      for (const o of ne.outputs) ctx.defs.set(o.id, ne);
    }
  }
  return { inputs: p.inputs, constants: ctx.constants, eqns, outputs: p.outputs.map(mapAtom) };
}

interface RewriteCtx {
  replace(v: Var, a: Atom): void;
  fresh(shape: readonly number[], dtype: Var["dtype"]): Var;
  constants: { v: Var; value: TypedArray }[];
  defs: Map<number, Eqn>;
}

/** Replaces output `v` by atom `a` (broadcasting a literal when `v` is not a scalar). */
function replaceWith(v: Var, a: Atom, ctx: RewriteCtx): Eqn[] {
  if (isLiteral(a) && v.shape.length > 0) {
    return [{ primitive: "broadcastTo", inputs: [a], params: { shape: [...v.shape] }, outputs: [v] } as Eqn];
  }
  ctx.replace(v, a);
  return [];
}

// ---- dead code ------------------------------------------------------------------------------------

/**
 * Removes equations whose outputs nothing uses, and constants nothing reads.
 * @example
 * eliminateDeadCode(program).eqns.length; // → fewer or equal equations
 */
export function eliminateDeadCode(p: Program): Program {
  const live = new Set<number>();
  for (const o of p.outputs) if (!isLiteral(o)) live.add(o.id);
  const kept: Eqn[] = [];
  for (let k = p.eqns.length - 1; k >= 0; k--) {
    const e = p.eqns[k] as Eqn;
    if (!e.outputs.some((o) => live.has(o.id))) continue;
    kept.push(e);
    for (const a of e.inputs) if (!isLiteral(a)) live.add(a.id);
  }
  kept.reverse();
  return { ...p, constants: p.constants.filter((c) => live.has(c.v.id)), eqns: kept };
}

// ---- common subexpressions ------------------------------------------------------------------------

const atomKey = (a: Atom): string =>
  isLiteral(a) ? `${Object.is(a.literal, -0) ? "-0" : a.literal}:${a.dtype}` : `v${a.id}`;

/**
 * Merges equations that apply the same primitive with the same params to the same operands.
 * @example
 * eliminateCommonSubexpressions(program); // exp(x) computed twice becomes once
 */
export function eliminateCommonSubexpressions(p: Program): Program {
  const seen = new Map<string, Var[]>();
  return rewrite(p, (e, ctx) => {
    const key = `${e.primitive}|${JSON.stringify(e.params)}|${e.inputs.map(atomKey).join(",")}|${e.outputs
      .map((o) => `${o.dtype}[${o.shape.join(",")}]`)
      .join(",")}`;
    const prev = seen.get(key);
    if (prev === undefined) {
      seen.set(key, e.outputs);
      return null;
    }
    e.outputs.forEach((o, k) => {
      ctx.replace(o, prev[k] as Var);
    });
    return [];
  });
}

// ---- constant folding ----------------------------------------------------------------------------

/** The scalar value of an atom that is a literal, a one-element constant or a broadcast of one. */
function scalarValue(a: Atom, ctx: RewriteCtx): Literal | null {
  if (isLiteral(a)) return a;
  const c = ctx.constants.find((k) => k.v.id === a.id);
  if (c !== undefined)
    return sizeOf(c.v.shape) === 1 ? { literal: c.value[0] as number, dtype: c.v.dtype } : null;
  const d = ctx.defs.get(a.id);
  if (d !== undefined && d.primitive === "broadcastTo") {
    const x = d.inputs[0] as Atom;
    if (isLiteral(x)) return { literal: x.literal, dtype: a.dtype };
    const s = scalarValue(x, ctx);
    return s === null ? null : { literal: s.literal, dtype: a.dtype };
  }
  return null;
}

/**
 * Evaluates equations whose operands are all known (literals, captured constants, broadcasts of
 * literals) at compile time, with the reference kernels. Elementwise equations on broadcast scalars stay
 * broadcasts of one folded scalar, so nothing is materialised.
 * @example
 * foldConstants(program); // exp(2) becomes the literal 7.38905609893065
 */
export function foldConstants(p: Program, options: SimplifyOptions = {}): Program {
  const growth = options.maxFoldedGrowth ?? 64;
  const constMap = new Map<number, TypedArray>(p.constants.map((c) => [c.v.id, c.value]));
  return rewrite(p, (e, ctx) => {
    const out = e.outputs[0] as Var;
    if (e.outputs.length !== 1 || e.primitive === "randomBits") return null;
    // Elementwise on scalars or broadcast scalars: compute one scalar.
    if (ELEMENTWISE.has(e.primitive)) {
      const vals = e.inputs.map((a) => scalarValue(a, ctx));
      if (vals.every((v) => v !== null)) {
        const args = (vals as Literal[]).map((l) => ({
          shape: [],
          dtype: l.dtype,
          buf: scalarArray(l.literal, l.dtype),
        }));
        const r = runKernel(e.primitive, args, e.params, [], out.dtype)[0] as number;
        return replaceWith(out, { literal: r, dtype: out.dtype }, ctx);
      }
    }
    if (e.primitive === "broadcastTo") return null;
    // Big transposes stay: compilers read them in place (a matmul of a transposed view), which is cheaper
    // than a transposed copy of the data.
    if (e.primitive === "transpose" && sizeOf(out.shape) > 4096) return null;
    for (const a of e.inputs) {
      if (isLiteral(a) || constMap.has(a.id) || sizeOf(a.shape) > 1 << 16) continue;
      const s = scalarValue(a, ctx);
      if (s !== null) {
        const arr = runKernel(
          "broadcastTo",
          [{ shape: [], dtype: a.dtype, buf: scalarArray(s.literal, a.dtype) }],
          { shape: [...a.shape] },
          a.shape,
          a.dtype,
        );
        constMap.set(a.id, arr);
      }
    }
    const known = e.inputs.every((a) => isLiteral(a) || constMap.has(a.id));
    if (!known) return null;
    const inSize = Math.max(1, ...e.inputs.map((a) => (isLiteral(a) ? 1 : sizeOf(a.shape))));
    const n = sizeOf(out.shape);
    if (n > inSize && n > growth) return null;
    const args = e.inputs.map((a) =>
      isLiteral(a)
        ? { shape: [] as number[], dtype: a.dtype, buf: scalarArray(a.literal, a.dtype) }
        : { shape: a.shape, dtype: a.dtype, buf: constMap.get(a.id) },
    );
    const value = runKernel(e.primitive as PrimitiveName, args, e.params, out.shape, out.dtype);
    if (out.shape.length === 0)
      return replaceWith(out, { literal: value[0] as number, dtype: out.dtype }, ctx);
    ctx.constants.push({ v: out, value });
    constMap.set(out.id, value);
    return [];
  });
}

// ---- algebraic identities ------------------------------------------------------------------------

const isVal = (l: Literal | null, v: number): boolean => l !== null && l.literal === v;

/**
 * Applies identities that hold in IEEE arithmetic (up to the sign of a zero result): x+0, 0+x, x−0, x·1,
 * 1·x, x/1, x¹ → x; 0−x, x·(−1) → −x;
 * x² → x·x; −(−x) → x; reshape, broadcast, transpose, cast, slice, pad and reductions that change nothing →
 * x; chains of reshapes or broadcasts → one; stopGradient → x (it only matters while differentiating);
 * an elementwise op on broadcast scalars → a broadcast of the scalar op.
 * @example
 * applyIdentities(program); // mul(x, broadcastTo(1)) becomes x
 */
export function applyIdentities(p: Program): Program {
  return rewrite(p, (e, ctx) => {
    const out = e.outputs[0] as Var;
    if (e.outputs.length !== 1) return null;
    const x = e.inputs[0] as Atom;
    const same = (a: Atom): boolean =>
      !isLiteral(a)
        ? sameShape(a.shape, out.shape) && a.dtype === out.dtype
        : out.shape.length === 0 && a.dtype === out.dtype;
    const sv = (a: Atom | undefined): Literal | null => (a === undefined ? null : scalarValue(a, ctx));
    const y = e.inputs[1];
    const unary = (prim: PrimitiveName, a: Atom): Eqn[] => [
      { primitive: prim, inputs: [a], params: {}, outputs: [out] } as Eqn,
    ];
    switch (e.primitive) {
      case "add":
        if (isVal(sv(y), 0) && same(x)) return replaceWith(out, x, ctx);
        if (isVal(sv(x), 0) && y !== undefined && same(y)) return replaceWith(out, y, ctx);
        break;
      case "sub":
        if (isVal(sv(y), 0) && same(x)) return replaceWith(out, x, ctx);
        if (isVal(sv(x), 0) && y !== undefined && same(y)) return unary("neg", y);
        break;
      case "mul":
        if (isVal(sv(y), 1) && same(x)) return replaceWith(out, x, ctx);
        if (isVal(sv(x), 1) && y !== undefined && same(y)) return replaceWith(out, y, ctx);
        if (isVal(sv(y), -1) && same(x)) return unary("neg", x);
        if (isVal(sv(x), -1) && y !== undefined && same(y)) return unary("neg", y);
        break;
      case "div":
        if (isVal(sv(y), 1) && same(x)) return replaceWith(out, x, ctx);
        break;
      case "pow":
        if (isVal(sv(y), 1) && same(x)) return replaceWith(out, x, ctx);
        if (isVal(sv(y), 2) && same(x))
          return [{ primitive: "mul", inputs: [x, x], params: {}, outputs: [out] } as Eqn];
        break;
      case "neg": {
        const d = isLiteral(x) ? undefined : ctx.defs.get(x.id);
        if (d?.primitive === "neg" && same(d.inputs[0] as Atom))
          return replaceWith(out, d.inputs[0] as Atom, ctx);
        break;
      }
      case "stopGradient":
      case "reshape":
      case "broadcastTo":
      case "transpose":
      case "cast":
      case "slice":
      case "pad":
      case "reduceSum":
      case "reduceMax":
      case "reduceMin":
      case "reduceProd":
      case "cumsum":
        if (
          same(x) &&
          (e.primitive !== "cumsum" || sizeOf(out.shape) <= 1) &&
          (e.primitive !== "transpose" || isIdentityPerm(e.params as { perm: number[] }))
        )
          return replaceWith(out, x, ctx);
        if ((e.primitive === "reshape" || e.primitive === "broadcastTo") && !isLiteral(x)) {
          const d = ctx.defs.get(x.id);
          if (d?.primitive === "reshape" && e.primitive === "reshape")
            return [{ ...e, inputs: [d.inputs[0] as Atom] }];
          if (d?.primitive === "broadcastTo" && e.primitive === "broadcastTo")
            return [{ ...e, inputs: [d.inputs[0] as Atom] }];
          const src = d?.inputs[0] as Atom | undefined;
          if (
            e.primitive === "broadcastTo" &&
            sizeOf(x.shape) === 1 &&
            d?.primitive === "reshape" &&
            src !== undefined &&
            (isLiteral(src) || src.shape.length <= out.shape.length)
          )
            return [{ ...e, inputs: [d.inputs[0] as Atom] }];
        }
        break;
    }
    // An elementwise op on broadcast scalars is a broadcast of the scalar op.
    if (ELEMENTWISE.has(e.primitive) && out.shape.length > 0) {
      const scalars: Atom[] = [];
      for (const a of e.inputs) {
        if (isLiteral(a)) scalars.push(a);
        else {
          const d = ctx.defs.get(a.id);
          const src = d?.primitive === "broadcastTo" ? (d.inputs[0] as Atom) : undefined;
          if (src === undefined || (!isLiteral(src) && sizeOf(src.shape) !== 1 && src.shape.length !== 0))
            return null;
          if (!isLiteral(src) && src.shape.length !== 0) return null;
          scalars.push(src);
        }
      }
      const s = ctx.fresh([], out.dtype);
      return [
        { ...e, inputs: scalars, outputs: [s] } as Eqn,
        { primitive: "broadcastTo", inputs: [s], params: { shape: [...out.shape] }, outputs: [out] } as Eqn,
      ];
    }
    return null;
  });
}

const isIdentityPerm = (p: { perm: number[] }): boolean => p.perm.every((a, i) => a === i);

/**
 * Runs identities, constant folding, CSE and dead-code elimination until the program stops shrinking.
 * @param p - the program (not modified).
 * @returns an equivalent program with no more equations than `p`.
 * @example
 * simplify(makeProgram(valueAndGrad(f), [{ shape: [10], dtype: "float64" }]).program);
 */
export function simplify(p: Program, options: SimplifyOptions = {}): Program {
  let cur = eliminateDeadCode(p);
  const rounds = options.maxRounds ?? 8;
  for (let r = 0; r < rounds; r++) {
    const before = JSON.stringify(cur.eqns.map((e) => [e.primitive, e.inputs.map(atomKey)]));
    cur = applyIdentities(cur);
    cur = foldConstants(cur, options);
    cur = eliminateCommonSubexpressions(cur);
    cur = eliminateDeadCode(cur);
    if (JSON.stringify(cur.eqns.map((e) => [e.primitive, e.inputs.map(atomKey)])) === before) break;
  }
  return cur;
}
