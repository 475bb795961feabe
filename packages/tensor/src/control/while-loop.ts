/**
 * `whileLoop` and `foriLoop` (JAX's `lax.while_loop` and `lax.fori_loop`). A while loop's trip count is
 * data-dependent, so as in JAX it is differentiable in forward mode only; `foriLoop` with JS-number bounds
 * is a `scan` and differentiates both ways.
 */

import { jvpFlat } from "../autodiff/forward.js";
import { jsBackend } from "../core/backend.js";
import { isFloat } from "../core/dtype.js";
import { DtypeError, MissingRuleError, PhloxError } from "../core/errors.js";
import type { Program } from "../core/ir.js";
import {
  type Aval,
  defineMultiPrimitive,
  type MultiPrimitive,
  type WhileLoopParams,
} from "../core/primitive.js";
import { treeFlatten, treeUnflatten } from "../core/pytree.js";
import { fromArray, type Tensor, type TensorLike, toTensor } from "../core/tensor.js";
import { bindMulti } from "../core/trace.js";
import { zerosLike } from "../internal/elementwise.js";
import { interpretMulti } from "../jit/interpret.js";
import { cast } from "../primitives/cast.js";
import { evalProgram, insertInputs, outAval, tensorTree, traceBody } from "./body.js";
import { compileEqn } from "./compile-eqn.js";
import { checkCarry, scan } from "./scan.js";

const reverseModeError = (name: string): MissingRuleError =>
  new MissingRuleError(
    "while-loop-reverse",
    `${name}: reverse-mode differentiation (grad, vjp) of a while loop is not supported, as in JAX: its trip ` +
      "count is only known at run time, so there is nothing to store residuals against. Use foriLoop with " +
      "JS-number bounds or scan (both differentiate in reverse mode), or forward mode (jvp).",
  );

/** The `whileLoop` primitive: inputs cond consts, body consts, carry; outputs the final carry. */
export const whileLoopP: MultiPrimitive<"whileLoop"> = /* @__PURE__ */ defineMultiPrimitive("whileLoop", {
  avals: (_inputs, p) => p.body.outputs.map(outAval),
  impl(inputs, p) {
    if (inputs.every((x) => x.backend === jsBackend)) {
      const compiled = compileEqn("whileLoop", inputs, p, p.body.outputs.map(outAval));
      if (compiled !== null) return compiled;
      return interpretMulti("whileLoop", inputs, p).map((a) => fromArray(a.data, a.shape, a.dtype));
    }
    const cc = inputs.slice(0, p.numCondConsts);
    const bc = inputs.slice(p.numCondConsts, p.numCondConsts + p.numBodyConsts);
    let carry = inputs.slice(p.numCondConsts + p.numBodyConsts);
    const be = (carry[0] ?? inputs[0])?.backend as
      | { readSync?: unknown; syncRead?: boolean; name?: string }
      | undefined;
    if (be !== undefined && (be.readSync === undefined || be.syncRead === false))
      throw new PhloxError(
        "while-loop-async-backend",
        `${p.name}: a whileLoop must read its condition back after every step, and backend "${be.name}" reads ` +
          "values back only asynchronously (WebGPU). Use foriLoop with JS-number bounds or scan (a fixed trip " +
          "count, no read-back), or run this part on the js backend.",
      );
    while ((evalProgram(p.cond, [...cc, ...carry])[0] as Tensor).item() !== 0)
      carry = evalProgram(p.body, [...bc, ...carry]);
    return carry;
  },
  vjpForward(_primals, p) {
    throw reverseModeError(p.name);
  },
  jvp(primals, tangents, p) {
    const ncc = p.numCondConsts;
    const nbc = p.numBodyConsts;
    const cc = primals.slice(0, ncc);
    const bc = primals.slice(ncc, ncc + nbc);
    const h = primals.slice(ncc + nbc);
    const bcT = tangents.slice(ncc, ncc + nbc);
    const hT = tangents.slice(ncc + nbc);
    const nh = h.length;
    const fc = bc.flatMap((x, i) => (isFloat(x.dtype) && bcT[i] !== null ? [i] : []));
    const fh = h.flatMap((x, i) => (isFloat(x.dtype) ? [i] : []));
    const av = (x: Tensor): Aval => ({ shape: x.shape, dtype: x.dtype });
    const avals: Aval[] = [
      ...bc.map(av),
      ...fc.map((i) => av(bc[i] as Tensor)),
      ...h.map(av),
      ...fh.map((i) => av(h[i] as Tensor)),
    ];
    const body = traceBody(
      `${p.name} (forward mode)`,
      avals,
      (t) => {
        const bcs = t.slice(0, nbc);
        const bct = t.slice(nbc, nbc + fc.length);
        const hs = t.slice(nbc + fc.length, nbc + fc.length + nh);
        const ht = t.slice(nbc + fc.length + nh);
        const tin = [
          ...bcs.map((_, i) => (fc.includes(i) ? (bct[fc.indexOf(i)] as Tensor) : null)),
          ...hs.map((_, i) => (fh.includes(i) ? (ht[fh.indexOf(i)] as Tensor) : null)),
        ];
        const r = jvpFlat((xs) => evalProgram(p.body, xs), [...bcs, ...hs], tin);
        return [...r.outs, ...fh.map((i) => r.tangents[i] ?? zerosLike(r.outs[i] as Tensor))];
      },
      [...h.map((x) => x.dtype), ...fh.map((i) => (h[i] as Tensor).dtype)],
    ).program;
    const cond = insertInputs(
      p.cond,
      p.cond.inputs.length,
      fh.map((i) => av(h[i] as Tensor)),
    );
    const outs = bindMulti(
      whileLoopP,
      [
        ...cc,
        ...bc,
        ...fc.map((i) => bcT[i] as Tensor),
        ...h,
        ...fh.map((i) => hT[i] ?? zerosLike(h[i] as Tensor)),
      ],
      { cond, body, numCondConsts: ncc, numBodyConsts: nbc + fc.length, name: p.name },
    );
    return {
      outs: outs.slice(0, nh),
      tangents: h.map((_, i) => (fh.includes(i) ? (outs[nh + fh.indexOf(i)] as Tensor) : null)),
    };
  },
  vjp(_cts, _primals, _outs, _res, p) {
    throw reverseModeError(p.name);
  },
});

/**
 * Runs `body` while `condFn` holds (JAX's `lax.while_loop`): `while (condFn(carry)) carry = body(carry)`,
 * traced once into two programs so that it compiles to one JavaScript `while` loop. Forward-mode
 * differentiable (jvp); reverse mode throws, as in JAX.
 * @param condFn - carry → a boolean scalar.
 * @param body - carry → new carry with the same structure, shapes and dtypes.
 * @param init - the initial carry (a pytree).
 * @throws DtypeError (`while-cond`) when `condFn` does not return a boolean scalar; carry errors as in
 *   {@link scan}.
 * @example
 * whileLoop((i: Tensor) => i.lt(10), (i: Tensor) => i.mul(2), tensor(1)).item(); // → 16
 */
export function whileLoop<C>(condFn: (carry: C) => TensorLike, body: (carry: C) => C, init: C): C {
  const name = "whileLoop";
  const initTree = treeFlatten(tensorTree(init));
  const avals: Aval[] = initTree.leaves.map((l) => ({ shape: l.shape, dtype: l.dtype }));
  const unflat = (t: Tensor[]): C => treeUnflatten(initTree.treedef, t) as C;
  const c = traceBody(`${name} cond`, avals, (t) => [toTensor(condFn(unflat(t)))]);
  const out = outAval(c.program.outputs[0] as Program["outputs"][number]);
  if (out.dtype !== "bool" || out.shape.length !== 0)
    throw new DtypeError(
      "while-cond",
      `${name}: condFn must return a boolean scalar, got ${out.dtype}[${out.shape.join(", ")}]; compare, e.g. i.lt(n).`,
    );
  const b = traceBody(
    `${name} body`,
    avals,
    (t) => {
      const o = treeFlatten(tensorTree(body(unflat(t))));
      checkCarry(
        name,
        { leaves: avals, treedef: initTree.treedef },
        {
          leaves: o.leaves.map((l, i) =>
            l._weak && l.shape.length === 0 && isFloat(l.dtype) && avals[i] !== undefined
              ? { shape: [], dtype: (avals[i] as Aval).dtype }
              : l,
          ),
          treedef: o.treedef,
        },
      );
      return o.leaves;
    },
    avals.map((a) => a.dtype),
  );
  const params: WhileLoopParams = {
    cond: c.program,
    body: b.program,
    numCondConsts: c.captured.length,
    numBodyConsts: b.captured.length,
    name,
  };
  const outs = bindMulti(whileLoopP, [...c.captured, ...b.captured, ...initTree.leaves], params);
  return unflat(outs);
}

/**
 * `for (let i = lower; i < upper; i++) val = body(i, val)` (JAX's `lax.fori_loop`); `i` is an int32 scalar
 * tensor. With JS-number bounds it is a {@link scan} of `upper − lower` steps (differentiable in both modes);
 * with tensor bounds a {@link whileLoop} (forward mode only).
 * @example
 * foriLoop(0, 4, (i: Tensor, acc: Tensor) => acc.add(i), tensor(0)).item(); // → 6
 */
export function foriLoop<C>(
  lower: number | Tensor,
  upper: number | Tensor,
  body: (i: Tensor, val: C) => C,
  init: C,
): C {
  if (typeof lower === "number" && typeof upper === "number") {
    const [[, v]] = scan(
      ([i, val]: [Tensor, C]) => [[i.add(1), body(i, val)], null] as [[Tensor, C], null],
      [toTensor(lower).cast("int32"), init] as [Tensor, C],
      null,
      { length: Math.max(0, upper - lower), name: "foriLoop" },
    );
    return v;
  }
  const hi = cast(toTensor(upper), "int32");
  const [, v] = whileLoop(
    ([i]: [Tensor, C]) => i.lt(hi),
    ([i, val]: [Tensor, C]) => [i.add(1), body(i, val)] as [Tensor, C],
    [cast(toTensor(lower), "int32"), init] as [Tensor, C],
  );
  return v;
}
