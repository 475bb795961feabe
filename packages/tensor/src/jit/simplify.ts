/**
 * Simplification passes over a {@link Program}: constant folding, algebraic identities (x·1, x+0, identity
 * reshapes, broadcasts of scalars), common-subexpression elimination and dead-code elimination. Each pass
 * returns a new program with the same inputs and the same output values, or its argument itself when it has
 * nothing to change; `simplify` runs them to a fixed point.
 */
import type { TypedArray } from "../core/dtype.js";
import { type Atom, type Eqn, isLiteral, type Literal, type Program, type Var } from "../core/ir.js";
import type { KernelArg, PrimitiveName } from "../core/primitive.js";
import { runKernel, scalarArray } from "./interpret.js";
import { simplifyControlFlow } from "./simplify-control.js";

const sizeOf = (shape: readonly number[]): number => {
  let n = 1;
  for (let k = 0; k < shape.length; k++) n *= shape[k] as number;
  return n;
};
const sameShape = (a: readonly number[], b: readonly number[]): boolean => {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
};

const ELEMENTWISE = new Set<string>(
  (
    "neg exp log log1p expm1 sqrt rsqrt sin cos tan tanh logistic abs sign floor ceil round lgamma digamma erf erfc " +
    "ndtri isnan isfinite logicalNot stopGradient polygamma add sub mul div pow maximum minimum lt le gt ge eq ne " +
    "logicalAnd logicalOr select cast"
  ).split(" "),
);

/** Primitives with sub-programs: simplified by {@link simplifyControlFlow}, never folded here. */
const CONTROL_FLOW = new Set<string>(["scan", "cond", "whileLoop"]);

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

/** Follows substitutions from `a` to the atom that replaces it. */
function resolve(subst: Map<number, Atom>, a: Atom): Atom {
  if (isLiteral(a)) return a;
  let cur: Atom = a;
  for (let r = subst.get(cur.id); r !== undefined; r = isLiteral(cur) ? undefined : subst.get(cur.id))
    cur = r;
  return cur;
}

/** `atoms` with substitutions applied, or `atoms` itself when none applies (nothing is allocated then). */
function resolveAll(subst: Map<number, Atom>, atoms: Atom[]): Atom[] {
  let out: Atom[] | null = null;
  for (let k = 0; k < atoms.length; k++) {
    const a = atoms[k] as Atom;
    const r = resolve(subst, a);
    if (r !== a) {
      if (out === null) out = atoms.slice();
      out[k] = r;
    }
  }
  return out ?? atoms;
}

/**
 * Rewrites equations one by one; `step` returns replacement equations (null: keep the equation) and
 * records atom substitutions through `ctx.replace`. Returns `p` itself when nothing changed, so that
 * {@link simplify} can tell a pass that did nothing without comparing programs.
 */
function rewrite(p: Program, step: (e: Eqn, ctx: RewriteCtx) => Eqn[] | null): Program {
  const subst = new Map<number, Atom>();
  let next = -1;
  const ctx: RewriteCtx = {
    replace: (v, a) => subst.set(v.id, a),
    fresh: (shape, dtype) => {
      if (next < 0) next = maxId(p) + 1;
      return { id: next++, shape: [...shape], dtype };
    },
    constants: p.constants.slice(),
    defs: new Map(),
  };
  const eqns: Eqn[] = [];
  let changed = false;
  for (const e0 of p.eqns) {
    const inputs = subst.size === 0 ? e0.inputs : resolveAll(subst, e0.inputs);
    const e = inputs === e0.inputs ? e0 : ({ ...e0, inputs } as Eqn);
    const out = step(e, ctx);
    if (out === null) {
      if (e !== e0) changed = true;
      eqns.push(e);
      for (const o of e.outputs) ctx.defs.set(o.id, e);
      continue;
    }
    changed = true;
    for (const ne of out) {
      eqns.push(ne);
      for (const o of ne.outputs) ctx.defs.set(o.id, ne);
    }
  }
  const outputs = subst.size === 0 ? p.outputs : resolveAll(subst, p.outputs);
  if (!changed && outputs === p.outputs) return p;
  return { inputs: p.inputs, constants: ctx.constants, eqns, outputs };
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
 * @returns `p` itself when there is nothing to remove.
 * @example
 * eliminateDeadCode(program).eqns.length; // → fewer or equal equations
 */
export function eliminateDeadCode(p: Program): Program {
  const live = new Set<number>();
  for (const o of p.outputs) if (!isLiteral(o)) live.add(o.id);
  const kept: Eqn[] = [];
  for (let k = p.eqns.length - 1; k >= 0; k--) {
    const e = p.eqns[k] as Eqn;
    let used = false;
    for (const o of e.outputs) {
      if (live.has(o.id)) {
        used = true;
        break;
      }
    }
    if (!used) continue;
    kept.push(e);
    for (const a of e.inputs) if (!isLiteral(a)) live.add(a.id);
  }
  let allConstantsLive = true;
  for (const c of p.constants) {
    if (!live.has(c.v.id)) {
      allConstantsLive = false;
      break;
    }
  }
  if (allConstantsLive && kept.length === p.eqns.length) return p;
  kept.reverse();
  return {
    ...p,
    constants: allConstantsLive ? p.constants : p.constants.filter((c) => live.has(c.v.id)),
    eqns: kept,
  };
}

// ---- common subexpressions ------------------------------------------------------------------------

const atomKey = (a: Atom): string =>
  isLiteral(a) ? `${Object.is(a.literal, -0) ? "-0" : a.literal}:${a.dtype}` : `v${a.id}`;

/** `JSON.stringify(params)`, without the call for the common `{}`. */
function paramsKey(params: unknown): string {
  if (params !== null && typeof params === "object" && params.constructor === Object) {
    for (const _ in params) return JSON.stringify(params);
    return "{}";
  }
  return String(JSON.stringify(params));
}

/** The key under which CSE merges equations: primitive, params, operands and output types. */
function cseKey(e: Eqn): string {
  let key = `${e.primitive}|${paramsKey(e.params)}|`;
  for (let k = 0; k < e.inputs.length; k++) key += (k > 0 ? "," : "") + atomKey(e.inputs[k] as Atom);
  key += "|";
  for (let k = 0; k < e.outputs.length; k++) {
    const o = e.outputs[k] as Var;
    key += `${k > 0 ? "," : ""}${o.dtype}[${o.shape.join(",")}]`;
  }
  return key;
}

/**
 * Merges equations that apply the same primitive with the same params to the same operands.
 * @example
 * eliminateCommonSubexpressions(program); // exp(x) computed twice becomes once
 */
export function eliminateCommonSubexpressions(p: Program): Program {
  const seen = new Map<string, Var[]>();
  return rewrite(p, (e, ctx) => {
    const key = cseKey(e);
    const prev = seen.get(key);
    if (prev === undefined) {
      seen.set(key, e.outputs);
      return null;
    }
    for (let k = 0; k < e.outputs.length; k++) ctx.replace(e.outputs[k] as Var, prev[k] as Var);
    return [];
  });
}

// ---- constant folding ----------------------------------------------------------------------------

/** The scalar value of an atom that is a literal, a one-element constant or a broadcast of one. */
function scalarValue(a: Atom, ctx: RewriteCtx): Literal | null {
  if (isLiteral(a)) return a;
  for (const c of ctx.constants) {
    if (c.v.id === a.id)
      return sizeOf(c.v.shape) === 1 ? { literal: c.value[0] as number, dtype: c.v.dtype } : null;
  }
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
    if (e.outputs.length !== 1 || e.primitive === "randomBits" || CONTROL_FLOW.has(e.primitive)) return null;
    // Elementwise on scalars or broadcast scalars: compute one scalar.
    if (ELEMENTWISE.has(e.primitive)) {
      const args: KernelArg[] = [];
      for (const a of e.inputs) {
        const l = scalarValue(a, ctx);
        if (l === null) {
          // not a scalar, so known below only as a constant
          if (!constMap.has((a as Var).id)) return null;
          break;
        }
        args.push({ shape: [], dtype: l.dtype, buf: scalarArray(l.literal, l.dtype) });
      }
      if (args.length === e.inputs.length) {
        const r = runKernel(e.primitive, args, e.params, [], out.dtype)[0] as number;
        return replaceWith(out, { literal: r, dtype: out.dtype }, ctx);
      }
    }
    if (e.primitive === "broadcastTo") return null;
    // Big transposes stay: compilers read them in place (a matmul of a transposed view), which is cheaper
    // than a transposed copy of the data, and lets backend-js fuse a gradient's Xᵀ·g into the row loop of a
    // data set from 1,024 rows (where its row loops become SIMD blocks).
    if (e.primitive === "transpose" && sizeOf(out.shape) > 1024) return null;
    // Every operand must be known: a literal, a constant, or (materialised below) a broadcast scalar.
    for (const a of e.inputs) {
      if (isLiteral(a) || constMap.has(a.id)) continue;
      if (sizeOf(a.shape) > 1 << 16 || scalarValue(a, ctx) === null) return null;
    }
    for (const a of e.inputs) {
      if (isLiteral(a) || constMap.has(a.id)) continue;
      const s = scalarValue(a, ctx) as Literal;
      const arr = runKernel(
        "broadcastTo",
        [{ shape: [], dtype: a.dtype, buf: scalarArray(s.literal, a.dtype) }],
        { shape: [...a.shape] },
        a.shape,
        a.dtype,
      );
      constMap.set(a.id, arr);
    }
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
 * x² → x·x; −(−x) → x; x + (−y) → x − y, x − (−y) → x + y, c·x + c·x → (2c)·x; reshape, broadcast, transpose, cast, slice, pad and reductions that change nothing →
 * x; chains of reshapes or broadcasts → one; stopGradient → x (it only matters while differentiating);
 * a select on a constant condition → its branch; an elementwise op on broadcast scalars → a broadcast of the
 * scalar op.
 * @example
 * applyIdentities(program); // mul(x, broadcastTo(1)) becomes x
 */
export function applyIdentities(p: Program): Program {
  return rewrite(p, identityStep);
}

/** True when atom `a` has the shape and dtype of `out` (so `out` may be replaced by `a`). */
const sameAs = (a: Atom, out: Var): boolean =>
  !isLiteral(a)
    ? sameShape(a.shape, out.shape) && a.dtype === out.dtype
    : out.shape.length === 0 && a.dtype === out.dtype;

const scalarOrNull = (a: Atom | undefined, ctx: RewriteCtx): Literal | null =>
  a === undefined ? null : scalarValue(a, ctx);

const unaryEqn = (prim: PrimitiveName, a: Atom, out: Var): Eqn[] => [
  { primitive: prim, inputs: [a], params: {}, outputs: [out] } as Eqn,
];

/** One step of {@link applyIdentities} (a top-level function: nothing is allocated per equation). */
function identityStep(e: Eqn, ctx: RewriteCtx): Eqn[] | null {
  const out = e.outputs[0] as Var;
  if (e.outputs.length !== 1 || CONTROL_FLOW.has(e.primitive)) return null;
  const x = e.inputs[0] as Atom;
  const y = e.inputs[1];
  switch (e.primitive) {
    case "add":
      if (isVal(scalarOrNull(y, ctx), 0) && sameAs(x, out)) return replaceWith(out, x, ctx);
      if (isVal(scalarOrNull(x, ctx), 0) && y !== undefined && sameAs(y, out))
        return replaceWith(out, y, ctx);
      if (y !== undefined) return addSubStep(e, x, y, out, ctx);
      break;
    case "sub":
      if (isVal(scalarOrNull(y, ctx), 0) && sameAs(x, out)) return replaceWith(out, x, ctx);
      if (isVal(scalarOrNull(x, ctx), 0) && y !== undefined && sameAs(y, out)) return unaryEqn("neg", y, out);
      if (y !== undefined) return addSubStep(e, x, y, out, ctx);
      break;
    case "mul": {
      const ly = scalarOrNull(y, ctx);
      const lx = scalarOrNull(x, ctx);
      if (isVal(ly, 1) && sameAs(x, out)) return replaceWith(out, x, ctx);
      if (isVal(lx, 1) && y !== undefined && sameAs(y, out)) return replaceWith(out, y, ctx);
      if (isVal(ly, -1) && sameAs(x, out)) return unaryEqn("neg", x, out);
      if (isVal(lx, -1) && y !== undefined && sameAs(y, out)) return unaryEqn("neg", y, out);
      break;
    }
    case "div":
      if (isVal(scalarOrNull(y, ctx), 1) && sameAs(x, out)) return replaceWith(out, x, ctx);
      break;
    case "select": {
      // a constant condition (a VJP's guard on a literal, say `eq(y, 0)` for y = 3) picks its branch
      const c = scalarOrNull(x, ctx);
      const pick = (c === null ? undefined : c.literal ? y : e.inputs[2]) as Atom | undefined;
      if (pick !== undefined && sameAs(pick, out)) return replaceWith(out, pick, ctx);
      break;
    }
    case "pow":
      if (isVal(scalarOrNull(y, ctx), 1) && sameAs(x, out)) return replaceWith(out, x, ctx);
      if (isVal(scalarOrNull(y, ctx), 2) && sameAs(x, out))
        return [{ primitive: "mul", inputs: [x, x], params: {}, outputs: [out] } as Eqn];
      break;
    case "neg": {
      const d = isLiteral(x) ? undefined : ctx.defs.get(x.id);
      if (d?.primitive === "neg" && sameAs(d.inputs[0] as Atom, out))
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
        sameAs(x, out) &&
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
}

/** The operand of `neg` that defines `a`, if it is a `neg` of an operand of `a`'s shape. */
function negOf(a: Atom, ctx: RewriteCtx): Atom | null {
  if (isLiteral(a)) return null;
  const d = ctx.defs.get(a.id);
  if (d?.primitive !== "neg") return null;
  const x = d.inputs[0] as Atom;
  return !isLiteral(x) && sameShape(x.shape, a.shape) && x.dtype === a.dtype ? x : null;
}

/**
 * Exact rewrites of `add`/`sub` (IEEE defines a − b as a + (−b)): x + (−y) → x − y, (−x) + y → y − x,
 * x − (−y) → x + y; and c·x + c·x → (2c)·x for a scalar literal c (doubling is exact, so both round alike;
 * only a subnormal c·x can differ), which folds the 0.5·u + 0.5·u that the VJP of u² leaves in gradients.
 */
function addSubStep(e: Eqn, x: Atom, y: Atom, out: Var, ctx: RewriteCtx): Eqn[] | null {
  const binary = (prim: PrimitiveName, a: Atom, b: Atom): Eqn[] => [
    { primitive: prim, inputs: [a, b], params: {}, outputs: [out] } as Eqn,
  ];
  const ny = negOf(y, ctx);
  if (ny !== null && !isLiteral(x) && sameAs(x, out))
    return binary(e.primitive === "add" ? "sub" : "add", x, ny);
  if (e.primitive === "sub") return null;
  const nx = negOf(x, ctx);
  if (nx !== null && !isLiteral(y) && sameAs(y, out)) return binary("sub", y, nx);
  if (
    !isLiteral(x) &&
    !isLiteral(y) &&
    x.id === y.id &&
    (out.dtype === "float64" || out.dtype === "float32")
  ) {
    const d = ctx.defs.get(x.id);
    if (d?.primitive !== "mul") return null;
    const [a, b] = d.inputs as [Atom, Atom];
    const ca = scalarValue(a, ctx);
    const cb = ca === null ? scalarValue(b, ctx) : null;
    const [c, v] = ca !== null ? [ca, b] : cb !== null ? [cb, a] : [null, null];
    if (c === null || v === null || isLiteral(v) || !sameAs(v, out)) return null;
    const twice = 2 * c.literal;
    if (!Number.isFinite(twice)) return null;
    if (twice === 1) return replaceWith(out, v, ctx);
    const lit: Literal = { literal: twice, dtype: out.dtype };
    if (out.shape.length === 0) return binary("mul", v, lit);
    const k = ctx.fresh(out.shape, out.dtype);
    return [
      { primitive: "broadcastTo", inputs: [lit], params: { shape: [...out.shape] }, outputs: [k] } as Eqn,
      ...binary("mul", v, k),
    ];
  }
  return null;
}

const isIdentityPerm = (p: { perm: number[] }): boolean => p.perm.every((a, i) => a === i);

/**
 * Runs identities, constant folding, CSE, control-flow simplification (inside scan/cond/whileLoop bodies,
 * pruning their unused outputs and operands) and dead-code elimination until the program stops shrinking.
 * @param p - the program (not modified).
 * @returns an equivalent program with no more equations than `p` (`p` itself when nothing simplifies).
 * @example
 * simplify(makeProgram(valueAndGrad(f), [{ shape: [10], dtype: "float64" }]).program);
 */
export function simplify(p: Program, options: SimplifyOptions = {}): Program {
  if (settled.get(p) === optionsKey(options)) return p;
  let cur = eliminateDeadCode(p);
  const rounds = options.maxRounds ?? 8;
  for (let r = 0; r < rounds; r++) {
    const before = cur;
    cur = applyIdentities(cur);
    cur = foldConstants(cur, options);
    cur = eliminateCommonSubexpressions(cur);
    cur = simplifyControlFlow(cur, options);
    cur = eliminateDeadCode(cur);
    // Each pass returns its argument when it changes nothing; otherwise stop once a round leaves the
    // equations' primitives and operands as they were.
    if (cur === before || sameEquations(before.eqns, cur.eqns)) {
      if (cur === before) settled.set(cur, optionsKey(options));
      break;
    }
  }
  return cur;
}

/**
 * Programs that a whole round of {@link simplify} left unchanged (with these options): simplifying them
 * again returns them at once. The outer rounds re-simplify every scan/cond/whileLoop body each time, so
 * without this a body would be simplified up to rounds² times.
 */
const settled = new WeakMap<Program, string>();
const optionsKey = (o: SimplifyOptions): string => JSON.stringify(o);

/** True when both lists apply the same primitives to the same operands (variables by id, literals by value). */
function sameEquations(a: readonly Eqn[], b: readonly Eqn[]): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) {
    const e = a[k] as Eqn;
    const f = b[k] as Eqn;
    if (e.primitive !== f.primitive || e.inputs.length !== f.inputs.length) return false;
    for (let j = 0; j < e.inputs.length; j++)
      if (!sameAtom(e.inputs[j] as Atom, f.inputs[j] as Atom)) return false;
  }
  return true;
}

/** Whether two atoms have the same {@link atomKey}. */
const sameAtom = (x: Atom, y: Atom): boolean => {
  if (isLiteral(x)) return isLiteral(y) && x.dtype === y.dtype && Object.is(x.literal, y.literal);
  return !isLiteral(y) && x.id === y.id;
};
