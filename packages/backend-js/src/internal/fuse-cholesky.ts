/**
 * Recognises the cholesky VJP of `@phlox/tensor` in a program — Ā = ½(S + Sᵀ) with S = L⁻ᵀ Φ(Lᵀ Ḡ) L⁻¹, traced
 * as transpose, matmul, mul by the constant mask Φ, two triangular solves, transpose, add and mul by ½ — and
 * replaces it with one `choleskyGrad` kernel call (about n³/3 flops instead of about 4n³/3, no intermediates).
 */
import { type IRAtom, type IREqn, type IRProgram, type IRVar, isLiteral } from "../ir.js";

/** Equations to skip, and the synthetic `choleskyGrad` equation to emit in place of the chain's last one. */
export interface CholeskyFusion {
  readonly skip: ReadonlySet<number>;
  readonly replace: ReadonlyMap<number, IREqn>;
}

const swapsLastTwo = (perm: readonly number[]): boolean => {
  const r = perm.length;
  if (r < 2 || perm[r - 1] !== r - 2 || perm[r - 2] !== r - 1) return false;
  for (let k = 0; k < r - 2; k++) if (perm[k] !== k) return false;
  return true;
};

/** The `n×n` block of `value` at `off` is Φ: 1 below the diagonal, ½ on it, 0 above. */
const isPhi = (value: ArrayLike<number>, off: number, n: number): boolean => {
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) if (value[off + i * n + j] !== (j < i ? 1 : j === i ? 0.5 : 0)) return false;
  return true;
};

/** Finds every fusable cholesky VJP chain of `p` (`users`: eqn indices reading each variable). */
export function fuseCholeskyGrads(
  p: IRProgram,
  users: ReadonlyMap<number, readonly number[]>,
): CholeskyFusion {
  const skip = new Set<number>();
  const replace = new Map<number, IREqn>();
  if (!p.eqns.some((e) => e.primitive === "triangularSolve")) return { skip, replace };
  const producer = new Map<number, number>();
  p.eqns.forEach((e, k) => {
    for (const o of e.outputs) producer.set(o.id, k);
  });
  const constant = new Map<number, ArrayLike<number>>();
  for (const c of p.constants) constant.set(c.v.id, c.value);
  const outputs = new Set<number>();
  for (const o of p.outputs) if (!isLiteral(o)) outputs.add(o.id);
  const def = (a: IRAtom | undefined): number | undefined =>
    a === undefined || isLiteral(a) ? undefined : producer.get(a.id);
  const eq = (k: number | undefined, prim: string): IREqn | undefined => {
    const e = k === undefined ? undefined : p.eqns[k];
    return e?.primitive === prim ? e : undefined;
  };
  /** `v` is read only by the equations `ks` and is not a program output. */
  const onlyUsedBy = (v: IRAtom, ks: readonly number[]): boolean =>
    !isLiteral(v) && !outputs.has(v.id) && (users.get(v.id) ?? []).every((u) => ks.includes(u));

  p.eqns.forEach((e5, k5) => {
    const pr = e5.params as { lower?: boolean; transposeA?: boolean; leftSide?: boolean };
    if (
      e5.primitive !== "triangularSolve" ||
      pr.lower !== true ||
      pr.transposeA === true ||
      pr.leftSide !== false
    )
      return;
    const [L, X] = e5.inputs as [IRAtom, IRAtom];
    if (isLiteral(L) || eq(def(L), "cholesky") === undefined) return;
    const r = L.shape.length;
    const n = L.shape[r - 1] as number;
    const S = e5.outputs[0] as IRVar;
    // X = triangularSolve(L, P, lower, transposeA, leftSide)
    const k4 = def(X);
    const e4 = eq(k4, "triangularSolve");
    const p4 = e4?.params as { lower?: boolean; transposeA?: boolean; leftSide?: boolean } | undefined;
    if (
      e4 === undefined ||
      k4 === undefined ||
      p4?.lower !== true ||
      p4.transposeA !== true ||
      p4.leftSide === false
    )
      return;
    const L4 = e4.inputs[0] as IRAtom;
    if (isLiteral(L4) || L4.id !== L.id) return;
    // P = M ∘ Φ
    const P = e4.inputs[1] as IRAtom;
    const k3 = def(P);
    const e3 = eq(k3, "mul");
    if (e3 === undefined || k3 === undefined) return;
    const [m0, m1] = e3.inputs as [IRAtom, IRAtom];
    // Φ, a stack of Φs, or Φ broadcast along batch axes (as `batchProgram` leaves it in a vmapped gradient)
    const phiOf = (a: IRAtom): boolean => {
      if (isLiteral(a)) return false;
      const b = eq(def(a), "broadcastTo");
      if (b !== undefined) {
        const src = b.inputs[0] as IRAtom;
        if (isLiteral(src)) return false;
        const s = src.shape;
        return s.length >= 2 && s[s.length - 1] === n && s[s.length - 2] === n && phiOf(src);
      }
      const c = constant.get(a.id);
      if (c === undefined || c.length === 0 || c.length % (n * n) !== 0) return false;
      for (let off = 0; off < c.length; off += n * n) if (!isPhi(c, off, n)) return false;
      return true;
    };
    const M = phiOf(m1) ? m0 : phiOf(m0) ? m1 : undefined;
    if (M === undefined || isLiteral(M) || M.shape.length !== r) return;
    // M = matmul(transpose(L), G)
    const k2 = def(M);
    const e2 = eq(k2, "matmul");
    if (e2 === undefined || k2 === undefined) return;
    const [T1, G] = e2.inputs as [IRAtom, IRAtom];
    const k1 = def(T1);
    const e1 = eq(k1, "transpose");
    if (e1 === undefined || k1 === undefined || isLiteral(G) || G.shape.some((d, k) => d !== L.shape[k]))
      return;
    if ((e1.inputs[0] as IRVar).id !== L.id || !swapsLastTwo(e1.params.perm as number[])) return;
    // out = (S + Sᵀ)·½
    const us = users.get(S.id) ?? [];
    const k6 = us.find((u) => p.eqns[u]?.primitive === "transpose");
    const e6 = eq(k6, "transpose");
    if (e6 === undefined || k6 === undefined || !swapsLastTwo(e6.params.perm as number[])) return;
    const St = e6.outputs[0] as IRVar;
    const k7 = (users.get(St.id) ?? [])[0];
    const e7 = eq(k7, "add");
    if (e7 === undefined || k7 === undefined) return;
    const ids = e7.inputs.map((a) => (isLiteral(a) ? -1 : a.id));
    if (!(ids.includes(S.id) && ids.includes(St.id))) return;
    const Q = e7.outputs[0] as IRVar;
    const k8 = (users.get(Q.id) ?? [])[0];
    const e8 = eq(k8, "mul");
    if (e8 === undefined || k8 === undefined) return;
    const allHalf = (a: IRAtom): boolean => {
      if (isLiteral(a)) return a.literal === 0.5;
      const b = eq(def(a), "broadcastTo");
      if (b !== undefined) return allHalf(b.inputs[0] as IRAtom);
      const c = constant.get(a.id);
      if (c === undefined || c.length === 0 || a.shape.length > r) return false;
      for (let i = 0; i < c.length; i++) if (c[i] !== 0.5) return false;
      return true;
    };
    const other = e8.inputs.find((a) => isLiteral(a) || a.id !== Q.id);
    if (other === undefined || e8.inputs.length !== 2 || !allHalf(other)) return;
    if (
      !onlyUsedBy(X, [k5]) ||
      !onlyUsedBy(P, [k4]) ||
      !onlyUsedBy(M, [k3]) ||
      !onlyUsedBy(S, [k6, k7]) ||
      !onlyUsedBy(St, [k7]) ||
      !onlyUsedBy(Q, [k8])
    )
      return;
    const out = e8.outputs[0] as IRVar;
    if (out.shape.length !== r || out.shape.some((d, k) => d !== L.shape[k])) return;
    for (const k of [k2, k3, k4, k5, k6, k7]) skip.add(k);
    if (onlyUsedBy(T1, [k2])) skip.add(k1);
    replace.set(k8, { primitive: "choleskyGrad", inputs: [L, G], params: {}, outputs: [out] });
  });
  return { skip, replace };
}
