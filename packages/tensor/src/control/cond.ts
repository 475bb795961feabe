/**
 * `cond` and `switchCase`: choose one of several traced branches by a (possibly traced) predicate or index
 * (JAX's `lax.cond` and `lax.switch`). Only the chosen branch runs.
 */
import { isFloat } from "../core/dtype.js";
import { DtypeError, PhloxError } from "../core/errors.js";
import type { Program, Var } from "../core/ir.js";
import { type Aval, type CondParams, defineMultiPrimitive, type MultiPrimitive } from "../core/primitive.js";
import { treeFlatten, treeUnflatten } from "../core/pytree.js";
import type { Tensor, TensorLike } from "../core/tensor.js";
import { toTensor } from "../core/tensor.js";
import { bindMulti } from "../core/trace.js";
import { zerosLike } from "../internal/elementwise.js";
import { cast } from "../primitives/cast.js";
import { eq } from "../primitives/eq.js";
import { le } from "../primitives/le.js";
import { where } from "../primitives/select.js";
import { evalProgram, outAval, showAval, tensorTree, traceBody, vjpFlat } from "./body.js";
import { treeText } from "./scan.js";

const bwdCache = new WeakMap<Program[], { branches: Program[]; floatOps: number[] }>();

/** Backward branches: (operands, output cotangents) → cotangents of the float operands, per branch. */
function condBackward(p: CondParams): { branches: Program[]; floatOps: number[] } {
  let hit = bwdCache.get(p.branches);
  if (hit !== undefined) return hit;
  const b0 = p.branches[0] as Program;
  const ops = b0.inputs;
  const outs = b0.outputs.map(outAval);
  const floatOps = ops.flatMap((v, i) => (isFloat(v.dtype) ? [i] : []));
  const floatOuts = outs.flatMap((a, i) => (isFloat(a.dtype) ? [i] : []));
  const avals: Aval[] = [...ops, ...floatOuts.map((i) => outs[i] as Aval)];
  const branches = p.branches.map(
    (br) =>
      traceBody(`${p.name} (reverse mode)`, avals, (t) => {
        const primals = t.slice(0, ops.length);
        const cts = t.slice(ops.length);
        const { grads } = vjpFlat(
          (xs) => evalProgram(br, xs),
          primals,
          () => outs.map((_, i) => (floatOuts.includes(i) ? (cts[floatOuts.indexOf(i)] as Tensor) : null)),
        );
        return grads.filter((g): g is Tensor => g !== null);
      }).program,
  );
  hit = { branches, floatOps };
  bwdCache.set(p.branches, hit);
  return hit;
}

/**
 * Whether a tensor's backend reads values back synchronously. Asynchronous backends (WebGPU) either have no
 * `readSync` or say `syncRead: false` (the tfjs adapter's flag): `item()` would throw there.
 */
function readsBackSync(t: Tensor): boolean {
  const b = t.backend as { readSync?: unknown; syncRead?: boolean } | undefined;
  return b === undefined || (b.readSync !== undefined && b.syncRead !== false);
}

/**
 * `cond` without reading the index back: every branch runs on the device and each output is chosen with
 * `where` (index ≤ 0 → branch 0, index = j → branch j, else the last), as JAX does for a batched predicate.
 */
function selectOnDevice(index: Tensor, branches: readonly Program[], ops: readonly Tensor[]): Tensor[] {
  const outs = branches.map((br) => evalProgram(br, ops));
  const n = branches.length;
  let r = outs[n - 1] as Tensor[];
  for (let j = n - 2; j >= 0; j--) {
    const mask = j === 0 ? le(index, 0) : eq(index, j);
    const oj = outs[j] as Tensor[];
    r = r.map((x, k) => where(mask, oj[k] as Tensor, x));
  }
  return r;
}

/** The `cond` primitive: inputs index (int32 scalar), operands; outputs the chosen branch's results. */
export const condP: MultiPrimitive<"cond"> = /* @__PURE__ */ defineMultiPrimitive("cond", {
  avals: (_inputs, p) => (p.branches[0] as Program).outputs.map(outAval),
  impl(inputs, p) {
    const n = p.branches.length;
    const index = inputs[0] as Tensor;
    if (!readsBackSync(index)) return selectOnDevice(index, p.branches, inputs.slice(1));
    const i = Math.min(Math.max(Math.trunc(index.item()), 0), n - 1);
    return evalProgram(p.branches[i] as Program, inputs.slice(1));
  },
  vjp(cts, primals, _outs, _res, p) {
    const { branches, floatOps } = condBackward(p);
    const outs = (p.branches[0] as Program).outputs.map(outAval);
    const ctIn = outs.flatMap((a, i) => (isFloat(a.dtype) ? [cts[i] ?? zerosLike(a)] : []));
    const gs = bindMulti(condP, [...primals, ...ctIn], { branches, name: `${p.name} (reverse mode)` });
    const grads: (Tensor | null)[] = primals.map(() => null);
    floatOps.forEach((i, k) => {
      grads[i + 1] = gs[k] as Tensor;
    });
    return grads;
  },
});

/**
 * Applies `branches[index](...operands)`, clamping `index` into range (JAX's `lax.switch`). Every branch is
 * traced (so all must return the same structure, shapes and dtypes); only the chosen one runs. Gradients
 * flow through the chosen branch.
 * @param index - an integer scalar (tensor or JS number), possibly traced.
 * @param branches - functions of the operands.
 * @param operands - pytrees passed to the branch.
 * @throws PhloxError (`cond-branches`) when branches return different structures, shapes or dtypes.
 * @example
 * switchCase(1, [(x: Tensor) => x.neg(), (x: Tensor) => x.mul(10)], tensor(2)).item(); // → 20
 */
export function switchCase<R>(
  index: TensorLike,
  branches: readonly ((...operands: never[]) => R)[],
  ...operands: unknown[]
): R {
  return condImpl("switchCase", toTensor(index), branches, operands);
}

/**
 * Applies `trueFn(...operands)` when `pred` is true, else `falseFn(...operands)` (JAX's `lax.cond`): a
 * branch on a traced value that stays one program. Both branches are traced and must return the same
 * structure, shapes and dtypes; only the chosen one runs.
 * @param pred - a boolean (or numeric: non-zero is true) scalar, possibly traced.
 * @throws PhloxError (`cond-branches`) when the branches' results differ in structure, shape or dtype.
 * @example
 * cond(tensor(true), (x: Tensor) => x.add(1), (x: Tensor) => x.sub(1), tensor(5)).item(); // → 6
 */
export function cond<R>(
  pred: TensorLike,
  trueFn: (...operands: never[]) => R,
  falseFn: (...operands: never[]) => R,
  ...operands: unknown[]
): R {
  const p = toTensor(pred);
  if (p.size !== 1)
    throw new DtypeError("cond-pred", `cond: pred must be a scalar, got shape [${p.shape.join(", ")}].`);
  const b = p.dtype === "bool" ? p : p.ne(0);
  return condImpl("cond", b, [falseFn, trueFn], operands);
}

function condImpl<R>(
  name: string,
  index: Tensor,
  branches: readonly ((...operands: never[]) => R)[],
  operands: unknown[],
): R {
  if (branches.length === 0) throw new PhloxError("cond-branches", `${name}: needs at least one branch.`);
  const idx = cast(index.reshape([]), "int32");
  const opTree = treeFlatten(tensorTree(operands));
  const avals: Aval[] = opTree.leaves.map((l) => ({ shape: l.shape, dtype: l.dtype }));
  const traced = branches.map((fn, i) => {
    let outText = "";
    let outDef = treeFlatten(null).treedef;
    const tb = traceBody(`${name} branch ${i}`, avals, (t) => {
      const args = treeUnflatten(opTree.treedef, t) as unknown[];
      const out = treeFlatten(tensorTree((fn as (...a: unknown[]) => R)(...args)));
      outText = treeText(out.treedef);
      outDef = out.treedef;
      return out.leaves;
    });
    return { ...tb, outText, outDef };
  });
  const first = traced[0] as (typeof traced)[number];
  traced.forEach((t, i) => {
    const a = t.program.outputs.map(outAval);
    const b = first.program.outputs.map(outAval);
    const same = t.outText === first.outText && a.every((x, k) => showAval(x) === showAval(b[k] as Aval));
    if (!same)
      throw new PhloxError(
        "cond-branches",
        `${name}: branch ${i} returns ${t.outText} (${a.map(showAval).join(", ")}) but branch 0 returns ` +
          `${first.outText} (${b.map(showAval).join(", ")}); every branch must return the same structure, shapes and dtypes.`,
      );
  });
  // One operand list: the union of what the branches close over, then the operands.
  const captured: Tensor[] = [];
  for (const t of traced) for (const c of t.captured) if (!captured.includes(c)) captured.push(c);
  const programs = traced.map((t) => {
    const own = new Map(t.captured.map((c, k) => [c, t.program.inputs[k] as Var]));
    let next =
      Math.max(
        -1,
        ...t.program.inputs.map((v) => v.id),
        ...t.program.eqns.flatMap((e) => e.outputs.map((o) => o.id)),
      ) + 1;
    const capVars = captured.map((c) => own.get(c) ?? { id: next++, shape: [...c.shape], dtype: c.dtype });
    return { ...t.program, inputs: [...capVars, ...t.program.inputs.slice(t.captured.length)] };
  });
  const outs = bindMulti(condP, [idx, ...captured, ...opTree.leaves], { branches: programs, name });
  return treeUnflatten(first.outDef, outs) as R;
}
