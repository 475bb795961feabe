/**
 * `whileLoop` and `foriLoop` (JAX's `lax.while_loop` and `lax.fori_loop`). A while loop's trip count is
 * data-dependent, so as in JAX it is differentiable in forward mode only; `foriLoop` with JS-number bounds
 * is a `scan` and differentiates both ways.
 */
import { jsBackend } from "../core/backend.js";
import { isFloat } from "../core/dtype.js";
import { DtypeError, MissingRuleError } from "../core/errors.js";
import type { Program } from "../core/ir.js";
import { type Aval, defineMultiPrimitive, type WhileLoopParams } from "../core/primitive.js";
import { treeFlatten, treeUnflatten } from "../core/pytree.js";
import { fromArray, type Tensor, type TensorLike, toTensor } from "../core/tensor.js";
import { bindMulti } from "../core/trace.js";
import { interpretMulti } from "../jit/interpret.js";
import { cast } from "../primitives/cast.js";
import { evalProgram, outAval, tensorTree, traceBody } from "./body.js";
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
export const whileLoopP = defineMultiPrimitive("whileLoop", {
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
    while ((evalProgram(p.cond, [...cc, ...carry])[0] as Tensor).item() !== 0)
      carry = evalProgram(p.body, [...bc, ...carry]);
    return carry;
  },
  vjpForward(_primals, p) {
    throw reverseModeError(p.name);
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
