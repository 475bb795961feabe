/**
 * A program rewrite before code generation: a variable that is the denominator of several floating
 * divisions is inverted once, `r = 1 / d`, and each `x / d` becomes `x · r`. A division costs several
 * multiplications' throughput, and gradients divide by the same scale again and again (the likelihood
 * term (y − μ)/σ and its derivatives −1/σ, (y − μ)/σ²…). Each result differs from the division by at most
 * the rounding of the reciprocal (about one unit in the last place).
 */
import { type IRAtom, type IREqn, type IRProgram, type IRVar, isLiteral } from "../ir.js";

const maxVarId = (p: IRProgram): number => {
  let m = -1;
  for (const v of p.inputs) m = Math.max(m, v.id);
  for (const c of p.constants) m = Math.max(m, c.v.id);
  for (const e of p.eqns) for (const o of e.outputs) m = Math.max(m, o.id);
  return m;
};

const isFloat = (d: string): boolean => d === "float64" || d === "float32";

/** `p` with shared reciprocals (itself when no denominator is shared). */
export function shareReciprocals(p: IRProgram): IRProgram {
  const count = new Map<number, number>();
  for (const e of p.eqns) {
    const d = e.inputs[1];
    if (e.primitive !== "div" || d === undefined || isLiteral(d) || !isFloat(d.dtype)) continue;
    count.set(d.id, (count.get(d.id) ?? 0) + 1);
  }
  let shared = false;
  for (const c of count.values()) if (c >= 2) shared = true;
  if (!shared) return p;
  let next = maxVarId(p) + 1;
  const recip = new Map<number, IRVar>();
  const eqns: IREqn[] = [];
  for (const e of p.eqns) {
    const d = e.inputs[1] as IRAtom | undefined;
    const out = e.outputs[0] as IRVar;
    if (
      e.primitive !== "div" ||
      d === undefined ||
      isLiteral(d) ||
      (count.get(d.id) ?? 0) < 2 ||
      out.dtype !== d.dtype ||
      out.shape.length !== d.shape.length ||
      out.shape.some((n, i) => n !== d.shape[i])
    ) {
      eqns.push(e);
      continue;
    }
    let r = recip.get(d.id);
    if (r === undefined) {
      r = { id: next++, shape: d.shape, dtype: d.dtype };
      recip.set(d.id, r);
      eqns.push({ primitive: "div", inputs: [{ literal: 1, dtype: d.dtype }, d], params: {}, outputs: [r] });
    }
    eqns.push({ ...e, primitive: "mul", inputs: [e.inputs[0] as IRAtom, r] });
  }
  return { ...p, eqns };
}
