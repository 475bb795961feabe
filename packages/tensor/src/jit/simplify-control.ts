/**
 * Simplification of control-flow equations (`scan`, `cond`, `whileLoop`): the passes run inside their body
 * programs, literal operands are substituted into the bodies, and outputs nothing reads are removed together
 * with the body work and the operands only they needed (a `scan`'s unused ys, a carry that feeds nothing
 * but itself, a const no body reads).
 */
import { type Atom, type Eqn, isLiteral, type Literal, type Program, type Var } from "../core/ir.js";
import type { CondParams, ScanParams, WhileLoopParams } from "../core/primitive.js";
import { accumulateLinear } from "./linear-accumulate.js";
import { eliminateDeadCode, type SimplifyOptions, simplify } from "./simplify.js";

const CONTROL = new Set(["scan", "cond", "whileLoop"]);

/** Replaces uses of the given body inputs by literals and drops those inputs. */
function substitute(body: Program, map: Map<number, Atom>): Program {
  if (map.size === 0) return body;
  const r = (a: Atom): Atom => (isLiteral(a) ? a : (map.get(a.id) ?? a));
  return {
    inputs: body.inputs.filter((v) => !map.has(v.id)),
    constants: body.constants,
    eqns: body.eqns.map((e) => ({ ...e, inputs: e.inputs.map(r) }) as Eqn),
    outputs: body.outputs.map(r),
  };
}

/** Ids of the variables the given outputs of `body` read (through its equations). */
function readsOf(body: Program, outs: readonly Atom[]): Set<number> {
  const live = eliminateDeadCode({ ...body, outputs: [...outs] });
  const ids = new Set<number>();
  for (const e of live.eqns) for (const a of e.inputs) if (!isLiteral(a)) ids.add(a.id);
  for (const a of outs) if (!isLiteral(a)) ids.add(a.id);
  return ids;
}

function simplifyScan(e: Eqn, used: Set<number>, options: SimplifyOptions): Eqn | null {
  const p = e.params as ScanParams;
  let nc = p.numConsts;
  const nh0 = p.numCarry;
  let body = p.body;
  let inputs = e.inputs.slice();
  // Literal consts go into the body.
  const lit = new Map<number, Atom>();
  const keepConst: boolean[] = [];
  for (let k = 0; k < nc; k++) {
    const a = inputs[k] as Atom;
    keepConst.push(!isLiteral(a));
    if (isLiteral(a)) lit.set((body.inputs[k] as Var).id, a);
  }
  if (lit.size > 0) {
    body = substitute(body, lit);
    inputs = inputs.filter((_, k) => k >= nc || keepConst[k]);
    nc -= lit.size;
  }
  body = simplify(body, options);
  // Which outputs are needed: used ys, used final carries, and carries the needed outputs read.
  const needCarry = e.outputs.slice(0, nh0).map((o) => used.has(o.id));
  const liveY = e.outputs.slice(nh0).map((o) => used.has(o.id));
  let reads: Set<number>;
  for (;;) {
    const outs = body.outputs.filter((_, i) => (i < nh0 ? needCarry[i] : liveY[i - nh0]));
    reads = readsOf(body, outs);
    let grew = false;
    for (let k = 0; k < nh0; k++)
      if (!needCarry[k] && reads.has((body.inputs[nc + k] as Var).id)) {
        needCarry[k] = true;
        grew = true;
      }
    if (!grew) break;
  }
  if (!needCarry.some(Boolean) && !liveY.some(Boolean)) return null;
  const keepIn = body.inputs.map((v, i) => (i >= nc && i < nc + nh0 ? needCarry[i - nc] : reads.has(v.id)));
  const keepOut = body.outputs.map((_, i) => (i < nh0 ? needCarry[i] : liveY[i - nh0]));
  const pruned = keepIn.some((k) => !k) || keepOut.some((k) => !k);
  if (!pruned && body === p.body && inputs.length === e.inputs.length) return e;
  const newBody = pruned
    ? eliminateDeadCode({
        inputs: body.inputs.filter((_, i) => keepIn[i]),
        constants: body.constants,
        eqns: body.eqns,
        outputs: body.outputs.filter((_, i) => keepOut[i]),
      })
    : body;
  const numConsts = keepIn.slice(0, nc).filter(Boolean).length;
  const numCarry = needCarry.filter(Boolean).length;
  return {
    primitive: "scan",
    inputs: inputs.filter((_, i) => keepIn[i]),
    params: { ...p, body: newBody, numConsts, numCarry },
    outputs: e.outputs.filter((_, i) => keepOut[i]),
  } as Eqn;
}

/** Allocates outer-program variables for equations moved out of a body. */
interface Outer {
  defs: Map<number, Eqn>;
  uses: Map<number, Eqn[]>;
  outputs: Set<number>;
  fresh(shape: readonly number[], dtype: Var["dtype"]): Var;
  /** Equations of the outer program absorbed into a scan (removed). */
  dropped: Set<Eqn>;
}

const literalOf = (a: Atom, o: Outer): Atom | null => {
  if (isLiteral(a)) return a;
  const d = o.defs.get(a.id);
  if (d !== undefined && d.primitive === "broadcastTo" && isLiteral(d.inputs[0] as Atom)) {
    const l = d.inputs[0] as Literal;
    return { literal: l.literal, dtype: a.dtype };
  }
  return null;
};

/**
 * Rewrites a scan before its body is simplified: broadcast literals passed as consts or xs go into the
 * body; equations of the body that depend only on the consts move out of the loop (loop-invariant code
 * motion); a stacked output whose only use is a full sum becomes an accumulating carry (no `[T, …]` buffer,
 * no second loop); a carry accumulating a linear function of a per-step value accumulates the value instead
 * (L applied once after the loop). `pre` receives the equations to emit before the scan, `post` after it.
 */
function optimizeScan(e: Eqn, o: Outer, pre: Eqn[], post: Eqn[]): Eqn {
  const p = e.params as ScanParams;
  let nc = p.numConsts;
  let nh = p.numCarry;
  const body = p.body;
  let next = maxVarIdOf(body) + 1;
  const inputs = e.inputs.slice();
  const bodyInputs = body.inputs.slice();
  let bodyEqns = body.eqns.slice();
  let bodyOutputs = body.outputs.slice();
  const outputs = e.outputs.slice();
  let changed = false;
  // (a) broadcast literals among the consts and xs
  const lit = new Map<number, Atom>();
  const prepend: Eqn[] = [];
  for (let k = inputs.length - 1; k >= 0; k--) {
    if (k >= nc && k < nc + nh) continue;
    const l = literalOf(inputs[k] as Atom, o);
    if (l === null) continue;
    const v = bodyInputs[k] as Var;
    if (v.shape.length === 0) lit.set(v.id, { literal: (l as Literal).literal, dtype: v.dtype });
    else
      prepend.push({
        primitive: "broadcastTo",
        inputs: [{ literal: (l as Literal).literal, dtype: v.dtype }],
        params: { shape: [...v.shape] },
        outputs: [v],
      } as Eqn);
    inputs.splice(k, 1);
    bodyInputs.splice(k, 1);
    if (k < nc) nc--;
    changed = true;
  }
  if (changed) {
    const r = (a: Atom): Atom => (isLiteral(a) ? a : (lit.get(a.id) ?? a));
    bodyEqns = [...prepend, ...bodyEqns.map((q) => ({ ...q, inputs: q.inputs.map(r) }) as Eqn)];
    bodyOutputs = bodyOutputs.map(r);
  }
  // (b) loop-invariant equations
  if (p.length > 0) {
    const invariant = new Map<number, Atom>(); // body var id → outer atom
    for (let k = 0; k < nc; k++) invariant.set((bodyInputs[k] as Var).id, inputs[k] as Atom);
    const kept: Eqn[] = [];
    const hoisted: Var[] = [];
    const hoistedOuter: Atom[] = [];
    // equations of literals alone (a broadcast literal) stay in the body, copied outside when needed there
    const local = new Map<number, Eqn>();
    const outer = (a: Atom): Atom => {
      if (isLiteral(a)) return a;
      const got = invariant.get(a.id);
      if (got !== undefined) return got;
      const q = local.get(a.id) as Eqn;
      const outs = q.outputs.map((v) => o.fresh(v.shape, v.dtype));
      pre.push({ ...q, outputs: outs } as Eqn);
      q.outputs.forEach((v, i) => {
        invariant.set(v.id, outs[i] as Var);
      });
      return invariant.get(a.id) as Atom;
    };
    for (const q of bodyEqns) {
      const vars = q.inputs.filter((a) => !isLiteral(a)) as Var[];
      if (vars.length === 0 && q.primitive !== "randomBits") {
        for (const v of q.outputs) local.set(v.id, q);
        kept.push(q);
        continue;
      }
      const inv = vars.every((v) => invariant.has(v.id) || local.has(v.id));
      if (vars.length > 0 && inv && vars.some((v) => invariant.has(v.id)) && q.primitive !== "randomBits") {
        const outs = q.outputs.map((v) => o.fresh(v.shape, v.dtype));
        pre.push({
          ...q,
          inputs: q.inputs.map(outer),
          outputs: outs,
        } as Eqn);
        q.outputs.forEach((v, i) => {
          invariant.set(v.id, outs[i] as Var);
          hoisted.push(v);
          hoistedOuter.push(outs[i] as Var);
        });
        changed = true;
      } else kept.push(q);
    }
    if (hoisted.length > 0) {
      bodyEqns = kept;
      bodyInputs.splice(nc, 0, ...hoisted);
      inputs.splice(nc, 0, ...hoistedOuter);
      nc += hoisted.length;
    }
  }
  // (c) ys whose only use is a full sum: accumulate in a carry instead
  for (let j = outputs.length - 1; j >= nh; j--) {
    const ov = outputs[j] as Var;
    const us = o.uses.get(ov.id);
    if (us === undefined || us.length !== 1 || o.outputs.has(ov.id)) continue;
    const r = us[0] as Eqn;
    const rp = r.params as { axes: number[]; keepDims: boolean };
    if (r.primitive !== "reduceSum" || rp.keepDims || rp.axes.length !== ov.shape.length) continue;
    const yAtom = bodyOutputs[j] as Atom;
    const acc: Var = { id: next++, shape: [], dtype: ov.dtype };
    const accNew: Var = { id: next++, shape: [], dtype: ov.dtype };
    let term = yAtom;
    if (ov.shape.length > 1) {
      const sv: Var = { id: next++, shape: [], dtype: ov.dtype };
      bodyEqns.push({
        primitive: "reduceSum",
        inputs: [yAtom],
        params: { axes: ov.shape.slice(1).map((_, i) => i), keepDims: false },
        outputs: [sv],
      } as Eqn);
      term = sv;
    }
    bodyEqns.push({ primitive: "add", inputs: [acc, term], params: {}, outputs: [accNew] } as Eqn);
    bodyOutputs.splice(j, 1);
    bodyOutputs.splice(nh, 0, accNew);
    bodyInputs.splice(nc + nh, 0, acc);
    inputs.splice(nc + nh, 0, { literal: 0, dtype: ov.dtype });
    outputs.splice(j, 1);
    outputs.splice(nh, 0, r.outputs[0] as Var);
    o.dropped.add(r);
    nh++;
    j++; // the list shifted by one at nh ≤ j
    changed = true;
  }
  // (d) cheap residuals of an earlier scan recomputed here instead of stored and read back
  {
    const r = rematerialize(e, o, inputs, bodyInputs, bodyEqns, bodyOutputs, nc, nh, p.length, next);
    if (r !== null) {
      ({ nc, next } = r);
      bodyEqns = r.bodyEqns;
      bodyOutputs = r.bodyOutputs;
      changed = true;
    }
  }
  // (e) a carry fed back as sqrt(w) and read squared: carry w too, so the recursion skips the sqrt
  {
    const r = carrySquares(o, pre, inputs, bodyInputs, bodyEqns, bodyOutputs, outputs, nc, nh, next);
    if (r !== null) {
      ({ nh, next } = r);
      bodyEqns = r.bodyEqns;
      bodyOutputs = r.bodyOutputs;
      changed = true;
    }
  }
  // (f) a carry that accumulates L(u_t), L linear with invariant operands: accumulate u_t, apply L after
  {
    const r = accumulateLinear(
      o.fresh,
      pre,
      post,
      inputs,
      bodyInputs,
      bodyEqns,
      bodyOutputs,
      outputs,
      nc,
      nh,
      next,
    );
    if (r !== null) {
      ({ next } = r);
      bodyEqns = r.bodyEqns;
      bodyOutputs = r.bodyOutputs;
      changed = true;
    }
  }
  if (!changed) return e;
  return {
    primitive: "scan",
    inputs,
    params: {
      ...p,
      numConsts: nc,
      numCarry: nh,
      body: { inputs: bodyInputs, constants: body.constants, eqns: bodyEqns, outputs: bodyOutputs },
    },
    outputs,
  } as Eqn;
}

/**
 * Step (e) of {@link optimizeScan}: for a float carry c whose next value is `sqrt(w)` and which the body
 * reads as `c · c` (GARCH's σ²_{t−1}, a Normal's variance), adds w as a carry of its own (initial value
 * init · init, computed once outside) and reads c · c from it. The sqrt then leaves the loop-carried
 * dependency chain (it still runs for c's other readers, off the critical path). Not bit-exact: w and
 * sqrt(w)·sqrt(w) differ by at most about one rounding (2⁻⁵² relative); c itself and every other value are
 * unchanged. Mutates the arrays it is given and returns the new body equations, outputs and counts, or null
 * when no carry qualifies.
 */
function carrySquares(
  o: Outer,
  pre: Eqn[],
  inputs: Atom[],
  bodyInputs: Var[],
  bodyEqns: Eqn[],
  bodyOutputs: Atom[],
  outputs: Var[],
  nc: number,
  nh0: number,
  next0: number,
): { bodyEqns: Eqn[]; bodyOutputs: Atom[]; nh: number; next: number } | null {
  let nh = nh0;
  let next = next0;
  let eqns = bodyEqns;
  let outs = bodyOutputs;
  let changed = false;
  for (let j = 0; j < nh0; j++) {
    const c = bodyInputs[nc + j] as Var;
    if (c.dtype !== "float64" && c.dtype !== "float32") continue;
    const out = outs[j] as Atom;
    if (isLiteral(out)) continue;
    const def = eqns.find((q) => q.outputs[0]?.id === out.id);
    const w = def?.inputs[0] as Atom | undefined;
    if (def?.primitive !== "sqrt" || w === undefined || isLiteral(w)) continue;
    const squares = eqns.filter(
      (q) =>
        q.primitive === "mul" &&
        !isLiteral(q.inputs[0] as Atom) &&
        !isLiteral(q.inputs[1] as Atom) &&
        (q.inputs[0] as Var).id === c.id &&
        (q.inputs[1] as Var).id === c.id,
    );
    if (squares.length === 0) continue;
    const cw: Var = { id: next++, shape: [...c.shape], dtype: c.dtype };
    const gone = new Set(squares);
    const sub = new Map<number, Atom>(squares.map((q) => [(q.outputs[0] as Var).id, cw]));
    const r = (a: Atom): Atom => (isLiteral(a) ? a : (sub.get(a.id) ?? a));
    eqns = eqns.filter((q) => !gone.has(q)).map((q) => ({ ...q, inputs: q.inputs.map(r) }) as Eqn);
    outs = outs.map(r);
    const init = inputs[nc + j] as Atom;
    let init2: Atom;
    if (isLiteral(init)) init2 = { literal: init.literal * init.literal, dtype: init.dtype };
    else {
      const v = o.fresh(c.shape, c.dtype);
      pre.push({ primitive: "mul", inputs: [init, init], params: {}, outputs: [v] } as Eqn);
      init2 = v;
    }
    outs.splice(nh, 0, w);
    bodyInputs.splice(nc + nh, 0, cw);
    inputs.splice(nc + nh, 0, init2);
    outputs.splice(nh, 0, o.fresh(c.shape, c.dtype));
    nh++;
    changed = true;
  }
  return changed ? { bodyEqns: eqns, bodyOutputs: outs, nh, next } : null;
}

/** Elementwise primitives cheap enough to recompute rather than store (a load and a store each way). */
const CHEAP = new Set(["add", "sub", "mul", "neg", "max", "min", "abs"]);
/** At most this many equations are recomputed per residual. */
const MAX_REMAT = 3;

/**
 * For a scan whose xs include ys of an earlier scan F of the same length (the residuals a scan's VJP stores
 * for its reverse scan), finds those that F's body computes with at most {@link MAX_REMAT} cheap elementwise
 * equations from F's consts and xs and from its "anchored" ys (a carry or xs passed through, or the result
 * of an expensive equation: never recomputed themselves); those equations are copied to the front of this
 * body, reading F's consts and xs (added as operands, shared with existing ones) instead of the stored ys.
 * F's ys then usually lose their last reader and are pruned: less memory and no store/load per step, for
 * at most three arithmetic operations. Mutates the given arrays; null when nothing applies.
 */
function rematerialize(
  e0: Eqn,
  o: Outer,
  inputs: Atom[],
  bodyInputs: Var[],
  bodyEqns0: Eqn[],
  bodyOutputs0: Atom[],
  nc0: number,
  nh: number,
  length: number,
  next0: number,
): { nc: number; next: number; bodyEqns: Eqn[]; bodyOutputs: Atom[] } | null {
  let nc = nc0;
  let next = next0;
  const front: Eqn[] = [];
  const subst = new Map<number, Atom>();
  for (let k = nc + nh; k < inputs.length; k++) {
    const a = inputs[k] as Atom;
    if (isLiteral(a)) continue;
    const f = o.defs.get(a.id);
    if (f === undefined || f.primitive !== "scan") continue;
    const fp = f.params as ScanParams;
    if (fp.length !== length || fp.body.constants.length > 0) continue;
    const j = f.outputs.findIndex((v) => v.id === a.id);
    if (j < fp.numCarry) continue;
    const fb = fp.body;
    const yv = fb.outputs[j] as Atom;
    if (isLiteral(yv)) continue;
    const fdef = new Map<number, Eqn>();
    for (const q of fb.eqns) for (const v of q.outputs) fdef.set(v.id, q);
    const fIn = new Map<number, number>(fb.inputs.map((v, i) => [v.id, i]));
    // anchored ys of F (stored anyway: this scan or another equation reads them): F body var id → F output
    const anchors = new Map<number, Var>();
    for (let jj = fp.numCarry; jj < f.outputs.length; jj++) {
      const w = fb.outputs[jj] as Atom;
      const fo = f.outputs[jj] as Var;
      if (isLiteral(w) || jj === j || anchors.has(w.id)) continue;
      const d = fdef.get(w.id);
      const readHere = inputs.some((b, m) => m >= nc + nh && m !== k && !isLiteral(b) && b.id === fo.id);
      // (a reader absorbed into F as an accumulator, step (c), no longer keeps the ys stored)
      const readElsewhere =
        (o.uses.get(fo.id) ?? []).some((q) => q !== e0 && !o.dropped.has(q)) || o.outputs.has(fo.id);
      if ((d === undefined || !CHEAP.has(d.primitive)) && (readHere || readElsewhere)) anchors.set(w.id, fo);
    }
    // the cone of yv: cheap equations down to F consts, F xs and anchors
    const cone: Eqn[] = [];
    const seen = new Set<number>();
    const ok = (v: Atom): boolean => {
      if (isLiteral(v) || seen.has(v.id)) return true;
      seen.add(v.id);
      if (anchors.has(v.id)) return true;
      const i = fIn.get(v.id);
      if (i !== undefined) return i < fp.numConsts || i >= fp.numConsts + fp.numCarry;
      const d = fdef.get(v.id);
      if (d === undefined || !CHEAP.has(d.primitive) || d.outputs.length !== 1) return false;
      if (!d.inputs.every(ok)) return false;
      cone.push(d);
      return cone.length <= MAX_REMAT;
    };
    if (!ok(yv) || cone.length === 0) continue;
    // copy the cone into this body, F's inputs and anchors mapped to (new or shared) operands of this scan
    const map = new Map<number, Atom>();
    const xsOperand = (outer: Var, shape: readonly number[]): Var => {
      for (let m = nc + nh; m < inputs.length; m++) {
        const b = inputs[m] as Atom;
        if (m !== k && !isLiteral(b) && b.id === outer.id) return bodyInputs[m] as Var;
      }
      const nv: Var = { id: next++, shape: [...shape], dtype: outer.dtype };
      inputs.push(outer);
      bodyInputs.push(nv);
      return nv;
    };
    for (const [id, fo] of anchors) if (seen.has(id)) map.set(id, xsOperand(fo, fo.shape.slice(1)));
    const operand = (i: number): Var => {
      const outer = f.inputs[i] as Atom;
      const isConst = i < fp.numConsts;
      const lo = isConst ? 0 : nc + nh;
      const hi = isConst ? nc : inputs.length;
      for (let m = lo; m < hi; m++) {
        const b = inputs[m] as Atom;
        if (m !== k && !isLiteral(b) && !isLiteral(outer) && b.id === outer.id) return bodyInputs[m] as Var;
      }
      const fv = fb.inputs[i] as Var;
      const nv: Var = { id: next++, shape: fv.shape, dtype: fv.dtype };
      if (isConst) {
        inputs.splice(nc, 0, outer);
        bodyInputs.splice(nc, 0, nv);
        nc++;
        k++;
      } else {
        inputs.push(outer);
        bodyInputs.push(nv);
      }
      return nv;
    };
    const mapAtom = (v: Atom): Atom => {
      if (isLiteral(v)) return v;
      const m = map.get(v.id);
      if (m !== undefined) return m;
      const i = fIn.get(v.id);
      if (i === undefined) throw new Error("simplify: internal error, residual cone escapes its body");
      const nv = isLiteral(f.inputs[i] as Atom) ? (f.inputs[i] as Atom) : operand(i);
      map.set(v.id, nv);
      return nv;
    };
    for (const q of cone) {
      const ins = q.inputs.map(mapAtom);
      const out = q.outputs[0] as Var;
      const nv: Var = { id: next++, shape: out.shape, dtype: out.dtype };
      map.set(out.id, nv);
      front.push({ ...q, inputs: ins, outputs: [nv] } as Eqn);
    }
    subst.set((bodyInputs[k] as Var).id, map.get(yv.id) as Atom);
    inputs.splice(k, 1);
    bodyInputs.splice(k, 1);
    k--;
  }
  if (front.length === 0) return null;
  const r = (a: Atom): Atom => (isLiteral(a) ? a : (subst.get(a.id) ?? a));
  return {
    nc,
    next,
    bodyEqns: [...front, ...bodyEqns0.map((q) => ({ ...q, inputs: q.inputs.map(r) }) as Eqn)],
    bodyOutputs: bodyOutputs0.map(r),
  };
}

const maxVarIdOf = (p: Program): number => {
  let m = -1;
  for (const v of p.inputs) m = Math.max(m, v.id);
  for (const c of p.constants) m = Math.max(m, c.v.id);
  for (const q of p.eqns) for (const v of q.outputs) m = Math.max(m, v.id);
  return m;
};

function simplifyCond(e: Eqn, used: Set<number>, options: SimplifyOptions): Eqn | null {
  const p = e.params as CondParams;
  const keepOut = e.outputs.map((o) => used.has(o.id));
  if (!keepOut.some(Boolean)) return null;
  let branches = p.branches.map((b) => simplify(b, options));
  if (keepOut.some((k) => !k))
    branches = branches.map((b) =>
      eliminateDeadCode({ ...b, outputs: b.outputs.filter((_, i) => keepOut[i]) }),
    );
  const reads = branches.map((b) => readsOf(b, b.outputs));
  const nOps = e.inputs.length - 1;
  const keepOp = Array.from({ length: nOps }, (_, k) =>
    branches.some((b, j) => (reads[j] as Set<number>).has((b.inputs[k] as Var).id)),
  );
  const changedBranches = branches.some((b, j) => b !== p.branches[j]);
  if (!changedBranches && keepOp.every(Boolean) && keepOut.every(Boolean)) return e;
  return {
    primitive: "cond",
    inputs: [e.inputs[0] as Atom, ...e.inputs.slice(1).filter((_, k) => keepOp[k])],
    params: { ...p, branches: branches.map((b) => ({ ...b, inputs: b.inputs.filter((_, k) => keepOp[k]) })) },
    outputs: e.outputs.filter((_, i) => keepOut[i]),
  } as Eqn;
}

function simplifyWhile(e: Eqn, used: Set<number>, options: SimplifyOptions): Eqn | null {
  if (!e.outputs.some((o) => used.has(o.id))) return null;
  const p = e.params as WhileLoopParams;
  const cond = simplify(p.cond, options);
  const body = simplify(p.body, options);
  if (cond === p.cond && body === p.body) return e;
  return { ...e, params: { ...p, cond, body } } as Eqn;
}

/**
 * Moves the constants that simplifying a body folded into it (e.g. a broadcast literal) out to the enclosing
 * program: each becomes a program constant passed in as an extra leading operand (a scan const, a cond operand
 * shared by every branch, a while-loop cond or body const), so bodies stay free of data as backends expect.
 */
function hoistBodyConstants(
  e: Eqn,
  consts: { v: Var; value: Program["constants"][number]["value"] }[],
  fresh: () => number,
): Eqn {
  const lift = (body: Program): { body: Program; outer: Var[] } => {
    if (body.constants.length === 0) return { body, outer: [] };
    const outer = body.constants.map((c) => {
      const v: Var = { id: fresh(), shape: c.v.shape, dtype: c.v.dtype };
      consts.push({ v, value: c.value });
      return v;
    });
    return {
      body: { ...body, inputs: [...body.constants.map((c) => c.v), ...body.inputs], constants: [] },
      outer,
    };
  };
  if (e.primitive === "scan") {
    const p = e.params as ScanParams;
    const { body, outer } = lift(p.body);
    if (outer.length === 0) return e;
    return {
      ...e,
      inputs: [...outer, ...e.inputs],
      params: { ...p, body, numConsts: p.numConsts + outer.length },
    } as Eqn;
  }
  if (e.primitive === "whileLoop") {
    const p = e.params as WhileLoopParams;
    const c = lift(p.cond);
    const b = lift(p.body);
    if (c.outer.length + b.outer.length === 0) return e;
    const nc = p.numCondConsts;
    const nb = p.numBodyConsts;
    return {
      ...e,
      inputs: [
        ...c.outer,
        ...e.inputs.slice(0, nc),
        ...b.outer,
        ...e.inputs.slice(nc, nc + nb),
        ...e.inputs.slice(nc + nb),
      ],
      params: {
        ...p,
        cond: c.body,
        body: b.body,
        numCondConsts: nc + c.outer.length,
        numBodyConsts: nb + b.outer.length,
      },
    } as Eqn;
  }
  if (e.primitive === "cond") {
    const p = e.params as CondParams;
    const lifted = p.branches.map(lift);
    const total = lifted.reduce((a, l) => a + l.outer.length, 0);
    if (total === 0) return e;
    const outer = lifted.flatMap((l) => l.outer);
    let at = 0;
    const branches = lifted.map((l, j) => {
      const own = l.outer.length;
      const src = p.branches[j] as Program;
      let next = maxVarIdOf(l.body) + 1;
      const slots: Var[] = outer.map((v, k) =>
        k >= at && k < at + own
          ? ((src.constants[k - at] as { v: Var }).v as Var)
          : { id: next++, shape: v.shape, dtype: v.dtype },
      );
      at += own;
      return { ...l.body, inputs: [...slots, ...l.body.inputs.slice(own)] };
    });
    return {
      ...e,
      inputs: [e.inputs[0] as Atom, ...outer, ...e.inputs.slice(1)],
      params: { ...p, branches },
    } as Eqn;
  }
  return e;
}

/**
 * Simplifies the control-flow equations of `p` (their bodies, unused outputs and operands).
 * @returns `p` itself when nothing changes.
 * @example
 * simplifyControlFlow(program); // a scan whose ys nobody reads loses them and the body work behind them
 */
export function simplifyControlFlow(p: Program, options: SimplifyOptions = {}): Program {
  if (!p.eqns.some((e) => CONTROL.has(e.primitive))) return p;
  const used = new Set<number>();
  for (const e of p.eqns) for (const a of e.inputs) if (!isLiteral(a)) used.add(a.id);
  for (const a of p.outputs) if (!isLiteral(a)) used.add(a.id);
  let changed = false;
  const eqns: Eqn[] = [];
  let next = maxVarIdOf(p) + 1;
  const constants = p.constants.slice();
  const fresh = (): number => next++;
  const outer: Outer = {
    defs: new Map(),
    uses: new Map(),
    outputs: new Set(p.outputs.flatMap((a) => (isLiteral(a) ? [] : [a.id]))),
    fresh: (shape, dtype) => ({ id: next++, shape: [...shape], dtype }),
    dropped: new Set(),
  };
  for (const e of p.eqns) {
    for (const v of e.outputs) outer.defs.set(v.id, e);
    for (const a of e.inputs) {
      if (isLiteral(a)) continue;
      const u = outer.uses.get(a.id);
      if (u === undefined) outer.uses.set(a.id, [e]);
      else u.push(e);
    }
  }
  const post: Eqn[] = [];
  for (const e0 of p.eqns) {
    if (outer.dropped.has(e0)) {
      changed = true;
      continue;
    }
    let e = e0;
    if (e0.primitive === "scan") {
      const pre: Eqn[] = [];
      e = optimizeScan(e0, outer, pre, post);
      if (pre.length > 0) eqns.push(...pre);
      for (const q of post) for (const a of q.inputs) if (!isLiteral(a)) used.add(a.id);
      if (e !== e0) changed = true;
    }
    const se =
      e.primitive === "scan"
        ? simplifyScan(e, used, options)
        : e.primitive === "cond"
          ? simplifyCond(e, used, options)
          : e.primitive === "whileLoop"
            ? simplifyWhile(e, used, options)
            : e;
    const ne = se === null ? null : hoistBodyConstants(se, constants, fresh);
    if (ne !== e) changed = true;
    if (ne !== null) eqns.push(ne);
    if (post.length > 0) eqns.push(...post.splice(0));
  }
  return changed ? { ...p, constants, eqns } : p;
}
