/**
 * Simplification of control-flow equations (`scan`, `cond`, `whileLoop`): the passes run inside their body
 * programs, literal operands are substituted into the bodies, and outputs nothing reads are removed together
 * with the body work and the operands only they needed (a `scan`'s unused ys, a carry that feeds nothing
 * but itself, a const no body reads).
 */
import { type Atom, type Eqn, isLiteral, type Program, type Var } from "../core/ir.js";
import type { CondParams, ScanParams, WhileLoopParams } from "../core/primitive.js";
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
      let next = maxBodyId(l.body) + 1;
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

/** The largest variable id at the top level of a body. */
function maxBodyId(p: Program): number {
  let m = -1;
  for (const v of p.inputs) m = Math.max(m, v.id);
  for (const c of p.constants) m = Math.max(m, c.v.id);
  for (const e of p.eqns) for (const o of e.outputs) m = Math.max(m, o.id);
  return m;
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
  const constants = p.constants.slice();
  let nextId = maxBodyId(p) + 1;
  const fresh = (): number => nextId++;
  for (const e of p.eqns) {
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
  }
  return changed ? { ...p, constants, eqns } : p;
}
