/**
 * Matrix products for the code generator: a matvec fused into the open loop as a row dot product (unrolled
 * up to {@link UNROLL} columns, the row kept in locals), a transposed matvec accumulated from a loop-produced
 * vector, or nested loops that read transposed views in place and skip a cholesky factor's zero triangle.
 */
import { type IREqn, type IRVar, isLiteral, sizeOf } from "../ir.js";
import type { Generator, Group, Storage } from "./codegen.js";
import { roundTo } from "./elementwise.js";

/** Matrix–vector products with at most this many columns are unrolled, their row kept in locals. */
export const UNROLL = 32;

/** A transpose of the last two axes read only by matmuls stays a view of its input. */
export function isTransposeView(gen: Generator, e: IREqn): boolean {
  const perm = e.params.perm as number[];
  const r = perm.length;
  if (r < 2 || perm[r - 1] !== r - 2 || perm[r - 2] !== r - 1) return false;
  for (let k = 0; k < r - 2; k++) if (perm[k] !== k) return false;
  const out = e.outputs[0] as IRVar;
  if (gen.outputSlot.has(out.id) || gen.p.outputs.includes(out)) return false;
  return (gen.users.get(out.id) ?? []).every((k) => gen.p.eqns[k]?.primitive === "matmul");
}

/**
 * matmul: fused into the open loop as a row dot product (A[m,k]·b[k,1], one row per iteration) or as a
 * transposed accumulation (Sᵀ[m,k]·g[k,1] with g produced in the loop: out += S[i,:]·g[i]); otherwise
 * nested loops that read transposed views in place.
 */
export function emitMatmul(gen: Generator, e: IREqn): void {
  const [A, B] = e.inputs as [IRVar, IRVar];
  const out = e.outputs[0] as IRVar;
  const r = A.shape.length;
  const m = A.shape[r - 2] as number;
  const k = A.shape[r - 1] as number;
  const n = out.shape[r - 1] as number;
  const sa = gen.get(A);
  const sb = isLiteral(B) ? undefined : gen.store.get(B.id);
  const batch = sizeOf(A.shape.slice(0, r - 2));
  if (
    batch === 1 &&
    n === 1 &&
    m > 1 &&
    sa.k === "buf" &&
    sb?.k !== "tmp" &&
    sb?.k !== "tview" &&
    !gen.isDeferred(B)
  ) {
    const g = gen.loopFor(e, m);
    const b = gen.bufOf(B, g.pre);
    const acc = `m${out.id}`;
    if (k <= UNROLL) {
      const row = rowLocals(gen, g, sa.name, sa.off, k);
      const w = Array.from({ length: k }, (_, p) => `w${out.id}_${p}`);
      w.forEach((wp, p) => {
        g.pre.push(`const ${wp} = ${b.name}[${b.off + p}];`);
      });
      // started at +0 like every other form here and the reference kernel: a row of −0 products sums to +0 (not
      // −0), so this row product equals the batched program's loop (`CompiledPotential.batched`) bit for bit
      g.body.push(`const ${acc} = 0 + ${row.map((x, p) => `${x} * ${w[p]}`).join(" + ")};`);
      gen.defineTmp(g, out, roundTo(acc, out.dtype));
      return;
    }
    g.body.push(
      `let ${acc} = 0; for (let p = 0, r = i * ${k}${sa.off === 0 ? "" : ` + ${sa.off}`}; p < ${k}; p++) ${acc} += ${sa.name}[r + p] * ${b.name}[${b.off === 0 ? "" : `${b.off} + `}p];`,
    );
    gen.defineTmp(g, out, roundTo(acc, out.dtype));
    return;
  }
  if (
    batch === 1 &&
    n === 1 &&
    out.dtype === "float64" &&
    sa.k === "tview" &&
    k > 1 &&
    !gen.isDeferred(B) &&
    sb?.k !== "tview"
  ) {
    const g = gen.loopFor(e, k);
    const name = gen.newBuffer(out);
    if (m <= UNROLL) {
      const row = rowLocals(gen, g, sa.name, sa.off, m);
      const gv = `u${out.id}`;
      const accs = row.map((_, p) => `v${out.id}_${p}`);
      g.init.push(`let ${accs.join(" = 0, ")} = 0;`);
      g.body.push(`const ${gv} = ${gen.readAt(B)};`, ...row.map((x, p) => `${accs[p]} += ${x} * ${gv};`));
      g.post.push(...accs.map((a, p) => `${name}[${p}] = ${a};`));
      gen.store.set(out.id, { k: "buf", name, off: 0 });
      g.deferred.add(out.id);
      return;
    }
    g.init.push(`${name}.fill(0);`);
    const gv = gen.readAt(B);
    g.body.push(
      `{ const gv = ${gv}; for (let p = 0, r = i * ${m}${sa.off === 0 ? "" : ` + ${sa.off}`}; p < ${m}; p++) ${name}[p] += ${sa.name}[r + p] * gv; }`,
    );
    gen.store.set(out.id, { k: "buf", name, off: 0 });
    g.deferred.add(out.id);
    return;
  }
  const { sink, deferred } = gen.sinkFor(e);
  const view = (v: IRVar, s: Storage | undefined): { name: string; off: number; t: boolean } =>
    s?.k === "tview" ? { name: s.name, off: s.off, t: true } : { ...gen.bufOf(v, sink), t: false };
  const a = view(A, sa);
  const b = view(B, sb);
  const o = gen.newBuffer(out);
  // element (i, p) of A and (p, j) of B for batch bt
  const aI = a.t ? 1 : k;
  const aP = a.t ? m : 1;
  const bP = b.t ? 1 : n;
  const bJ = b.t ? k : 1;
  // index expressions without zero terms and unit factors (V8 then strength-reduces them in the loops)
  const lin = (...terms: [string | number, number][]): string => {
    const parts = terms
      .filter(([x, c]) => c !== 0 && x !== 0 && x !== "0")
      .map(([x, c]) => (typeof x === "number" ? String(x * c) : c === 1 ? x : `${x} * ${c}`));
    return parts.length === 0 ? "0" : parts.join(" + ");
  };
  const bt = batch === 1 ? 0 : "bt";
  const ai = (i: string, p: string) => `${a.name}[${lin([a.off, 1], [bt, m * k], [i, aI], [p, aP])}]`;
  const bi = (p: string, j: string) => `${b.name}[${lin([b.off, 1], [bt, k * n], [p, bP], [j, bJ])}]`;
  const oi = (i: string, j: string) => `${o}[${lin([bt, m * n], [i, n], [j, 1])}]`;
  // A lower triangular (a cholesky factor, or its transpose): skip the products with its zero triangle.
  const tri = a.off === 0 && m === k && gen.lowerBufs.get(a.name) === m;
  // p's range for row i: A = L: p ≤ i; A = Lᵀ: p ≥ i; as loops over p first: i ≥ p (L) or i ≤ p (Lᵀ)
  const pLo = tri && a.t ? "i" : "0";
  const pHi = tri && !a.t ? "i + 1" : `${k}`;
  const iLo = tri && !a.t ? "p" : "0";
  const iHi = tri && a.t ? "p + 1" : `${m}`;
  let code: string;
  let fill = true;
  if (k === 1) {
    // outer product: every element written once
    code = `for (let i = 0; i < ${m}; i++) for (let j = 0; j < ${n}; j++) ${oi("i", "j")} = ${roundTo(`${ai("i", "0")} * ${bi("0", "j")}`, out.dtype)};`;
    fill = false;
  } else if (a.t && out.dtype === "float64")
    code = `for (let p = 0; p < ${k}; p++) for (let i = ${iLo}; i < ${iHi}; i++) { const av = ${ai("i", "p")}; for (let j = 0; j < ${n}; j++) ${oi("i", "j")} += av * ${bi("p", "j")}; }`;
  else if (n === 1 || b.t || a.t || out.dtype !== "float64") {
    code = `for (let i = 0; i < ${m}; i++) for (let j = 0; j < ${n}; j++) { let s = 0; for (let p = ${pLo}; p < ${pHi}; p++) s += ${ai("i", "p")} * ${bi("p", "j")}; ${oi("i", "j")} = s; }`;
    fill = false;
  } else
    code = `for (let i = 0; i < ${m}; i++) for (let p = ${pLo}; p < ${pHi}; p++) { const av = ${ai("i", "p")}; for (let j = 0; j < ${n}; j++) ${oi("i", "j")} += av * ${bi("p", "j")}; }`;
  const clear = fill ? `${o}.fill(0); ` : "";
  sink.push(batch === 1 ? `${clear}${code}` : `${clear}for (let bt = 0; bt < ${batch}; bt++) { ${code} }`);
  if (sizeOf(out.shape) === 1 && !gen.outputSlot.has(out.id)) {
    sink.push(`const s${out.id} = ${o}[0];`);
    gen.store.set(out.id, { k: "sc", e: `s${out.id}` });
  } else gen.store.set(out.id, { k: "buf", name: o, off: 0 });
  if (deferred) gen.group?.deferred.add(out.id);
}

/** Locals `e…` holding row `i` (length `len`) of matrix buffer `name` in the loop body, loaded once per loop. */
function rowLocals(gen: Generator, g: Group, name: string, off: number, len: number): string[] {
  const key = `${name}:${off}:${len}`;
  const have = g.rows.get(key);
  if (have !== undefined) return have;
  const id = `e${g.rows.size}_${gen.scratch++}`;
  const xs = Array.from({ length: len }, (_, p) => `${id}_${p}`);
  g.body.push(
    `const ${id} = i * ${len}${off === 0 ? "" : ` + ${off}`};`,
    ...xs.map((x, p) => `const ${x} = ${name}[${id}${p === 0 ? "" : ` + ${p}`}];`),
  );
  g.rows.set(key, xs);
  return xs;
}
