/**
 * Fusion beyond elementwise chains, on a program already rewritten by `fuseProgram`:
 * - `fuseMatvecs`: a fused group that reads a matrix–vector product `A·b` (A [n, d], b [d] or [d, 1], the
 *   product reshaped to [n]) reads A and b instead and computes each row's dot product in the group's own
 *   shader, so the product is never written to device memory (and the matmul kernel disappears when nothing
 *   else reads it);
 * - `fuseReductions`: a full `reduceSum` whose operand is a fused group (or one elementwise equation) read by
 *   nothing else becomes that group with `reduce: "sum"`: one workgroup-reduction shader that evaluates the
 *   chain and sums it, instead of a chain kernel, a buffer and a reduction kernel.
 * Pure IR work: no GPU here.
 */
import type { Atom, Eqn, Program, Var } from "@phlox/tensor";
import { isLiteral } from "@phlox/tensor";
import {
  eliminateDead,
  FUSED,
  type FusedGroup,
  type FusedMatvec,
  type FusedOperand,
  type FusedParams,
  fusable,
  fusedEqn,
  fusedGroupOf,
  wellFormed,
} from "./fusion.js";

const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
const isFloat = (a: Atom): boolean => a.dtype === "float32" || a.dtype === "float64";

/** Options of {@link fuseMatvecs}. */
export interface FuseMatvecOptions {
  /** Most external inputs of one group after the rewrite. Default 7. */
  readonly maxInputs?: number;
  /** Longest dot product computed inside a shader (the inner dimension d). Default 4096. */
  readonly maxInner?: number;
}

/** What a fusion pass did: the rewritten program and how many rewrites it made. */
export interface FusionPassResult {
  readonly program: Program;
  readonly rewrites: number;
}

/** The matrix–vector product `v` is, if any: A [n, d] · b ([d] or [d, 1]), possibly reshaped from [n, 1] to [n]. */
function matvecOf(
  v: Var,
  producer: ReadonlyMap<number, Eqn>,
  maxInner: number,
): { a: Var; b: Var; inner: number } | null {
  let e = producer.get(v.id);
  if (e === undefined) return null;
  const n = sizeOf(v.shape);
  if (e.primitive === "reshape") {
    const src = e.inputs[0] as Atom;
    if (isLiteral(src) || src.shape.length !== 2 || src.shape[0] !== n || src.shape[1] !== 1) return null;
    e = producer.get(src.id);
    if (e === undefined) return null;
  }
  if (e.primitive !== "matmul" || e.inputs.length !== 2) return null;
  const [a, b] = e.inputs as [Atom, Atom];
  if (isLiteral(a) || isLiteral(b) || !isFloat(a) || !isFloat(b)) return null;
  if (a.shape.length !== 2 || a.shape[0] !== n) return null;
  const d = a.shape[1] as number;
  const bOk =
    (b.shape.length === 1 && b.shape[0] === d) ||
    (b.shape.length === 2 && b.shape[0] === d && b.shape[1] === 1);
  if (!bOk || d < 1 || d > maxInner) return null;
  return { a, b, inner: d };
}

/**
 * Moves matrix–vector products into the fused groups that read them (see the file comment).
 * @param program - a program rewritten by `fuseProgram`.
 * @param options - `maxInputs` (7), `maxInner` (4096).
 * @returns the rewritten program (the original when nothing applies) and the number of products moved.
 * @example
 * const { program } = fuseMatvecs(fuseProgram(jit(f).lower(w, x, y).program).program);
 */
export function fuseMatvecs(program: Program, options: FuseMatvecOptions = {}): FusionPassResult {
  const maxInputs = options.maxInputs ?? 7;
  const maxInner = options.maxInner ?? 4096;
  const producer = new Map<number, Eqn>();
  for (const e of program.eqns) for (const o of e.outputs) producer.set(o.id, e);
  let rewrites = 0;
  const eqns = program.eqns.map((e): Eqn => {
    const g = fusedGroupOf(e.params);
    if (g === null || g.matvecs !== undefined) return e;
    const inputs: Var[] = [];
    const kinds: ("float" | "bool")[] = [];
    const indexOf = (v: Var, kind: "float" | "bool"): number => {
      const k = inputs.findIndex((u) => u.id === v.id);
      if (k >= 0) return k;
      inputs.push(v);
      kinds.push(kind);
      return inputs.length - 1;
    };
    const matvecs: FusedMatvec[] = [];
    const remap = new Map<number, FusedOperand>();
    (e.inputs as Var[]).forEach((v, i) => {
      const mv = sizeOf(v.shape) === g.size ? matvecOf(v, producer, maxInner) : null;
      if (mv !== null) {
        remap.set(i, { kind: "matvec", index: matvecs.length });
        matvecs.push({ a: indexOf(mv.a, "float"), b: indexOf(mv.b, "float"), inner: mv.inner });
      }
    });
    if (matvecs.length === 0) return e;
    (e.inputs as Var[]).forEach((v, i) => {
      if (!remap.has(i))
        remap.set(i, { kind: "input", index: indexOf(v, g.inputKinds[i] ?? "float"), scalar: false });
    });
    if (inputs.length > maxInputs) return e;
    const steps = g.steps.map((s) => ({
      ...s,
      operands: s.operands.map((o): FusedOperand => {
        if (o.kind !== "input") return o;
        const r = remap.get(o.index) as FusedOperand;
        return r.kind === "input" ? { ...r, scalar: o.scalar } : r;
      }),
    }));
    rewrites += matvecs.length;
    const group: FusedGroup = { ...g, inputKinds: kinds, steps, matvecs };
    const params: FusedParams = { [FUSED]: group };
    return { ...e, inputs, params: params as never };
  });
  return finish(program, eqns, rewrites);
}

/**
 * Turns full sums of fused groups (or of one elementwise equation) into reducing groups (see the file comment).
 * @param program - a program rewritten by `fuseProgram` (and optionally {@link fuseMatvecs}).
 * @returns the rewritten program (the original when nothing applies) and the number of sums fused.
 * @example
 * const { program } = fuseReductions(fuseProgram(jit(f).lower(x).program).program);
 */
export function fuseReductions(program: Program): FusionPassResult {
  const index = new Map<number, number>();
  program.eqns.forEach((e, k) => {
    for (const o of e.outputs) index.set(o.id, k);
  });
  const readers = new Map<number, number>();
  for (const e of program.eqns)
    for (const a of e.inputs) if (!isLiteral(a)) readers.set(a.id, (readers.get(a.id) ?? 0) + 1);
  for (const o of program.outputs) if (!isLiteral(o)) readers.set(o.id, (readers.get(o.id) ?? 0) + 1);
  const eqns: (Eqn | null)[] = [...program.eqns];
  let rewrites = 0;
  program.eqns.forEach((r, k) => {
    if (r.primitive !== "reduceSum" || r.outputs.length !== 1) return;
    const out = r.outputs[0] as Var;
    const src = r.inputs[0] as Atom;
    if (isLiteral(src) || sizeOf(out.shape) !== 1 || !isFloat(out) || sizeOf(src.shape) < 2) return;
    if (readers.get(src.id) !== 1) return;
    const p = index.get(src.id);
    if (p === undefined) return;
    const pe = eqns[p];
    if (pe === null || pe === undefined) return;
    let g = fusedGroupOf(pe.params);
    let inputs = pe.inputs as Var[];
    if (g === null) {
      // One elementwise equation: a group of one step.
      if (!fusable(pe) || pe.primitive === "broadcastTo") return;
      const vars = new Map<number, Var>();
      for (const a of pe.inputs) if (!isLiteral(a)) vars.set(a.id, a);
      const one = fusedEqn([pe], [0], [...vars.values()], new Map());
      g = fusedGroupOf(one.params);
      inputs = one.inputs as Var[];
      if (g === null || g.steps.some((s) => s.bool)) return;
    }
    if (g.reduce !== undefined) return;
    const group: FusedGroup = { ...g, reduce: "sum" };
    const params: FusedParams = { [FUSED]: group };
    eqns[p] = { primitive: "stopGradient", inputs, params: params as never, outputs: [out] };
    eqns[k] = null;
    rewrites++;
  });
  return finish(
    program,
    eqns.filter((e): e is Eqn => e !== null),
    rewrites,
  );
}

function finish(program: Program, eqns: Eqn[], rewrites: number): FusionPassResult {
  if (rewrites === 0) return { program, rewrites: 0 };
  const rewritten = { ...program, eqns: eliminateDead(eqns, program.outputs) };
  // Fail safe, as in fuseProgram: a malformed rewrite runs the input program instead.
  return wellFormed(rewritten) ? { program: rewritten, rewrites } : { program, rewrites: 0 };
}
