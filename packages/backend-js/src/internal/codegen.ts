/**
 * The code generator: turns an IR program into the source of a factory function
 * `(rt, c0, c1, …) => run`, where `run(a0, …, o0, …)` reads its inputs from typed arrays and writes
 * its outputs into caller-owned typed arrays without allocating.
 *
 * Storage: variables of one element live in JS locals; broadcasts of a scalar are never
 * materialised; contiguous slices and reshapes of buffers are views. Elementwise equations of the
 * same length are fused into one loop whose intermediates are loop locals, together with full
 * reductions (accumulators), scalar broadcasts, suffix broadcasts and 1-D pads. Scalar equations that
 * do not depend on the open loop are hoisted before it. Other primitives write preallocated buffers
 * through specialised nested loops or the linear-algebra kernels.
 */
import {
  type ArgSpec,
  type IRAtom,
  type IREqn,
  type IRProgram,
  type IRVar,
  isLiteral,
  sizeOf,
} from "../ir.js";
import { blockLongLoops } from "./blocks.js";
import { CHUNK_LINES, SPLIT_ABOVE_LINES, splitIntoChunks } from "./chunk.js";
import { emitControlFlow, maxVarId } from "./codegen-control.js";
import { emitMatmul, isTransposeView } from "./codegen-matmul.js";
import { elementwiseExpr, isElementwise, num, RUNTIME_SCALARS, roundTo } from "./elementwise.js";
import { fuseCholeskyGrads } from "./fuse-cholesky.js";
import { rowsFunction } from "./rows.js";
import { broadcastIndex, contiguousSlice, emitGeneric, REDUCE_INIT, reduceStep } from "./shape-kernels.js";
import { shareLoops } from "./share-loops.js";
import { shareReciprocals } from "./share-reciprocals.js";
import { simdFactory } from "./simd-rows.js";

/** Options of {@link generate}. */
export interface CodegenOptions {
  /** Return output 0 (one element) from `run` instead of writing it into an output array. */
  readonly returnFirstScalar?: boolean;
  /**
   * `"potential"`: `run(in₀, out…, in₁, …)` — the output arrays follow the first input, so a potential
   * `(z, grad, ...extra)` is `run` itself. Default `"inputs-first"`: `run(in…, out…)`.
   */
  readonly argOrder?: "inputs-first" | "potential";
  /**
   * Longest generated function in lines. By default bodies over {@link SPLIT_ABOVE_LINES} lines are split into
   * functions of {@link CHUNK_LINES} lines, so that V8 optimises each (it leaves a function of more than about
   * 60 KB of bytecode unoptimised); given, any body over 1.5 × `chunkLines` lines is split.
   */
  readonly chunkLines?: number;
  /**
   * Generate a row-wise function instead: `run(zs, n, out₀, …)` evaluates the program (one input, no
   * `returnFirstScalar`) on each of the `n` rows stacked in `zs` [n·size(in₀)] in one loop, writing output k
   * of row r at `out_k[r·size_k …]`. Each row runs exactly the code of the one-call function.
   */
  readonly rows?: boolean;
  /**
   * Run long row loops' block functions as WebAssembly SIMD kernels where the engine supports them
   * (`internal/simd-rows.ts`; default true). `false` keeps them JavaScript.
   */
  readonly simd?: boolean;
  /**
   * `"float32"`: data constants read by long row loops are rounded to float32 (and stored as float32 in the
   * SIMD kernels' memory); dot products and sums accumulate in float64, the kernels' per-row elementwise
   * statements run in float32 (see `simd-rows.ts`). Default `"float64"`.
   */
  readonly dataDtype?: "float64" | "float32";
  /**
   * Let long row loops whose results are sums run through the `rt.__threads` runtime, which may share their
   * rows out across threads (`share-loops.ts`, `threads.ts`). Ignored with `rows`.
   */
  readonly shareLoops?: boolean;
}

/** The generated source and what it needs. */
export interface GeneratedCode {
  readonly source: string;
  readonly constants: readonly {
    readonly dtype: string;
    readonly shape: readonly number[];
    readonly data: ArrayLike<number>;
  }[];
  readonly inputs: readonly ArgSpec[];
  readonly outputs: readonly ArgSpec[];
  readonly returnFirstScalar: boolean;
  readonly argOrder: "inputs-first" | "potential";
  /** How many loops run through `rt.__threads` (see {@link CodegenOptions.shareLoops}); 0 or absent: none. */
  readonly sharedLoops?: number;
}

/** Where a variable's value lives in the generated code. */
export type Storage =
  | { k: "lit"; e: string }
  | { k: "sc"; e: string }
  | { k: "splat"; e: string }
  | { k: "buf"; name: string; off: number }
  | { k: "tmp"; name: string }
  | { k: "tview"; name: string; off: number };

/** One fused loop under construction: its statements by section and the variables it holds. */
export interface Group {
  n: number;
  pre: string[];
  init: string[];
  body: string[];
  post: string[];
  tmps: IRVar[];
  members: Set<number>;
  deferred: Set<number>;
  /** Locals holding row i of a matrix buffer in the loop body, by `name:offset:length` (shared by matvecs). */
  rows: Map<string, string[]>;
  /** The 1-D pads read in the body: `expr` is `inside` on [lo, hi) and 0 elsewhere (see emitGroup). */
  pads: { expr: string; inside: string; lo: number; hi: number }[];
}

/** A loop with pads is split at their edges into at most this many loops, each free of their tests. */
const MAX_PAD_SEGMENTS = 7;

/** Elementwise work of at most this length that reads a loop's results runs after that loop, keeping it open. */
const SMALL_AFTER_LOOP = 64;

const ARRAY_CTOR: Record<string, string> = {
  float64: "Float64Array",
  float32: "Float32Array",
  int32: "Int32Array",
  uint32: "Uint32Array",
  bool: "Uint8Array",
};

/** Each runtime helper's name and how a call of it starts in an expression. */
const RUNTIME_CALLS: readonly (readonly [string, string])[] = RUNTIME_SCALARS.map((n) => [n, `${n}(`]);

const len0 = (v: IRVar): number => v.shape[0] as number;

const ctorOf = (dtype: string): string => {
  const c = ARRAY_CTOR[dtype];
  if (c === undefined) throw new Error(`backend-js: unsupported dtype "${dtype}"`);
  return c;
};

/** Generates the factory source of `program`. */
export function generate(program: IRProgram, options: CodegenOptions = {}): GeneratedCode {
  return new Generator(shareReciprocals(program), options).run();
}

/** Generator state for one program (exported for the helpers in codegen-matmul.ts). */
export class Generator {
  readonly store = new Map<number, Storage>();
  factory: string[] = [];
  private readonly prologue: string[] = [];
  stream: string[] = [];
  group: Group | null = null;
  private side: Group | null = null;
  readonly users = new Map<number, number[]>();
  readonly outputSlot = new Map<number, number>();
  private readonly aliasedOutputs = new Set<number>();
  usedRt = new Set<string>();
  /** Next free variable id for inlined control-flow bodies (shared with the generators of nested bodies). */
  ids: { next: number } = { next: 0 };
  /** Buffers holding lower-triangular n×n matrices (cholesky outputs: zero above the diagonal), by name → n. */
  readonly lowerBufs = new Map<string, number>();
  scratch = 0;
  private eqnIndex = 0;
  /** Program outputs assembled as sums of disjoint 1-D pads (a gradient): see {@link planPadSums}. */
  private padSums: PadSumPlan = { skip: new Map(), dest: new Map() };

  constructor(
    readonly p: IRProgram,
    private readonly opts: CodegenOptions,
  ) {}

  run(): GeneratedCode {
    const p = this.p;
    this.ids.next = maxVarId(p) + 1;
    const ret = this.opts.returnFirstScalar === true;
    if (ret) {
      const o0 = p.outputs[0];
      if (o0 === undefined || (!isLiteral(o0) && sizeOf(o0.shape) !== 1))
        throw new Error("backend-js: returnFirstScalar needs a one-element first output");
    }
    for (let k = 0; k < p.eqns.length; k++) {
      for (const a of (p.eqns[k] as IREqn).inputs) {
        if (isLiteral(a)) continue;
        const u = this.users.get(a.id);
        if (u === undefined) this.users.set(a.id, [k]);
        else u.push(k);
      }
    }
    p.outputs.forEach((o, k) => {
      if (isLiteral(o) || (ret && k === 0)) return;
      if (!this.outputSlot.has(o.id)) this.outputSlot.set(o.id, k);
    });
    p.inputs.forEach((v, k) => {
      if (sizeOf(v.shape) === 1) {
        this.prologue.push(`const s${v.id} = a${k}[0];`);
        this.store.set(v.id, { k: "sc", e: `s${v.id}` });
      } else this.store.set(v.id, { k: "buf", name: `a${k}`, off: 0 });
    });
    const constants: { dtype: string; shape: readonly number[]; data: ArrayLike<number> }[] = [];
    for (const c of p.constants) {
      if (sizeOf(c.v.shape) === 1) this.store.set(c.v.id, { k: "lit", e: num(c.value[0] as number) });
      else {
        this.store.set(c.v.id, { k: "buf", name: `c${constants.length}`, off: 0 });
        constants.push({ dtype: c.v.dtype, shape: c.v.shape, data: c.value });
      }
    }
    const fusion = fuseCholeskyGrads(p, this.users);
    const padSums = planPadSums(p, this.users, this.outputSlot, ret);
    this.padSums = padSums;
    for (const slot of padSums.slots) this.aliasedOutputs.add(slot);
    this.planConcats();
    p.eqns.forEach((e, k) => {
      if (fusion.skip.has(k)) return;
      this.eqnIndex = k;
      const ps = this.padSums.skip.get(k);
      const cc = this.concats.get(k);
      if (ps !== undefined) this.padSumStep(ps);
      else if (cc !== undefined) this.concatStep(e, cc);
      else this.eqn(fusion.replace.get(k) ?? e);
    });
    this.closeGroup();
    const tail: string[] = [];
    let retExpr = "";
    p.outputs.forEach((o, k) => {
      if (ret && k === 0) {
        retExpr = this.scalarOf(o);
        return;
      }
      if (isLiteral(o)) {
        tail.push(`o${k}[0] = ${num(o.literal)};`);
        return;
      }
      const n = sizeOf(o.shape);
      const s = this.get(o);
      if (s.k === "buf" && s.name === `o${k}`) return;
      if (s.k === "lit" || s.k === "sc") tail.push(n === 1 ? `o${k}[0] = ${s.e};` : `o${k}.fill(${s.e});`);
      else if (s.k === "splat") tail.push(`o${k}.fill(${s.e});`);
      else if (s.k === "buf") tail.push(`for (let i = 0; i < ${n}; i++) o${k}[i] = ${s.name}[${s.off} + i];`);
      else throw new Error("backend-js: internal error, loop temporary escaped its loop");
    });
    const ins = p.inputs.map((_, k) => `a${k}`);
    const outs = p.outputs.map((_, k) => `o${k}`).slice(ret ? 1 : 0);
    const args =
      this.opts.argOrder === "potential" ? [...ins.slice(0, 1), ...outs, ...ins.slice(1)] : [...ins, ...outs];
    const rtNames = [...this.usedRt].sort();
    const blocked = this.opts.rows
      ? { factory: [], body: [...this.prologue, ...this.stream, ...tail], loops: [] }
      : blockLongLoops([...this.prologue, ...this.stream, ...tail], args.join(", "));
    const shared =
      this.opts.shareLoops === true && !this.opts.rows
        ? shareLoops(blocked.body, blocked.loops, this.factory, args, new Set(ins), new Set(rtNames))
        : { body: blocked.body, factory: [], shared: 0 };
    const body = shared.body;
    const chunk = this.opts.chunkLines;
    const split = splitIntoChunks(
      body,
      args.join(", "),
      ret ? retExpr : null,
      chunk ?? CHUNK_LINES,
      chunk === undefined ? SPLIT_ABOVE_LINES : 0,
    );
    const inputSpecs = p.inputs.map((v) => ({ shape: [...v.shape], dtype: v.dtype }));
    const outputSpecs = p.outputs.map((o) =>
      isLiteral(o) ? { shape: [], dtype: o.dtype } : { shape: [...o.shape], dtype: o.dtype },
    );
    if (this.opts.rows && (p.inputs.length !== 1 || ret))
      throw new Error("backend-js: rows needs a program with one input and no returnFirstScalar");
    const runFn = this.opts.rows
      ? rowsFunction(split?.run ?? body, inputSpecs[0] as ArgSpec, outputSpecs, ctorOf)
      : [
          `return function run(${args.join(", ")}) {`,
          ...(split?.run ?? [...body, ret ? `return ${retExpr};` : ""]),
          "};",
        ];
    const source = [
      '"use strict";',
      rtNames.length > 0 ? `const { ${rtNames.join(", ")} } = rt;` : "",
      ...this.factory,
      ...simdFactory(blocked.factory, constants, this.opts),
      ...shared.factory,
      ...(split?.factory ?? []),
      ...runFn,
    ]
      .filter((l) => l !== "")
      .join("\n");
    return {
      source,
      constants,
      inputs: inputSpecs,
      outputs: outputSpecs,
      returnFirstScalar: ret,
      argOrder: this.opts.argOrder ?? "inputs-first",
      sharedLoops: shared.shared,
    };
  }

  // ---- storage helpers -------------------------------------------------------------------------

  get(a: IRVar): Storage {
    const s = this.store.get(a.id);
    if (s === undefined) throw new Error(`backend-js: variable v${a.id} is used before it is defined`);
    return s;
  }

  private noteRt(expr: string): string {
    for (const [name, call] of RUNTIME_CALLS) if (expr.includes(call)) this.usedRt.add(name);
    return expr;
  }

  /** A JS expression for a one-element atom (literal, scalar, first element of a buffer). */
  scalarOf(a: IRAtom): string {
    if (isLiteral(a)) return num(a.literal);
    const s = this.get(a);
    if (s.k === "buf") return `${s.name}[${s.off}]`;
    if (s.k === "tmp" || s.k === "tview")
      throw new Error("backend-js: internal error, scalar read of a loop temporary");
    return s.e;
  }

  /** Expression of element `i` of an atom of the open loop's length. */
  readAt(a: IRAtom): string {
    if (isLiteral(a)) return num(a.literal);
    const s = this.get(a);
    switch (s.k) {
      case "lit":
      case "sc":
      case "splat":
        return s.e;
      case "tmp":
        return s.name;
      case "tview":
        throw new Error("backend-js: internal error, elementwise read of a transposed view");
      default:
        return s.off === 0 ? `${s.name}[i]` : `${s.name}[i + ${s.off}]`;
    }
  }

  /**
   * Where a variable that is a piece of a pad-sum output should be written (`o_k` at the pad's offset), so
   * that a loop producing it (a reverse scan's gradient, say) writes the caller's array directly.
   */
  destOf(v: IRVar): { name: string; off: number } | null {
    return this.padSums.dest.get(v.id) ?? null;
  }

  /** Concatenations along axis 0 whose operands are written in place: equation index → output buffer. */
  private readonly concats = new Map<number, string>();

  /**
   * Plans concatenations along the first axis (σ = [σ₀, scan ys], say): the output buffer is allocated up
   * front and each operand produced later by a loop (a scan's ys, a fused loop's result) is written straight
   * into its range, so that the concatenation copies only what was not.
   */
  private planConcats(): void {
    const p = this.p;
    const produced = new Set<number>();
    for (const e of p.eqns) for (const o of e.outputs) produced.add(o.id);
    const outs = new Set(p.outputs.flatMap((a) => (isLiteral(a) ? [] : [a.id])));
    p.eqns.forEach((e, k) => {
      if (e.primitive !== "concatenate" || (e.params as { axis: number }).axis !== 0) return;
      const out = e.outputs[0] as IRVar;
      if (this.padSums.dest.has(out.id) || this.padSums.skip.has(k)) return;
      const ids = e.inputs.flatMap((a) => (isLiteral(a) ? [] : [a.id]));
      if (new Set(ids).size !== ids.length) return;
      const name = this.newBuffer(out);
      this.concats.set(k, name);
      const row = sizeOf(out.shape.slice(1));
      let at = 0;
      for (const a of e.inputs) {
        const rows = isLiteral(a) ? 1 : (a.shape[0] as number);
        if (!isLiteral(a) && produced.has(a.id) && !outs.has(a.id) && !this.padSums.dest.has(a.id))
          this.padSums.dest.set(a.id, { name, off: at * row });
        at += rows;
      }
    });
  }

  /** A planned concatenation: copies the operands not already written in place. */
  private concatStep(e: IREqn, name: string): void {
    const { sink, deferred } = this.sinkFor(e);
    const out = e.outputs[0] as IRVar;
    const row = sizeOf(out.shape.slice(1));
    let at = 0;
    for (const a of e.inputs) {
      const n = isLiteral(a) ? 1 : sizeOf(a.shape);
      const off = at * row;
      at += isLiteral(a) ? 1 : (a.shape[0] as number);
      if (isLiteral(a)) {
        sink.push(`${name}[${off}] = ${num(a.literal)};`);
        continue;
      }
      const s = this.get(a);
      if (s.k === "buf" && s.name === name && s.off === off) continue;
      if (s.k === "lit" || s.k === "sc" || s.k === "splat")
        sink.push(n === 1 ? `${name}[${off}] = ${s.e};` : `${name}.fill(${s.e}, ${off}, ${off + n});`);
      else {
        const b = this.bufOf(a, sink);
        sink.push(
          n === 1
            ? `${name}[${off}] = ${b.name}[${b.off}];`
            : `for (let i = 0; i < ${n}; i++) ${name}[i + ${off}] = ${b.name}[i + ${b.off}];`,
        );
      }
    }
    this.store.set(out.id, { k: "buf", name, off: 0 });
    if (deferred) this.group?.deferred.add(out.id);
  }

  /** One equation of a pad-sum output: a piece copied into place (unless written there), or the gaps zeroed. */
  private padSumStep(step: PadSumStep): void {
    if (step.kind === "none") return;
    const out = `o${step.slot}`;
    if (step.kind === "root") {
      const lines = step.gaps.map(([a, b]) =>
        b - a === 1 ? `${out}[${a}] = 0;` : `${out}.fill(0, ${a}, ${b});`,
      );
      if (lines.length > 0) this.stream.push(...lines);
      this.store.set(step.root.id, { k: "buf", name: out, off: 0 });
      return;
    }
    const x = step.x;
    const e = this.p.eqns[this.eqnIndex] as IREqn;
    const { sink } = this.sinkFor(e);
    if (isLiteral(x)) {
      sink.push(
        step.len === 1
          ? `${out}[${step.lo}] = ${num(x.literal)};`
          : `${out}.fill(${num(x.literal)}, ${step.lo}, ${step.lo + step.len});`,
      );
      return;
    }
    const xs = this.get(x);
    if (xs.k === "buf" && xs.name === out && xs.off === step.lo) return;
    if (xs.k === "lit" || xs.k === "sc" || xs.k === "splat")
      sink.push(
        step.len === 1
          ? `${out}[${step.lo}] = ${xs.e};`
          : `${out}.fill(${xs.e}, ${step.lo}, ${step.lo + step.len});`,
      );
    else {
      const b = this.bufOf(x, sink);
      sink.push(
        step.len === 1
          ? `${out}[${step.lo}] = ${b.name}[${b.off}];`
          : `for (let i = 0; i < ${step.len}; i++) ${out}[i + ${step.lo}] = ${b.name}[i + ${b.off}];`,
      );
    }
  }

  newBuffer(v: IRVar): string {
    const slot = this.outputSlot.get(v.id);
    if (slot !== undefined && !this.aliasedOutputs.has(slot)) {
      this.aliasedOutputs.add(slot);
      return `o${slot}`;
    }
    const name = `b${v.id}`;
    this.factory.push(`const ${name} = new ${ctorOf(v.dtype)}(${sizeOf(v.shape)});`);
    return name;
  }

  /** A buffer holding atom `a` (materialising scalars and splats into scratch space). */
  bufOf(a: IRAtom, sink: string[]): { name: string; off: number } {
    if (!isLiteral(a)) {
      const s = this.get(a);
      if (s.k === "buf") return s;
      if (s.k === "tmp" || s.k === "tview")
        throw new Error("backend-js: internal error, buffer read of a loop temporary");
    }
    const n = isLiteral(a) ? 1 : sizeOf(a.shape);
    const name = `x${this.scratch++}`;
    this.factory.push(`const ${name} = new ${ctorOf(a.dtype)}(${n});`);
    const e = isLiteral(a) ? num(a.literal) : (this.get(a) as { e: string }).e;
    sink.push(n === 1 ? `${name}[0] = ${e};` : `${name}.fill(${e});`);
    return { name, off: 0 };
  }

  isDeferred(a: IRAtom): boolean {
    return this.deferredIn(a, this.group) || this.deferredIn(a, this.side);
  }

  private deferredIn(a: IRAtom, g: Group | null): boolean {
    return g !== null && !isLiteral(a) && g.deferred.has(a.id);
  }

  private isTmp(a: IRAtom): boolean {
    return !isLiteral(a) && this.store.get(a.id)?.k === "tmp";
  }

  private tmpIn(a: IRAtom, g: Group | null): boolean {
    return (
      g !== null && !isLiteral(a) && this.store.get(a.id)?.k === "tmp" && g.tmps.some((v) => v.id === a.id)
    );
  }

  private dependsOn(e: IREqn, g: Group | null): boolean {
    return g !== null && e.inputs.some((a) => this.deferredIn(a, g) || this.tmpIn(a, g));
  }

  // ---- groups ----------------------------------------------------------------------------------
  //
  // At most two loops are open: the main one (`group`) and a side loop of another length whose equations do
  // not depend on the main loop; the side loop is emitted before the main loop (into its `pre`), so
  // independent work of another length (priors over a parameter vector, say) does not split the main loop.

  private newGroup(n: number): Group {
    return {
      n,
      pre: [],
      init: [],
      body: [],
      post: [],
      tmps: [],
      members: new Set(),
      deferred: new Set(),
      rows: new Map(),
      pads: [],
    };
  }

  private emitGroup(g: Group, sink: string[]): void {
    for (const v of g.tmps) {
      const escapes =
        this.outputSlot.has(v.id) ||
        (this.users.get(v.id) ?? []).some((k) => !g.members.has(k)) ||
        this.p.outputs.includes(v);
      if (!escapes) continue;
      const d = this.destOf(v);
      if (d !== null) {
        g.body.push(`${d.name}[i + ${d.off}] = t${v.id};`);
        this.store.set(v.id, { k: "buf", name: d.name, off: d.off });
        continue;
      }
      const name = this.newBuffer(v);
      g.body.push(`${name}[i] = t${v.id};`);
      this.store.set(v.id, { k: "buf", name, off: 0 });
    }
    sink.push(...g.pre, ...g.init);
    if (g.body.length > 0) sink.push(...this.padSegments(g));
    sink.push(...g.post);
  }

  /**
   * The loop of `g`, split at the edges of the pads it reads (a gradient assembled from padded pieces,
   * say) into loops over index ranges where each pad is either its operand or 0, so that no iteration
   * tests the index; one loop as it is when there are no pads or too many pieces.
   */
  private padSegments(g: Group): string[] {
    const whole = [`for (let i = 0; i < ${g.n}; i++) {`, ...g.body, "}"];
    if (g.pads.length === 0) return whole;
    const cuts = new Set<number>([0, g.n]);
    for (const p of g.pads) {
      cuts.add(Math.min(Math.max(p.lo, 0), g.n));
      cuts.add(Math.min(Math.max(p.hi, 0), g.n));
    }
    const at = [...cuts].sort((a, b) => a - b);
    if (at.length - 1 > MAX_PAD_SEGMENTS) return whole;
    const out: string[] = [];
    for (let k = 0; k + 1 < at.length; k++) {
      const a = at[k] as number;
      const b = at[k + 1] as number;
      if (a >= b) continue;
      const body = g.body.map((line) => {
        let l = line;
        for (const p of g.pads) l = l.split(p.expr).join(a >= p.lo && b <= p.hi ? p.inside : "0");
        return l;
      });
      out.push(`for (let i = ${a}; i < ${b}; i++) {`, ...body, "}");
    }
    return out;
  }

  private closeSide(): void {
    const s = this.side;
    if (s === null) return;
    this.side = null;
    this.emitGroup(s, (this.group as Group).pre);
  }

  closeGroup(): void {
    this.closeSide();
    const g = this.group;
    if (g === null) return;
    this.group = null;
    this.emitGroup(g, this.stream);
  }

  /** Where a scalar or generic statement goes: before the open loops when it may, else after them. */
  sinkFor(e: IREqn): { sink: string[]; deferred: boolean } {
    const g = this.group;
    if (g === null) return { sink: this.stream, deferred: false };
    if (this.dependsOn(e, this.side)) this.closeSide();
    if (e.inputs.some((a) => this.tmpIn(a, g))) {
      this.closeGroup();
      return { sink: this.stream, deferred: false };
    }
    // after the loop (its output deferred), so later independent work of the loop's length still joins it
    if (e.inputs.some((a) => this.deferredIn(a, g))) return { sink: g.post, deferred: true };
    return { sink: g.pre, deferred: false };
  }

  /**
   * A one-equation loop for short elementwise work of another length that reads results of the open loop
   * (a gradient's few parameter entries after a long likelihood loop): it goes after that loop, which stays
   * open for later work of its length. Null when `e` does not qualify.
   */
  private smallAfterLoop(e: IREqn, n: number): Group | null {
    const g = this.group;
    if (g === null || g.n === n || n > SMALL_AFTER_LOOP) return null;
    if (!e.inputs.some((a) => this.deferredIn(a, g))) return null;
    if (e.inputs.some((a) => this.tmpIn(a, g))) return null;
    if (this.dependsOn(e, this.side)) this.closeSide();
    const x = this.newGroup(n);
    x.members.add(this.eqnIndex);
    return x;
  }

  /** Emits a loop from {@link smallAfterLoop} after the open loop; its result is ready after that loop. */
  private finishAfterLoop(after: Group | null, out: IRVar): void {
    if (after === null) return;
    const main = this.group as Group;
    this.emitGroup(after, main.post);
    main.deferred.add(out.id);
  }

  /** The open loop of length `n` that equation `e` joins (opening or closing loops as needed). */
  loopFor(e: IREqn, n: number): Group {
    let g = this.group;
    const join = (x: Group): Group => {
      x.members.add(this.eqnIndex);
      return x;
    };
    if (g === null) {
      g = this.newGroup(n);
      this.group = g;
      return join(g);
    }
    if (g.n === n) {
      if (e.inputs.some((a) => this.deferredIn(a, g))) {
        this.closeGroup();
        this.group = this.newGroup(n);
        return join(this.group);
      }
      if (this.dependsOn(e, this.side)) this.closeSide();
      return join(g);
    }
    if (this.dependsOn(e, g)) {
      this.closeGroup();
      this.group = this.newGroup(n);
      return join(this.group);
    }
    const s = this.side;
    if (s !== null && (s.n !== n || e.inputs.some((a) => this.deferredIn(a, s)))) this.closeSide();
    if (this.side === null) this.side = this.newGroup(n);
    return join(this.side);
  }

  private defineScalar(v: IRVar, expr: string, sink: string[], deferred: boolean): void {
    sink.push(`const s${v.id} = ${this.noteRt(expr)};`);
    this.store.set(v.id, { k: "sc", e: `s${v.id}` });
    if (deferred) this.group?.deferred.add(v.id);
  }

  private alias(v: IRVar, s: Storage, from: IRAtom): void {
    this.store.set(v.id, s);
    if (this.deferredIn(from, this.group)) this.group?.deferred.add(v.id);
    if (this.deferredIn(from, this.side)) this.side?.deferred.add(v.id);
  }

  // ---- equations -------------------------------------------------------------------------------

  /**
   * Generates this program's equations as statements with its inputs already stored (`inputs[k]` for
   * `p.inputs[k]`): control-flow bodies are inlined this way, sharing the factory, runtime helpers and
   * scratch names of the enclosing generator.
   */
  inline(inputs: readonly Storage[]): { lines: string[]; outputs: Storage[] } {
    const p = this.p;
    for (let k = 0; k < p.eqns.length; k++) {
      for (const a of (p.eqns[k] as IREqn).inputs) {
        if (isLiteral(a)) continue;
        const u = this.users.get(a.id);
        if (u === undefined) this.users.set(a.id, [k]);
        else u.push(k);
      }
    }
    p.inputs.forEach((v, k) => {
      this.store.set(v.id, inputs[k] as Storage);
    });
    const fusion = fuseCholeskyGrads(p, this.users);
    p.eqns.forEach((e, k) => {
      if (fusion.skip.has(k)) return;
      this.eqnIndex = k;
      this.eqn(fusion.replace.get(k) ?? e);
    });
    this.closeGroup();
    const outputs = p.outputs.map(
      (o): Storage => (isLiteral(o) ? { k: "lit", e: num(o.literal) } : this.get(o)),
    );
    return { lines: this.stream, outputs };
  }

  private eqn(e: IREqn): void {
    if (e.primitive === "scan" || e.primitive === "cond" || e.primitive === "whileLoop") {
      this.closeGroup();
      emitControlFlow(this, e);
      return;
    }
    const out = e.outputs[0] as IRVar;
    const n = sizeOf(out.shape);
    const x = e.inputs[0] as IRAtom;
    const prim = e.primitive;
    const xs = isLiteral(x) ? undefined : this.store.get(x.id);
    const xn = isLiteral(x) ? 1 : sizeOf(x.shape);

    // Free aliases: no code at all.
    const identity =
      prim === "reshape" ||
      prim === "stopGradient" ||
      ((prim === "broadcastTo" || prim in REDUCE_INIT) && xn === n);
    if (identity && xs?.k !== "tmp") {
      if (isLiteral(x)) this.store.set(out.id, { k: "lit", e: num(x.literal) });
      else this.alias(out, xs as Storage, x);
      return;
    }
    if (prim === "broadcastTo" && xn === 1) {
      const e1 = this.scalarOf(x);
      this.alias(out, n === 1 ? { k: "sc", e: e1 } : { k: "splat", e: e1 }, x);
      return;
    }
    if (prim === "slice" && (xs?.k === "buf" || xs?.k === "tmp")) {
      const view = contiguousSlice(x as IRVar, e.params.start, e.params.end);
      if (view !== null) {
        // a slice of a loop temporary: close its loop (which writes it to a buffer) and take a view
        if (xs.k === "tmp") this.closeGroup();
        const xb = this.get(x as IRVar);
        if (xb.k !== "buf") throw new Error("backend-js: internal error, sliced temporary not materialised");
        const s: Storage = { k: "buf", name: xb.name, off: xb.off + view };
        if (n === 1) {
          const { sink, deferred } = this.sinkFor(e);
          this.defineScalar(out, `${xb.name}[${xb.off + view}]`, sink, deferred);
          return;
        }
        this.alias(out, s, x);
        return;
      }
    }

    if (prim === "transpose" && xs?.k === "buf" && isTransposeView(this, e)) {
      this.store.set(out.id, { k: "tview", name: xs.name, off: xs.off });
      return;
    }
    if (prim === "matmul") {
      emitMatmul(this, e);
      return;
    }

    // Scalar elementwise: one const.
    if (n === 1 && isElementwise(prim)) {
      const { sink, deferred } = this.sinkFor(e);
      const args = e.inputs.map((a) => this.scalarOf(a));
      this.defineScalar(out, elementwiseExpr(prim, args, e.params, out.dtype), sink, deferred);
      return;
    }

    // Loop members.
    if (n > 1 && (isElementwise(prim) || identity)) {
      const after = this.smallAfterLoop(e, n);
      const g = after ?? this.loopFor(e, n);
      const expr = identity
        ? this.readAt(x)
        : elementwiseExpr(
            prim,
            e.inputs.map((a) => this.readAt(a)),
            e.params,
            out.dtype,
          );
      this.defineTmp(g, out, expr);
      this.finishAfterLoop(after, out);
      return;
    }
    if (n > 1 && prim === "broadcastTo" && xs?.k === "buf") {
      const idx = broadcastIndex(x as IRVar, out.shape);
      if (idx !== null) {
        const g = this.loopFor(e, n);
        this.defineTmp(g, out, `${xs.name}[${xs.off === 0 ? "" : `${xs.off} + `}${idx}]`);
        return;
      }
    }
    if (n === 1 && prim in REDUCE_INIT && xn > 1) {
      const g = this.loopFor(e, xn);
      const acc = `s${out.id}`;
      g.init.push(`let ${acc} = ${REDUCE_INIT[prim] as string};`);
      g.body.push(reduceStep(prim, acc, this.readAt(x)));
      if (out.dtype !== "float64") g.post.push(`${acc} = ${roundTo(acc, out.dtype)};`);
      this.store.set(out.id, { k: "sc", e: acc });
      g.deferred.add(out.id);
      return;
    }
    if (n > 1 && prim === "pad" && out.shape.length === 1) {
      const lo = e.params.lo[0] as number;
      const after = this.smallAfterLoop(e, n);
      const g = after ?? this.loopFor(e, n);
      let expr: string;
      let inside: string;
      if (xn === 1) {
        inside = this.scalarOf(x);
        expr = `(i === ${lo} ? ${inside} : 0)`;
      } else {
        const b = this.bufOf(x, g.pre);
        inside = `${b.name}[i - ${lo - b.off}]`;
        expr = `(i >= ${lo} && i < ${lo + xn} ? ${inside} : 0)`;
      }
      g.pads.push({ expr, inside, lo, hi: lo + xn });
      this.defineTmp(g, out, expr);
      this.finishAfterLoop(after, out);
      return;
    }

    // 1-D gathers and scatter-adds along the loop: x[idx[i]] and out[idx[i]] += u[i] (hierarchical models).
    if (prim === "gather" && n > 1 && this.gather1d(e)) return;
    if (prim === "scatterAdd" && this.scatterAdd1d(e)) return;

    // Everything else writes a buffer.
    const { sink, deferred } = this.sinkFor(e);
    const inputs = e.inputs.map((a) => this.bufOf(a, sink));
    const outs = e.outputs.map((o) => {
      return this.newBuffer(o);
    });
    const scratch = (n: number): string => {
      const name = `x${this.scratch++}`;
      this.factory.push(`const ${name} = new Float64Array(${n});`);
      return name;
    };
    sink.push(this.noteRt(emitGeneric(e, inputs, outs, this.usedRt, scratch)));
    if (prim === "cholesky") this.lowerBufs.set(outs[0] as string, out.shape[out.shape.length - 1] as number);
    e.outputs.forEach((o, k) => {
      const name = outs[k] as string;
      if (sizeOf(o.shape) === 1 && !this.outputSlot.has(o.id)) {
        sink.push(`const s${o.id} = ${name}[0];`);
        this.store.set(o.id, { k: "sc", e: `s${o.id}` });
      } else this.store.set(o.id, { k: "buf", name, off: 0 });
      if (deferred) this.group?.deferred.add(o.id);
    });
  }

  private gather1d(e: IREqn): boolean {
    const [x, idx] = e.inputs as [IRAtom, IRAtom];
    if (isLiteral(x) || isLiteral(idx) || e.params.axis !== 0 || x.shape.length !== 1) return false;
    const out = e.outputs[0] as IRVar;
    const n = sizeOf(out.shape);
    const k0 = this.store.get(x.id)?.k;
    if (k0 === "tview" || (k0 === "tmp" && len0(x) === n)) return false;
    const g = this.loopFor(e, n); // closes the loop that produced x, if any
    const xs = this.get(x);
    const len = x.shape[0] as number;
    const q = `q${out.id}`;
    g.body.push(`const ${q} = ${this.readAt(idx)};`);
    const expr =
      xs.k === "buf"
        ? `${xs.name}[${xs.off === 0 ? "" : `${xs.off} + `}(${q} < 0 ? ${q} + ${len} : ${q})]`
        : this.readAt(x);
    this.defineTmp(g, out, expr);
    return true;
  }

  private scatterAdd1d(e: IREqn): boolean {
    const [operand, idx, upd] = e.inputs as [IRAtom, IRAtom, IRAtom];
    if (isLiteral(operand) || isLiteral(idx) || e.params.axis !== 0 || operand.shape.length !== 1)
      return false;
    const n = sizeOf(idx.shape);
    if (n < 2 || (this.isTmp(operand) && len0(operand) === n)) return false;
    const out = e.outputs[0] as IRVar;
    const len = operand.shape[0] as number;
    const g = this.loopFor(e, n);
    const name = this.newBuffer(out);
    const so = this.get(operand);
    if (so.k === "lit" || so.k === "sc" || so.k === "splat") g.init.push(`${name}.fill(${so.e});`);
    else {
      const b = this.bufOf(operand, g.init);
      g.init.push(
        `for (let k = 0; k < ${len}; k++) ${name}[k] = ${b.name}[${b.off === 0 ? "" : `${b.off} + `}k];`,
      );
    }
    g.body.push(`{ const q = ${this.readAt(idx)}; ${name}[q < 0 ? q + ${len} : q] += ${this.readAt(upd)}; }`);
    this.store.set(out.id, { k: "buf", name, off: 0 });
    g.deferred.add(out.id);
    return true;
  }

  defineTmp(g: Group, v: IRVar, expr: string): void {
    g.body.push(`const t${v.id} = ${this.noteRt(expr)};`);
    g.tmps.push(v);
    this.store.set(v.id, { k: "tmp", name: `t${v.id}` });
  }
}

/** What {@link Generator} does at an equation of a pad-sum output instead of generating it. */
type PadSumStep =
  | { kind: "none" }
  | { kind: "piece"; slot: number; x: IRAtom; lo: number; len: number }
  | { kind: "root"; slot: number; root: IRVar; gaps: [number, number][] };

interface PadSumPlan {
  /** By equation index: the pad and add equations of each planned output. */
  skip: Map<number, PadSumStep>;
  /** Pieces written in place: variable id → output array and offset. */
  dest: Map<number, { name: string; off: number }>;
  slots?: number[];
}

/**
 * Finds program outputs of one dimension that are sums of 1-D pads over disjoint ranges — how the
 * gradient of a flat parameter vector is assembled from its sites' slices — each intermediate used once.
 * For those, the pieces are written straight into the caller's output array at their offsets (their
 * producers told through `dest`), the uncovered ranges zeroed, and the pads and additions not generated
 * at all: x + 0 is x exactly, so the result is the same.
 */
function planPadSums(
  p: IRProgram,
  users: ReadonlyMap<number, number[]>,
  outputSlot: ReadonlyMap<number, number>,
  ret: boolean,
): PadSumPlan & { slots: number[] } {
  const plan: PadSumPlan & { slots: number[] } = { skip: new Map(), dest: new Map(), slots: [] };
  const def = new Map<number, number>();
  p.eqns.forEach((e, k) => {
    for (const o of e.outputs) def.set(o.id, k);
  });
  const outCount = new Map<number, number>();
  for (const o of p.outputs) if (!isLiteral(o)) outCount.set(o.id, (outCount.get(o.id) ?? 0) + 1);
  const usedOnce = (v: IRVar): boolean => (users.get(v.id)?.length ?? 0) === 1 && !outCount.has(v.id);
  p.outputs.forEach((o, slot) => {
    if (isLiteral(o) || (ret && slot === 0) || o.shape.length !== 1 || outputSlot.get(o.id) !== slot) return;
    if (outCount.get(o.id) !== 1 || (users.get(o.id)?.length ?? 0) > 0) return;
    if (o.dtype !== "float64" && o.dtype !== "float32") return;
    const pieces: { k: number; x: IRAtom; lo: number; len: number }[] = [];
    const adds: number[] = [];
    const walk = (v: IRVar, top: boolean): boolean => {
      const k = def.get(v.id);
      if (k === undefined || (!top && !usedOnce(v))) return false;
      const e = p.eqns[k] as IREqn;
      if (e.primitive === "add") {
        adds.push(k);
        return e.inputs.every((a) => !isLiteral(a) && sameShapeAs(a, v) && walk(a, false));
      }
      if (e.primitive !== "pad") return false;
      const x = e.inputs[0] as IRAtom;
      const len = isLiteral(x) ? 1 : sizeOf(x.shape);
      if (!isLiteral(x) && x.shape.length > 1) return false;
      if (!isLiteral(x) && x.dtype !== v.dtype) return false;
      pieces.push({ k, x, lo: (e.params as { lo: number[] }).lo[0] as number, len });
      return true;
    };
    if ((p.eqns[def.get(o.id) ?? -1] as IREqn | undefined)?.primitive !== "add") return;
    if (!walk(o, true) || pieces.length < 2) return;
    const n = o.shape[0] as number;
    const sorted = [...pieces].sort((a, b) => a.lo - b.lo);
    const gaps: [number, number][] = [];
    let at = 0;
    for (const q of sorted) {
      if (q.lo < at || q.lo + q.len > n) return;
      if (q.lo > at) gaps.push([at, q.lo]);
      at = q.lo + q.len;
    }
    if (at < n) gaps.push([at, n]);
    // a piece written in place must be written by one producer only: not read from elsewhere before then
    const seen = new Set<number>();
    for (const q of pieces) {
      if (!isLiteral(q.x)) {
        if (seen.has(q.x.id) || p.inputs.some((v) => v.id === (q.x as IRVar).id)) return;
        seen.add(q.x.id);
      }
    }
    plan.slots.push(slot);
    for (const q of pieces) {
      plan.skip.set(q.k, { kind: "piece", slot, x: q.x, lo: q.lo, len: q.len });
      if (!isLiteral(q.x) && q.len > 1 && !outCount.has(q.x.id))
        plan.dest.set(q.x.id, { name: `o${slot}`, off: q.lo });
    }
    for (const k of adds) plan.skip.set(k, { kind: "none" });
    const rootK = def.get(o.id) as number;
    plan.skip.set(rootK, { kind: "root", slot, root: o, gaps });
  });
  return plan;
}

const sameShapeAs = (a: IRVar, b: IRVar): boolean =>
  a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);
