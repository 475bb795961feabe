/**
 * Reverse mode of `scan` by partial evaluation of the body's joint program (forward and backward of one
 * step, staged together): equations that depend only on the consts are recomputed where needed, equations
 * of the primal step run in the forward scan, which also stores the values the backward part reads
 * (residuals, stacked along time), and the backward part becomes the body of a reverse scan over those
 * residuals. With `checkpoint`, only the carries are stored and each backward step recomputes its forward
 * step (memory O(T · carry) instead of O(T · residuals)).
 */
import { isFloat } from "../core/dtype.js";
import { type Atom, type Eqn, isLiteral, type Program, type Var } from "../core/ir.js";
import type { Aval, ScanParams } from "../core/primitive.js";
import type { Tensor } from "../core/tensor.js";
import { eliminateDeadCode } from "../jit/simplify.js";
import { add } from "../primitives/add.js";
import { evalProgram, outAval, traceBody, vjpFlat } from "./body.js";

/** The pieces the scan VJP needs, derived once per body. */
export interface ScanVjpParts {
  /** Forward body: the original outputs, then the residuals of one step. */
  fwdBody: Program;
  /** Avals of the per-step residuals (stacked to `[length, ...]` by the forward scan). */
  residualAvals: Aval[];
  /** Indices (into the xs) of the xs slices the backward body reads directly. */
  xsUsed: number[];
  /** Indices of float consts, carries, xs and outputs (those with cotangents). */
  floatConsts: number[];
  floatCarry: number[];
  floatXs: number[];
  floatYs: number[];
  /**
   * Backward body. Inputs: consts; carry: cotangents of the float carries, then accumulated cotangents of
   * the float consts; xs: residuals, the used xs slices, cotangents of the float ys. Outputs: new carry, then
   * the cotangents of the float xs slices.
   */
  bwdBody: Program;
}

const cache = new WeakMap<Program, Map<boolean, ScanVjpParts>>();

/** The VJP parts of a scan body (cached per body program and checkpoint flag). */
export function scanVjpParts(p: ScanParams): ScanVjpParts {
  let m = cache.get(p.body);
  if (m === undefined) {
    m = new Map();
    cache.set(p.body, m);
  }
  let parts = m.get(p.checkpoint);
  if (parts === undefined) {
    parts = buildParts(p);
    m.set(p.checkpoint, parts);
  }
  return parts;
}

const indicesWhere = <T>(xs: readonly T[], pred: (x: T) => boolean): number[] =>
  xs.flatMap((x, i) => (pred(x) ? [i] : []));

function buildParts(p: ScanParams): ScanVjpParts {
  const { body, numConsts: nc, numCarry: nh } = p;
  const ins = body.inputs;
  const nx = ins.length - nc - nh;
  const outAvals = body.outputs.map(outAval);
  const ny = outAvals.length - nh;
  const floatConsts = indicesWhere(ins.slice(0, nc), (v) => isFloat(v.dtype));
  const floatCarry = indicesWhere(ins.slice(nc, nc + nh), (v) => isFloat(v.dtype));
  const floatXs = indicesWhere(ins.slice(nc + nh), (v) => isFloat(v.dtype));
  const floatYs = indicesWhere(outAvals.slice(nh), (a) => isFloat(a.dtype));
  const nIn = nc + nh + nx;

  // Joint program: (consts, carry, x, ct carry', ct y) → (carry', y, ct consts, ct carry, ct x).
  const jointAvals: Aval[] = [
    ...ins,
    ...floatCarry.map((i) => outAvals[i] as Aval),
    ...floatYs.map((j) => outAvals[nh + j] as Aval),
  ];
  const joint = traceBody(`${p.name} (reverse mode)`, jointAvals, (t) => {
    const primals = t.slice(0, nIn);
    const ctIn = t.slice(nIn);
    const { outs, grads } = vjpFlat(
      (xs) => evalProgram(body, xs),
      primals,
      () => {
        const cts: (Tensor | null)[] = outAvals.map(() => null);
        floatCarry.forEach((i, k) => {
          cts[i] = ctIn[k] as Tensor;
        });
        floatYs.forEach((j, k) => {
          cts[nh + j] = ctIn[floatCarry.length + k] as Tensor;
        });
        return cts;
      },
    );
    return [...outs, ...grads.filter((g): g is Tensor => g !== null)];
  }).program;

  // Classify: 0 = depends only on consts (recomputed wherever needed), 1 = primal step, 2 = backward.
  const cls = new Map<number, number>();
  joint.inputs.forEach((v, i) => {
    cls.set(v.id, i < nc ? 0 : i < nIn ? 1 : 2);
  });
  const classOf = (a: Atom): number => (isLiteral(a) ? 0 : (cls.get(a.id) ?? 0));
  const eqnClass = new Map<Eqn, number>();
  for (const e of joint.eqns) {
    let c = 0;
    for (const a of e.inputs) c = Math.max(c, classOf(a));
    eqnClass.set(e, c);
    for (const o of e.outputs) cls.set(o.id, c);
  }
  const primalOuts = joint.outputs.slice(0, nh + ny);
  const gradOuts = joint.outputs.slice(nh + ny);

  // Residuals: primal-class values the backward part reads (xs slices are read from xs directly).
  const xInputIds = new Map<number, number>();
  ins.slice(nc + nh).forEach((_, j) => {
    xInputIds.set((joint.inputs[nc + nh + j] as Var).id, j);
  });
  const residuals: Var[] = [];
  const xsUsedSet = new Set<number>();
  const seen = new Set<number>();
  // With checkpoint the backward scan recomputes the primal step: only the step's inputs are stored.
  const inputIds = new Set(joint.inputs.map((v) => v.id));
  const need = (a: Atom): void => {
    if (isLiteral(a) || classOf(a) !== 1 || seen.has(a.id)) return;
    if (p.checkpoint && !inputIds.has(a.id)) return;
    seen.add(a.id);
    const xj = xInputIds.get(a.id);
    if (xj !== undefined) xsUsedSet.add(xj);
    else residuals.push(a);
  };
  // Backward equations: the const-only ones and the backward ones, restricted to what the gradients need.
  const bwdEqnsAll = p.checkpoint ? joint.eqns : joint.eqns.filter((e) => (eqnClass.get(e) as number) !== 1);
  const bwdLive = eliminateDeadCode({
    inputs: joint.inputs,
    constants: [],
    eqns: bwdEqnsAll,
    outputs: gradOuts,
  });
  for (const e of bwdLive.eqns) for (const a of e.inputs) need(a);
  for (const a of gradOuts) need(a);
  const xsUsed = [...xsUsedSet].sort((a, b) => a - b);

  const fwdBody = eliminateDeadCode({
    inputs: joint.inputs.slice(0, nIn),
    constants: [],
    eqns: joint.eqns.filter((e) => (eqnClass.get(e) as number) <= 1),
    outputs: [...primalOuts, ...residuals],
  });

  // The backward part as a raw program over (consts, residuals, used xs, cts) → (ct consts, ct carry, ct xs).
  const ctVars = joint.inputs.slice(nIn);
  const bwdRaw: Program = {
    inputs: [
      ...joint.inputs.slice(0, nc),
      ...residuals,
      ...xsUsed.map((j) => joint.inputs[nc + nh + j] as Var),
      ...ctVars,
    ],
    constants: [],
    eqns: bwdLive.eqns,
    outputs: gradOuts,
  };
  const nfc = floatConsts.length;
  const nfh = floatCarry.length;
  const nfy = floatYs.length;
  const nr = residuals.length;
  const bwdAvals: Aval[] = [
    ...ins.slice(0, nc),
    ...ctVars.slice(0, nfh),
    ...floatConsts.map((i) => ins[i] as Aval),
    ...residuals,
    ...xsUsed.map((j) => ins[nc + nh + j] as Aval),
    ...ctVars.slice(nfh),
  ];
  const bwdBody = traceBody(
    `${p.name} (reverse mode)`,
    bwdAvals,
    (t) => {
      const consts = t.slice(0, nc);
      const ctH = t.slice(nc, nc + nfh);
      const acc = t.slice(nc + nfh, nc + nfh + nfc);
      const rest = t.slice(nc + nfh + nfc);
      const r = rest.slice(0, nr);
      const xu = rest.slice(nr, nr + xsUsed.length);
      const ctY = rest.slice(nr + xsUsed.length, nr + xsUsed.length + nfy);
      const g = evalProgram(bwdRaw, [...consts, ...r, ...xu, ...ctH, ...ctY]);
      const gc = g.slice(0, nfc);
      const gh = g.slice(nfc, nfc + nfh);
      const gx = g.slice(nfc + nfh);
      return [...gh, ...acc.map((a, k) => add(a, gc[k] as Tensor)), ...gx];
    },
    [...ctVars.slice(0, nfh).map((v) => v.dtype), ...floatConsts.map((i) => (ins[i] as Var).dtype)],
  ).program;
  return {
    fwdBody,
    residualAvals: residuals.map((v) => ({ shape: v.shape, dtype: v.dtype })),
    xsUsed,
    floatConsts,
    floatCarry,
    floatXs,
    floatYs,
    bwdBody,
  };
}
