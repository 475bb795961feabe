/**
 * A scan simplification: a carry that accumulates a linear function of a per-step value,
 * `acc ← acc + L(u_t)`, with L's other operands loop-invariant (a reverse-mode loop's cotangent of a
 * loop-invariant const pulled back through the ops that computed a per-step factor from it), accumulates
 * `u_t` instead and applies L once after the loop: Σ_t L(u_t) = L(Σ_t u_t). The loop then does one add per
 * step instead of the whole chain (transposes, selects, divisions, scatters).
 */
import { type Atom, type Eqn, isLiteral, type Var } from "../core/ir.js";

/** How an equation is linear in one of its operands, given which operands are invariant (null: it is not). */
function linearOperand(q: Eqn, isInv: (a: Atom) => boolean, isZero: (a: Atom) => boolean): number | null {
  const ins = q.inputs;
  switch (q.primitive) {
    case "reshape":
    case "transpose":
    case "neg":
    case "reduceSum":
    case "broadcastTo":
    case "slice":
    case "pad":
      return ins.length === 1 && !isInv(ins[0] as Atom) ? 0 : null;
    case "mul": {
      const [a, b] = ins as [Atom, Atom];
      if (isInv(a) && !isInv(b)) return 1;
      if (isInv(b) && !isInv(a)) return 0;
      return null;
    }
    case "div":
      return !isInv(ins[0] as Atom) && isInv(ins[1] as Atom) ? 0 : null;
    case "select": {
      const [c, a, b] = ins as [Atom, Atom, Atom];
      if (!isInv(c)) return null;
      if (isZero(b) && !isInv(a)) return 1;
      if (isZero(a) && !isInv(b)) return 2;
      return null;
    }
    case "scatterAdd": {
      const [base, idx, upd] = ins as [Atom, Atom, Atom];
      return isZero(base) && isInv(idx) && !isInv(upd) ? 2 : null;
    }
    default:
      return null;
  }
}

/**
 * Rewrites the float carries of a scan body that accumulate a linear function of a per-step value. Mutates
 * the arrays it is given; `pre` receives equations for before the scan, `post` for after it.
 * @returns the new body equations and outputs, or null when no carry qualifies.
 */
export function accumulateLinear(
  fresh: (shape: readonly number[], dtype: Var["dtype"]) => Var,
  pre: Eqn[],
  post: Eqn[],
  inputs: Atom[],
  bodyInputs: Var[],
  bodyEqns: Eqn[],
  bodyOutputs: Atom[],
  outputs: Var[],
  nc: number,
  nh: number,
  next0: number,
): { bodyEqns: Eqn[]; bodyOutputs: Atom[]; next: number } | null {
  let next = next0;
  const defs = new Map<number, Eqn>();
  const uses = new Map<number, number>();
  const use = (a: Atom): void => {
    if (!isLiteral(a)) uses.set(a.id, (uses.get(a.id) ?? 0) + 1);
  };
  for (const q of bodyEqns) {
    for (const v of q.outputs) defs.set(v.id, q);
    q.inputs.forEach(use);
  }
  bodyOutputs.forEach(use);
  // invariant: the consts and what equations of invariants (or of literals alone) compute
  const constIndex = new Map<number, number>();
  for (let k = 0; k < nc; k++) constIndex.set((bodyInputs[k] as Var).id, k);
  const local = new Set<number>(); // outputs of equations of literals alone
  const inv = new Set<number>(constIndex.keys());
  for (const q of bodyEqns) {
    const vars = q.inputs.filter((a) => !isLiteral(a)) as Var[];
    if (q.primitive === "randomBits" || !vars.every((v) => inv.has(v.id))) continue;
    for (const v of q.outputs) {
      inv.add(v.id);
      if (vars.length === 0) local.add(v.id);
    }
  }
  const isInv = (a: Atom): boolean => isLiteral(a) || inv.has(a.id);
  const isZero = (a: Atom): boolean => {
    if (isLiteral(a)) return a.literal === 0;
    const d = defs.get(a.id);
    return (
      d !== undefined &&
      local.has(a.id) &&
      d.primitive === "broadcastTo" &&
      isLiteral(d.inputs[0] as Atom) &&
      (d.inputs[0] as { literal: number }).literal === 0
    );
  };
  // an invariant operand outside the loop: a const's outer atom, or a copy of an equation of literals
  const copies = new Map<number, Atom>();
  const outside = (a: Atom): Atom | null => {
    if (isLiteral(a)) return a;
    const k = constIndex.get(a.id);
    if (k !== undefined) return inputs[k] as Atom;
    const c = copies.get(a.id);
    if (c !== undefined) return c;
    if (!local.has(a.id)) return null;
    const q = defs.get(a.id) as Eqn;
    const outs = q.outputs.map((v) => fresh(v.shape, v.dtype));
    post.push({ ...q, outputs: outs } as Eqn);
    q.outputs.forEach((v, i) => {
      copies.set(v.id, outs[i] as Var);
    });
    return copies.get(a.id) as Atom;
  };
  let eqns = bodyEqns;
  let outs = bodyOutputs;
  let changed = false;
  for (let k = 0; k < nh; k++) {
    const c = bodyInputs[nc + k] as Var;
    if ((c.dtype !== "float64" && c.dtype !== "float32") || uses.get(c.id) !== 1) continue;
    const o = outs[k] as Atom;
    if (isLiteral(o) || uses.get(o.id) !== 1) continue; // the running value itself is read only as the carry
    const upd = defs.get(o.id);
    if (upd?.primitive !== "add") continue;
    const [a, b] = upd.inputs as [Atom, Atom];
    const term = !isLiteral(a) && a.id === c.id ? b : !isLiteral(b) && b.id === c.id ? a : null;
    if (term === null || isLiteral(term) || isInv(term)) continue;
    if (term.shape.length !== c.shape.length || term.shape.some((s, i) => s !== c.shape[i])) continue;
    // walk back through the linear equations
    const chain: { q: Eqn; at: number }[] = [];
    let cur: Var = term;
    for (;;) {
      const q = defs.get(cur.id);
      if (q === undefined || q.outputs.length !== 1) break;
      const at = linearOperand(q, isInv, isZero);
      if (at === null) break;
      const nextVar = q.inputs[at] as Atom;
      if (isLiteral(nextVar) || (nextVar.dtype !== "float64" && nextVar.dtype !== "float32")) break;
      if (q.inputs.some((x, i) => i !== at && outside(x) === null)) break;
      chain.unshift({ q, at });
      cur = nextVar;
    }
    if (chain.length === 0) continue;
    const u = cur;
    // the carry accumulates u (from zero); after the loop: init + L(Σ u)
    const acc: Var = { id: next++, shape: [...u.shape], dtype: u.dtype };
    const accNew: Var = { id: next++, shape: [...u.shape], dtype: u.dtype };
    eqns = [...eqns, { primitive: "add", inputs: [acc, u], params: {}, outputs: [accNew] } as Eqn];
    outs = outs.map((x, i) => (i === k ? accNew : x));
    bodyInputs[nc + k] = acc;
    const zero = fresh(u.shape, u.dtype);
    pre.push({
      primitive: "broadcastTo",
      inputs: [{ literal: 0, dtype: u.dtype }],
      params: { shape: [...u.shape] },
      outputs: [zero],
    } as Eqn);
    const init = inputs[nc + k] as Atom;
    inputs[nc + k] = zero;
    const finalVar = outputs[k] as Var;
    const sumOut = fresh(u.shape, u.dtype);
    outputs[k] = sumOut;
    let val: Atom = sumOut;
    for (const { q, at } of chain) {
      const out = fresh((q.outputs[0] as Var).shape, (q.outputs[0] as Var).dtype);
      post.push({
        ...q,
        inputs: q.inputs.map((x, i) => (i === at ? val : (outside(x) as Atom))),
        outputs: [out],
      } as Eqn);
      val = out;
    }
    post.push({ primitive: "add", inputs: [init, val], params: {}, outputs: [finalVar] } as Eqn);
    changed = true;
  }
  return changed ? { bodyEqns: eqns, bodyOutputs: outs, next } : null;
}
