/**
 * Elementwise fusion over a jit program: finds groups of elementwise equations (float math, comparisons and
 * `select` on same-size operands, broadcasts of scalars) whose intermediate values are used only inside the
 * group, and replaces each group by one equation that the WebGPU backend runs as one generated WGSL program.
 * Pure IR work: no GPU here.
 */
import type { Atom, DType, Eqn, Program, Var } from "@phlox/tensor";
import { isLiteral } from "@phlox/tensor";

/** One operation of a fused group, in evaluation order; operands index earlier values or the group's inputs. */
export type FusedOperand =
  | { readonly kind: "input"; readonly index: number; readonly scalar: boolean }
  | { readonly kind: "value"; readonly index: number }
  | { readonly kind: "literal"; readonly value: number; readonly dtype: DType }
  /** Row `index` of a matrix–vector product (see {@link FusedGroup.matvecs}), computed once per element. */
  | { readonly kind: "matvec"; readonly index: number };

/** A matrix–vector product read inside a group: row i is Σₖ A[i, k]·b[k] over inputs `a` ([size, inner]) and `b`. */
export interface FusedMatvec {
  readonly a: number;
  readonly b: number;
  readonly inner: number;
}

/** One step of a fused group: `values[k] = op(operands)`. */
export interface FusedStep {
  readonly op: FusableOp;
  readonly operands: readonly FusedOperand[];
  /** True when the value is a boolean (comparisons), false for float32. */
  readonly bool: boolean;
}

/** A fused group: external inputs (program variables), the steps, and the output (the last step's value). */
export interface FusedGroup {
  /** Number of output elements. */
  readonly size: number;
  /** The group's external inputs: `"float"` (float32 on the device) or `"bool"` (stored as i32 0/1). */
  readonly inputKinds: readonly ("float" | "bool")[];
  readonly steps: readonly FusedStep[];
  /** Matrix–vector products the steps read (fusion-reduce.ts's `fuseMatvecs`). */
  readonly matvecs?: readonly FusedMatvec[];
  /** `"sum"`: the group's output is the sum of its values (one scalar; fusion-reduce.ts's `fuseReductions`). */
  readonly reduce?: "sum";
}

/** The primitives that fusion may put into a group. */
export const FUSABLE_OPS = [
  "neg",
  "exp",
  "log",
  "log1p",
  "expm1",
  "sqrt",
  "rsqrt",
  "abs",
  "sign",
  "floor",
  "ceil",
  "tanh",
  "logistic",
  "add",
  "sub",
  "mul",
  "div",
  "maximum",
  "minimum",
  "lt",
  "le",
  "gt",
  "ge",
  "eq",
  "ne",
  "select",
  "broadcastTo",
] as const;
/** A primitive that fusion handles. */
export type FusableOp = (typeof FUSABLE_OPS)[number];

const OPS = new Set<string>(FUSABLE_OPS);
const COMPARISONS = new Set<string>(["lt", "le", "gt", "ge", "eq", "ne"]);
const isFloat = (d: DType): boolean => d === "float32" || d === "float64";
const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Marker key of a fused equation's params (the equation's primitive is `stopGradient`, see fused-kernel.ts). */
export const FUSED = "__phloxFusedGroup";

/** Params of a fused equation. */
export interface FusedParams {
  readonly [FUSED]: FusedGroup;
}

/** Options of {@link fuseProgram}. */
export interface FuseOptions {
  /** Most external inputs of one group (storage buffers per shader stage minus the output). Default 7. */
  readonly maxInputs?: number;
}

/** What {@link fuseProgram} did: the rewritten program and how many equations went into how many groups. */
export interface FusionResult {
  readonly program: Program;
  /** Number of fused equations emitted. */
  readonly groups: number;
  /** Number of original equations they replace. */
  readonly fusedEqns: number;
}

/** Whether eqn `e` may take part in a group (operand dtypes and shapes as the generated WGSL expects). */
export function fusable(e: Eqn): boolean {
  if (!OPS.has(e.primitive) || e.outputs.length !== 1) return false;
  const out = e.outputs[0] as Var;
  if (out.shape.some((s) => s === 0)) return false;
  const n = sizeOf(out.shape);
  const floatIn = (a: Atom): boolean =>
    isFloat(a.dtype) && (isLiteral(a) || sizeOf(a.shape) === n || e.primitive === "broadcastTo");
  if (e.primitive === "broadcastTo") {
    const a = e.inputs[0] as Atom;
    return (
      isFloat(out.dtype) && floatIn(a) && (isLiteral(a) || sizeOf(a.shape) === 1 || sizeOf(a.shape) === n)
    );
  }
  if (COMPARISONS.has(e.primitive)) return out.dtype === "bool" && e.inputs.every(floatIn);
  if (e.primitive === "select") {
    const [c, x, y] = e.inputs as [Atom, Atom, Atom];
    const condOk = c.dtype === "bool" && (isLiteral(c) || sizeOf(c.shape) === n);
    return isFloat(out.dtype) && condOk && floatIn(x) && floatIn(y);
  }
  return isFloat(out.dtype) && e.inputs.every(floatIn);
}

/**
 * Rewrites `program` so that each group of fusable elementwise equations becomes one equation (primitive
 * `stopGradient`, params {@link FusedParams}) whose inputs are the group's external variables and whose
 * output is the group's one materialised value. A value stays materialised (computed by its own kernel or as
 * a group output) when a non-fused equation, a program output or a different-size consumer reads it; values
 * used only inside groups are recomputed in each group that reads them (cheap elementwise math, no extra
 * memory traffic). Groups of one equation are left alone.
 * @param program - a simplified jit program.
 * @param options - `maxInputs` (default 7).
 * @returns the rewritten program and counts.
 * @example
 * const { program: fused, groups } = fuseProgram(jit(f).lower(x).program);
 */
export function fuseProgram(program: Program, options: FuseOptions = {}): FusionResult {
  const maxInputs = options.maxInputs ?? 7;
  const eqns = program.eqns;
  const producer = new Map<number, number>();
  eqns.forEach((e, k) => {
    for (const o of e.outputs) producer.set(o.id, k);
  });
  const canFuse = eqns.map(fusable);
  const outSize = (k: number): number => sizeOf((eqns[k] as Eqn).outputs[0]?.shape ?? []);
  // Does consumer c absorb producer p's value (same group possible)?
  const fusedEdge = (p: number, c: number): boolean =>
    canFuse[p] === true && canFuse[c] === true && outSize(p) === outSize(c);

  const materialized = new Set<number>(); // eqn indices whose value is a real buffer
  const programOut = new Set(program.outputs.flatMap((o) => (isLiteral(o) ? [] : [o.id])));
  eqns.forEach((e, k) => {
    if (!canFuse[k]) return;
    if (programOut.has((e.outputs[0] as Var).id)) materialized.add(k);
  });
  eqns.forEach((e, c) => {
    for (const a of e.inputs) {
      if (isLiteral(a)) continue;
      const p = producer.get(a.id);
      if (p !== undefined && canFuse[p] && !fusedEdge(p, c)) materialized.add(p);
    }
  });

  // Fixpoint: build groups from the materialised fusable equations; kept (unfused) ones need their inputs.
  type Group = { root: number; members: number[]; inputs: Var[] };
  let groups: Group[] = [];
  let kept = new Set<number>();
  for (;;) {
    groups = [];
    kept = new Set();
    let changed = false;
    for (const r of [...materialized].sort((a, b) => a - b)) {
      const re = eqns[r] as Eqn;
      const members = new Set<number>([r]);
      const inputs = new Map<number, Var>();
      const visit = (k: number): void => {
        for (const a of (eqns[k] as Eqn).inputs) {
          if (isLiteral(a)) continue;
          const p = producer.get(a.id);
          if (p !== undefined && fusedEdge(p, k) && !materialized.has(p)) {
            if (!members.has(p)) {
              members.add(p);
              visit(p);
            }
          } else inputs.set(a.id, a);
        }
      };
      visit(r);
      const boolRoot = (re.outputs[0] as Var).dtype === "bool";
      if (boolRoot || members.size < 2 || inputs.size > maxInputs) {
        // Runs as its own kernel: every value it reads must exist.
        kept.add(r);
        for (const a of re.inputs) {
          if (isLiteral(a)) continue;
          const p = producer.get(a.id);
          if (p !== undefined && canFuse[p] && !materialized.has(p)) {
            materialized.add(p);
            changed = true;
          }
        }
        continue;
      }
      groups.push({ root: r, members: [...members].sort((a, b) => a - b), inputs: [...inputs.values()] });
    }
    if (!changed) break;
  }

  const replaced = new Map<number, Eqn>();
  for (const g of groups) replaced.set(g.root, fusedEqn(eqns, g.members, g.inputs, producer));
  // Keep non-fusable equations, kept ones and fused replacements; drop members (recomputed inside groups).
  const out: Eqn[] = [];
  eqns.forEach((e, k) => {
    const f = replaced.get(k);
    if (f !== undefined) out.push(f);
    else if (!canFuse[k] || kept.has(k)) out.push(e);
  });
  const rewritten = { ...program, eqns: eliminateDead(out, program.outputs) };
  // Fail safe: a program that reads an undefined value would be a planner bug; run the original instead.
  if (groups.length === 0 || !wellFormed(rewritten)) return { program, groups: 0, fusedEqns: 0 };
  return {
    program: rewritten,
    groups: groups.length,
    fusedEqns: groups.reduce((s, g) => s + g.members.length, 0),
  };
}

/** Every variable an equation or the program reads is an input, a constant or an earlier output. */
export function wellFormed(p: Program): boolean {
  const defined = new Set([...p.inputs.map((v) => v.id), ...p.constants.map((c) => c.v.id)]);
  for (const e of p.eqns) {
    for (const a of e.inputs) if (!isLiteral(a) && !defined.has(a.id)) return false;
    for (const o of e.outputs) defined.add(o.id);
  }
  return p.outputs.every((o) => isLiteral(o) || defined.has(o.id));
}

/** Drops equations none of whose outputs is read (members absorbed by every group that reads them). */
export function eliminateDead(eqns: Eqn[], outputs: readonly Atom[]): Eqn[] {
  const live = new Set(outputs.flatMap((o) => (isLiteral(o) ? [] : [o.id])));
  const keep: boolean[] = new Array(eqns.length).fill(false);
  for (let k = eqns.length - 1; k >= 0; k--) {
    const e = eqns[k] as Eqn;
    if (!e.outputs.some((o) => live.has(o.id))) continue;
    keep[k] = true;
    for (const a of e.inputs) if (!isLiteral(a)) live.add(a.id);
  }
  return eqns.filter((_, k) => keep[k]);
}

/** The fused equation of a group: steps in program order, operands resolved to inputs, values or literals. */
export function fusedEqn(
  eqns: readonly Eqn[],
  members: number[],
  inputs: Var[],
  producer: Map<number, number>,
): Eqn {
  const root = eqns[members[members.length - 1] as number] as Eqn;
  const out = root.outputs[0] as Var;
  const n = sizeOf(out.shape);
  const inputIndex = new Map(inputs.map((v, i) => [v.id, i]));
  const valueIndex = new Map<number, number>(); // eqn index → step index
  const steps: FusedStep[] = members.map((k, s) => {
    valueIndex.set(k, s);
    const e = eqns[k] as Eqn;
    const operands = e.inputs.map((a): FusedOperand => {
      if (isLiteral(a)) return { kind: "literal", value: a.literal, dtype: a.dtype };
      const i = inputIndex.get(a.id);
      if (i !== undefined) return { kind: "input", index: i, scalar: sizeOf(a.shape) === 1 && n !== 1 };
      return { kind: "value", index: valueIndex.get(producer.get(a.id) as number) as number };
    });
    return { op: e.primitive as FusableOp, operands, bool: (e.outputs[0] as Var).dtype === "bool" };
  });
  const group: FusedGroup = {
    size: n,
    inputKinds: inputs.map((v) => (v.dtype === "bool" ? "bool" : "float")),
    steps,
  };
  const params: FusedParams = { [FUSED]: group };
  return { primitive: "stopGradient", inputs: [...inputs], params: params as never, outputs: [out] };
}

/** The group of a fused equation's params, or null for an ordinary `stopGradient`. */
export function fusedGroupOf(params: unknown): FusedGroup | null {
  return typeof params === "object" && params !== null && FUSED in params
    ? (params as FusedParams)[FUSED]
    : null;
}
