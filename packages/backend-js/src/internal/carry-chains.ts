/**
 * A scan-body rewrite before code generation: a carry whose new value is the carry-dependent value `h`
 * scaled by a chain of loop-independent factors, `c' = ((h / d) · a) · b · 2`, becomes `c' = h · K` with
 * `K = (a · b · 2) / d` computed off the loop-carried path. The recurrence then waits for one
 * multiplication per step instead of the whole chain (a division alone takes 13–20 cycles): a reverse
 * scan's cotangent carry of a GARCH recursion goes from a division and three multiplications per step to
 * one multiplication. Reassociating changes the result by a few units in the last place.
 */
import { type IRAtom, type IREqn, type IRProgram, type IRVar, isLiteral } from "../ir.js";

const maxVarId = (p: IRProgram): number => {
  let m = -1;
  for (const v of p.inputs) m = Math.max(m, v.id);
  for (const e of p.eqns) for (const o of e.outputs) m = Math.max(m, o.id);
  return m;
};

/** `body` (consts, then `numCarry` carries, then xs) with its carry chains shortened; itself if none. */
export function shortenCarryChains(body: IRProgram, numConsts: number, numCarry: number): IRProgram {
  const hot = new Set<number>();
  for (let k = numConsts; k < numConsts + numCarry; k++) hot.add((body.inputs[k] as IRVar).id);
  const def = new Map<number, IREqn>();
  for (const e of body.eqns) {
    for (const o of e.outputs) def.set(o.id, e);
    if (e.inputs.some((a) => !isLiteral(a) && hot.has(a.id))) for (const o of e.outputs) hot.add(o.id);
  }
  const isHot = (a: IRAtom): boolean => !isLiteral(a) && hot.has(a.id);
  const float = (v: IRVar): boolean => v.dtype === "float64" || v.dtype === "float32";
  let next = maxVarId(body) + 1;
  const extra: IREqn[] = [];
  const outputs = body.outputs.slice();
  for (let k = 0; k < numCarry; k++) {
    const o = outputs[k] as IRAtom;
    if (isLiteral(o) || !hot.has(o.id) || !float(o)) continue;
    const muls: IRAtom[] = [];
    const divs: IRAtom[] = [];
    let cur: IRVar = o;
    for (;;) {
      const d = def.get(cur.id);
      if (d === undefined || d.outputs.length !== 1) break;
      const [a, b] = d.inputs as [IRAtom, IRAtom | undefined];
      if (d.primitive === "mul" && b !== undefined && isHot(a) !== isHot(b)) {
        muls.push(isHot(a) ? b : a);
        cur = (isHot(a) ? a : b) as IRVar;
      } else if (d.primitive === "div" && b !== undefined && isHot(a) && !isHot(b)) {
        divs.push(b);
        cur = a as IRVar;
      } else if (d.primitive === "add" && b !== undefined && isHot(a) && !isLiteral(b) && a === b) {
        muls.push({ literal: 2, dtype: o.dtype });
        cur = a as IRVar;
      } else if (d.primitive === "neg" && isHot(a)) {
        muls.push({ literal: -1, dtype: o.dtype });
        cur = a as IRVar;
      } else break;
      if (cur.shape.length !== o.shape.length || cur.shape.some((n, i) => n !== o.shape[i])) break;
    }
    if (muls.length + divs.length < 2 || cur === o) continue;
    const fresh = (): IRVar => ({ id: next++, shape: o.shape, dtype: o.dtype });
    const bin = (prim: string, x: IRAtom, y: IRAtom): IRVar => {
      const v = fresh();
      extra.push({ primitive: prim, inputs: [x, y], params: {}, outputs: [v] });
      return v;
    };
    let f: IRAtom = muls[0] ?? { literal: 1, dtype: o.dtype };
    for (const m of muls.slice(1)) f = bin("mul", f, m);
    for (const d of divs) f = bin("div", f, d);
    outputs[k] = bin("mul", cur, f);
  }
  if (extra.length === 0) return body;
  // drop what only the old chains needed
  const all = [...body.eqns, ...extra];
  const live = new Set<number>();
  for (const a of outputs) if (!isLiteral(a)) live.add(a.id);
  const keep: boolean[] = new Array<boolean>(all.length).fill(false);
  for (let i = all.length - 1; i >= 0; i--) {
    const e = all[i] as IREqn;
    if (!e.outputs.some((v) => live.has(v.id))) continue;
    keep[i] = true;
    for (const a of e.inputs) if (!isLiteral(a)) live.add(a.id);
  }
  return { ...body, eqns: all.filter((_, i) => keep[i]), outputs };
}
