/**
 * Code generation of the control-flow primitives as real JavaScript loops and branches: a `scan` is one
 * `for` loop whose body is the body program generated inline (its elementwise chains fused as anywhere
 * else), a `whileLoop` a `for (;;)` loop around the inlined condition and body, a `cond` an `if` chain.
 * Carries of one element live in `let` locals, larger carries in preallocated buffers; every buffer is
 * allocated once in the factory, so a call allocates nothing.
 */
import { type IRAtom, type IREqn, type IRProgram, type IRVar, isLiteral, sizeOf } from "../ir.js";
import { shortenCarryChains } from "./carry-chains.js";
import type { Generator, Storage } from "./codegen.js";
import { num } from "./elementwise.js";
import { shareReciprocals } from "./share-reciprocals.js";

/** The largest variable id at the top level of a program. */
export function maxVarId(p: IRProgram): number {
  let m = -1;
  for (const v of p.inputs) m = Math.max(m, v.id);
  for (const c of p.constants) m = Math.max(m, c.v.id);
  for (const e of p.eqns) for (const o of e.outputs) m = Math.max(m, o.id);
  return m;
}

/** `p` with every top-level variable id shifted to a fresh range of the generated code. */
function relabel(p: IRProgram, ids: { next: number }): IRProgram {
  const base = ids.next;
  ids.next += maxVarId(p) + 1;
  const memo = new Map<number, IRVar>();
  const v = (x: IRVar): IRVar => {
    let r = memo.get(x.id);
    if (r === undefined) {
      r = { id: x.id + base, shape: x.shape, dtype: x.dtype };
      memo.set(x.id, r);
    }
    return r;
  };
  const a = (x: IRAtom): IRAtom => (isLiteral(x) ? x : v(x));
  if (p.constants.length > 0) throw new Error("backend-js: control-flow bodies must not hold constants");
  return {
    inputs: p.inputs.map(v),
    constants: [],
    eqns: p.eqns.map((e) => ({ ...e, inputs: e.inputs.map(a), outputs: e.outputs.map(v) })),
    outputs: p.outputs.map(a),
  };
}

/** Generates `body` inline with the given input storage; returns its lines and output storage. */
function inlineBody(
  gen: Generator,
  body: IRProgram,
  inputs: readonly Storage[],
): { lines: string[]; outputs: Storage[] } {
  const Ctor = gen.constructor as new (p: IRProgram, o: object) => Generator;
  const sub = new Ctor(relabel(shareReciprocals(body), gen.ids), {});
  sub.factory = gen.factory;
  sub.usedRt = gen.usedRt;
  sub.ids = gen.ids;
  sub.scratch = gen.scratch;
  const r = sub.inline(inputs);
  gen.scratch = sub.scratch;
  return r;
}

let uniq = 0;

/** Storage of an operand read by a body (constants, broadcasts and buffers as they are). */
function operandStorage(gen: Generator, a: IRAtom, sink: string[]): Storage {
  if (isLiteral(a)) return { k: "lit", e: num(a.literal) };
  const s = gen.get(a);
  if (s.k === "tmp" || s.k === "tview") return { k: "buf", ...gen.bufOf(a, sink) };
  return s;
}

/** A preallocated buffer of `n` elements of `dtype`. */
function buffer(gen: Generator, dtype: string, n: number): string {
  const name = `x${gen.scratch++}`;
  const ctor: Record<string, string> = {
    float64: "Float64Array",
    float32: "Float32Array",
    int32: "Int32Array",
    uint32: "Uint32Array",
    bool: "Uint8Array",
  };
  gen.factory.push(`const ${name} = new ${ctor[dtype] ?? "Float64Array"}(${n});`);
  return name;
}

/** Statements copying `src` (any storage of `n` elements) into `dst[off + k]`. */
function copyInto(dst: string, off: string, src: Storage, n: number): string {
  const at = (k: string): string => (off === "0" ? k : `${off} + ${k}`);
  switch (src.k) {
    case "lit":
    case "sc":
    case "splat":
      return n === 1
        ? `${dst}[${at("0")}] = ${src.e};`
        : `for (let k = 0; k < ${n}; k++) ${dst}[${at("k")}] = ${src.e};`;
    case "buf":
      return n === 1
        ? `${dst}[${at("0")}] = ${src.name}[${src.off}];`
        : `for (let k = 0; k < ${n}; k++) ${dst}[${at("k")}] = ${src.name}[${src.off === 0 ? "k" : `${src.off} + k`}];`;
    default:
      throw new Error("backend-js: internal error, a loop temporary escaped a control-flow body");
  }
}

/** One element of a storage as an expression. */
function scalarExpr(s: Storage): string {
  if (s.k === "buf") return `${s.name}[${s.off}]`;
  if (s.k === "tmp" || s.k === "tview")
    throw new Error("backend-js: internal error, scalar read of a loop temporary");
  return s.e;
}

/** Loop-carried state: scalars in `let` locals, others in buffers. */
interface Carry {
  storage: Storage[];
  /** Statements that write the new values (all read before any is written). */
  update(outs: readonly Storage[]): string[];
}

function makeCarry(gen: Generator, vars: readonly IRVar[], init: readonly IRAtom[], sink: string[]): Carry {
  const id = uniq++;
  const storage: Storage[] = vars.map((v, k) => {
    const n = sizeOf(v.shape);
    const a = init[k] as IRAtom;
    if (n === 1) {
      const name = `s${gen.ids.next++}`;
      sink.push(`let ${name} = ${isLiteral(a) ? num(a.literal) : scalarExpr(operandStorage(gen, a, sink))};`);
      return { k: "sc", e: name };
    }
    const name = buffer(gen, v.dtype, n);
    sink.push(copyInto(name, "0", operandStorage(gen, a, sink), n));
    return { k: "buf", name, off: 0 };
  });
  const bufNames = new Set(storage.flatMap((s) => (s.k === "buf" ? [s.name] : [])));
  return {
    storage,
    update(outs) {
      const pre: string[] = [];
      const post: string[] = [];
      storage.forEach((s, k) => {
        const o = outs[k] as Storage;
        if (s.k === "sc") {
          if (o.k === "sc" && o.e === s.e) return;
          const tmp = `n${id}_${k}`;
          pre.push(`const ${tmp} = ${scalarExpr(o)};`);
          post.push(`${s.e} = ${tmp};`);
        } else if (s.k === "buf") {
          const n = sizeOf((vars[k] as IRVar).shape);
          if (o.k === "buf" && o.name === s.name && o.off === 0) return;
          if (o.k === "buf" && bufNames.has(o.name)) {
            const t = buffer(gen, (vars[k] as IRVar).dtype, n);
            pre.push(copyInto(t, "0", o, n));
            post.push(copyInto(s.name, "0", { k: "buf", name: t, off: 0 }, n));
          } else post.push(copyInto(s.name, "0", o, n));
        }
      });
      return [...pre, ...post];
    },
  };
}

/** Makes the outputs of `e` read the final carry storage. */
function bindOutputs(gen: Generator, outs: readonly IRVar[], storage: readonly Storage[]): void {
  outs.forEach((o, k) => {
    gen.store.set(o.id, storage[k] as Storage);
  });
}

/**
 * Rewrites `div(x, c)` in a loop body, where `c` is a floating loop constant, into `mul(x, r)` with
 * `r = 1 / c` computed once before the loop (elementwise for a vector constant): a division costs several
 * multiplications' throughput, and a scan's reverse (VJP) body typically divides by the same scale
 * parameters every step. The result differs from the division by at most one rounding of the reciprocal
 * (about 1e-16 relative); a vmapped program (whose scale constants have become vectors) computes exactly
 * what the unbatched one computes per row. Returns the new body (reciprocals appended to its constants)
 * and their storage.
 */
function hoistReciprocals(
  gen: Generator,
  body: IRProgram,
  nc: number,
  consts: readonly Storage[],
  sink: string[],
): { body: IRProgram; consts: Storage[] } {
  const constIdx = new Map<number, number>();
  body.inputs.slice(0, nc).forEach((v, k) => {
    const s = consts[k] as Storage;
    if (v.dtype !== "float64" && v.dtype !== "float32") return;
    if (sizeOf(v.shape) === 1 ? s.k !== "tmp" && s.k !== "tview" : s.k === "buf" || s.k === "splat")
      constIdx.set(v.id, k);
  });
  const recips = new Map<number, IRVar>();
  let next = maxVarId(body) + 1;
  const eqns = body.eqns.map((q) => {
    if (q.primitive !== "div" || q.outputs[0]?.dtype !== "float64") return q;
    const d = q.inputs[1] as IRAtom;
    if (isLiteral(d) || !constIdx.has(d.id)) return q;
    let r = recips.get(d.id);
    if (r === undefined) {
      r = { id: next++, shape: d.shape, dtype: d.dtype };
      recips.set(d.id, r);
    }
    return { ...q, primitive: "mul", inputs: [q.inputs[0] as IRAtom, r] };
  });
  if (recips.size === 0) return { body, consts: [...consts] };
  const extra: Storage[] = [];
  for (const [id, r] of recips) {
    const c = consts[constIdx.get(id) as number] as Storage;
    const m = sizeOf(r.shape);
    if (m > 1 && c.k === "buf") {
      const b = buffer(gen, r.dtype, m);
      const at = c.off === 0 ? "k" : `${c.off} + k`;
      sink.push(`for (let k = 0; k < ${m}; k++) ${b}[k] = 1 / ${c.name}[${at}];`);
      extra.push({ k: "buf", name: b, off: 0 });
      continue;
    }
    const name = `r${gen.ids.next++}`;
    sink.push(`const ${name} = 1 / ${scalarExpr(c)};`);
    extra.push(m > 1 ? { k: "splat", e: name } : { k: "sc", e: name });
  }
  return {
    body: {
      ...body,
      inputs: [...body.inputs.slice(0, nc), ...recips.values(), ...body.inputs.slice(nc)],
      eqns,
    },
    consts: [...consts, ...extra],
  };
}

function emitScan(gen: Generator, e: IREqn): void {
  const p = e.params as {
    body: IRProgram;
    numConsts: number;
    numCarry: number;
    length: number;
    reverse: boolean;
    unroll?: number;
  };
  const sink = gen.stream;
  const nc = p.numConsts;
  const nh = p.numCarry;
  const T = p.length;
  const hoisted = hoistReciprocals(
    gen,
    shortenCarryChains(p.body, nc, nh),
    nc,
    e.inputs.slice(0, nc).map((a) => operandStorage(gen, a, sink)),
    sink,
  );
  const consts = hoisted.consts;
  const body = hoisted.body;
  const carry = makeCarry(gen, p.body.inputs.slice(nc, nc + nh), e.inputs.slice(nc, nc + nh), sink);
  const ys = e.outputs.slice(nh).map((o) => gen.destOf(o) ?? { name: gen.newBuffer(o), off: 0 });
  const step = `step${uniq++}`;
  const loop: string[] = [];
  // xs slices: one element read into a local, larger ones copied into a buffer per step
  const xsIn = e.inputs.slice(nc + nh).map((a, j) => {
    const v = p.body.inputs[nc + nh + j] as IRVar;
    const m = sizeOf(v.shape);
    const s = operandStorage(gen, a, sink);
    if (s.k === "lit" || s.k === "sc" || s.k === "splat")
      return { k: m === 1 ? "sc" : "splat", e: s.e } as Storage;
    if (s.k !== "buf") throw new Error("backend-js: internal error, scan operand storage");
    const idx = `${s.off === 0 ? "" : `${s.off} + `}${m === 1 ? step : `${step} * ${m}`}`;
    if (m === 1) {
      const name = `s${gen.ids.next++}`;
      loop.push(`const ${name} = ${s.name}[${idx}];`);
      return { k: "sc", e: name } as Storage;
    }
    const b = buffer(gen, v.dtype, m);
    loop.push(`for (let k = 0; k < ${m}; k++) ${b}[k] = ${s.name}[${idx} + k];`);
    return { k: "buf", name: b, off: 0 } as Storage;
  });
  const { lines, outputs } = inlineBody(gen, body, [...consts, ...carry.storage, ...xsIn]);
  loop.push(...lines);
  outputs.slice(nh).forEach((o, j) => {
    const m = sizeOf((e.outputs[nh + j] as IRVar).shape) / Math.max(T, 1);
    const y = ys[j] as { name: string; off: number };
    const at = m === 1 ? step : `${step} * ${m}`;
    loop.push(copyInto(y.name, y.off === 0 ? at : `${y.off} + ${at}`, o, m));
  });
  loop.push(...carry.update(outputs.slice(0, nh)));
  const u = Math.min(Math.max(1, Math.floor(p.unroll ?? 1)), T);
  if (u > 1) {
    // `unroll`: u copies of the body per iteration (each in its own block), then the remaining steps
    const inc = p.reverse ? `${step}--;` : `${step}++;`;
    const copies: string[] = [];
    for (let c = 0; c < u; c++) copies.push("{", ...loop, "}", inc);
    // one block, so that a long body split into chunks keeps the step counter with its loops
    sink.push(
      "{",
      `let ${step} = ${p.reverse ? T - 1 : 0};`,
      p.reverse ? `while (${step} >= ${u - 1}) {` : `while (${step} <= ${T - u}) {`,
      ...copies,
      "}",
      p.reverse ? `for (; ${step} >= 0; ${step}--) {` : `for (; ${step} < ${T}; ${step}++) {`,
      ...loop,
      "}",
      "}",
    );
  } else if (T > 0)
    sink.push(
      p.reverse
        ? `for (let ${step} = ${T - 1}; ${step} >= 0; ${step}--) {`
        : `for (let ${step} = 0; ${step} < ${T}; ${step}++) {`,
      ...loop,
      "}",
    );
  bindOutputs(gen, e.outputs.slice(0, nh), carry.storage);
  e.outputs.slice(nh).forEach((o, j) => {
    gen.store.set(o.id, { k: "buf", ...(ys[j] as { name: string; off: number }) });
  });
}

function emitWhile(gen: Generator, e: IREqn): void {
  const p = e.params as { cond: IRProgram; body: IRProgram; numCondConsts: number; numBodyConsts: number };
  const sink = gen.stream;
  const ncc = p.numCondConsts;
  const nbc = p.numBodyConsts;
  const cc = e.inputs.slice(0, ncc).map((a) => operandStorage(gen, a, sink));
  const bc = e.inputs.slice(ncc, ncc + nbc).map((a) => operandStorage(gen, a, sink));
  const carry = makeCarry(gen, p.body.inputs.slice(nbc), e.inputs.slice(ncc + nbc), sink);
  const c = inlineBody(gen, p.cond, [...cc, ...carry.storage]);
  const b = inlineBody(gen, p.body, [...bc, ...carry.storage]);
  sink.push(
    "for (;;) {",
    ...c.lines,
    `if (!(${scalarExpr(c.outputs[0] as Storage)})) break;`,
    ...b.lines,
    ...carry.update(b.outputs),
    "}",
  );
  bindOutputs(gen, e.outputs, carry.storage);
}

function emitCond(gen: Generator, e: IREqn): void {
  const p = e.params as { branches: IRProgram[] };
  const sink = gen.stream;
  const idx = e.inputs[0] as IRAtom;
  const ops = e.inputs.slice(1).map((a) => operandStorage(gen, a, sink));
  const outs: Storage[] = e.outputs.map((o) => {
    const n = sizeOf(o.shape);
    if (n === 1) {
      const name = `s${gen.ids.next++}`;
      sink.push(`let ${name} = 0;`);
      return { k: "sc", e: name };
    }
    return { k: "buf", name: buffer(gen, o.dtype, n), off: 0 };
  });
  const n = p.branches.length;
  const sel = `c${uniq++}`;
  const ie = isLiteral(idx) ? num(idx.literal) : scalarExpr(operandStorage(gen, idx, sink));
  sink.push(`const ${sel} = Math.min(Math.max(${ie}, 0), ${n - 1});`);
  p.branches.forEach((br, i) => {
    const r = inlineBody(gen, br, ops);
    const assign = outs.map((s, k) =>
      s.k === "sc"
        ? `${s.e} = ${scalarExpr(r.outputs[k] as Storage)};`
        : copyInto(
            (s as { name: string }).name,
            "0",
            r.outputs[k] as Storage,
            sizeOf((e.outputs[k] as IRVar).shape),
          ),
    );
    sink.push(
      i === 0 ? `if (${sel} === 0) {` : i < n - 1 ? `} else if (${sel} === ${i}) {` : "} else {",
      ...r.lines,
      ...assign,
    );
  });
  sink.push("}");
  bindOutputs(gen, e.outputs, outs);
}

/** Emits a control-flow equation (the generator has closed its open loops). */
export function emitControlFlow(gen: Generator, e: IREqn): void {
  if (e.primitive === "scan") emitScan(gen, e);
  else if (e.primitive === "whileLoop") emitWhile(gen, e);
  else emitCond(gen, e);
}
