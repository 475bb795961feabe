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
  for (const e of p.eqns) {
    const ne =
      e.primitive === "scan"
        ? simplifyScan(e, used, options)
        : e.primitive === "cond"
          ? simplifyCond(e, used, options)
          : e.primitive === "whileLoop"
            ? simplifyWhile(e, used, options)
            : e;
    if (ne !== e) changed = true;
    if (ne !== null) eqns.push(ne);
  }
  return changed ? { ...p, eqns } : p;
}
