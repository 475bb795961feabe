import { isFloat } from "../core/dtype.js";
import { DtypeError, ShapeError } from "../core/errors.js";
import { type TreeDef, treeFlatten, treeUnflatten } from "../core/pytree.js";
import { sizeOf } from "../core/shape.js";
import { Tensor, tensor, toTensor } from "../core/tensor.js";
import { zerosLike } from "../internal/elementwise.js";
import { stack } from "../ops/shape-ops.js";
import { cast } from "../primitives/cast.js";
import { reshape } from "../primitives/reshape.js";
import { jvpFlat } from "./forward.js";
import { endTape, primalOf, startTape, type TapeTrace } from "./tape.js";

/** Which positional arguments to differentiate: one index or several. */
export type Argnums = number | readonly number[];

/** A function from pytrees of tensors to a pytree of tensors. */
// biome-ignore lint/suspicious/noExplicitAny: user functions take arbitrary pytrees.
export type TreeFn = (...args: any[]) => unknown;

interface Linearized {
  tape: TapeTrace;
  outLeaves: Tensor[];
  outTree: TreeDef;
  inLeaves: Tensor[][];
  inTrees: TreeDef[];
  argnums: number[];
}

function toLeaf(x: Tensor, where: string): Tensor {
  if (!isFloat(x.dtype))
    throw new DtypeError(
      "grad-int-input",
      `${where}: can only differentiate with respect to float tensors, got ${x.dtype}. Cast the argument to float64.`,
    );
  return x;
}

function linearize(f: TreeFn, args: readonly unknown[], argnums: number[], where: string): Linearized {
  const tape = startTape();
  try {
    const newArgs = args.slice();
    const inLeaves: Tensor[][] = [];
    const inTrees: TreeDef[] = [];
    for (const i of argnums) {
      if (i >= args.length)
        throw new ShapeError("bad-argnums", `${where}: argnums ${i} but only ${args.length} arguments.`);
      const a = typeof args[i] === "number" ? tensor(args[i] as number) : args[i];
      const { leaves, treedef } = treeFlatten(a);
      const tracers = leaves.map((l) => tape.leaf(toLeaf(l, where)));
      inLeaves.push(tracers);
      inTrees.push(treedef);
      newArgs[i] = treeUnflatten(treedef, tracers);
    }
    const out = f(...newArgs);
    const { leaves, treedef } = treeFlatten(typeof out === "number" ? toTensor(out) : out);
    return { tape, outLeaves: leaves, outTree: treedef, inLeaves, inTrees, argnums };
  } finally {
    endTape(tape);
  }
}

function pull(lin: Linearized, cts: readonly (Tensor | null)[]): unknown[] {
  const flat = lin.inLeaves.flat();
  const gs = lin.tape.backward(lin.outLeaves, cts, flat);
  let k = 0;
  return lin.inLeaves.map((leaves, j) => {
    const g = leaves.map((l) => {
      const c = gs[k++];
      const p = l._primal!;
      return c === null ? zerosLike(p) : c;
    });
    return treeUnflatten(lin.inTrees[j], g);
  });
}

/**
 * The type of the gradient with respect to an argument of type `T`: a `Tensor` for a tensor or a JS number,
 * and the same structure of tensors for an array or object of them (a pytree).
 */
export type GradOf<T> = T extends Tensor | number
  ? Tensor
  : T extends readonly unknown[]
    ? { -readonly [K in keyof T]: GradOf<T[K]> }
    : T extends object
      ? { -readonly [K in keyof T]: GradOf<T[K]> }
      : unknown;

/** The arguments of a differentiated function: where it takes a `Tensor`, a JS number also does (promoted). */
export type GradArgs<A extends readonly unknown[]> = {
  [K in keyof A]: A[K] extends Tensor ? A[K] | number : A[K];
};

/** A scalar function of pytrees, as {@link valueAndGrad} and {@link grad} take it. */
export type ScalarFn<A extends unknown[]> = (...args: A) => Tensor | number;

const normArgnums = (a: Argnums | undefined): number[] =>
  a === undefined ? [0] : typeof a === "number" ? [a] : [...a];

/**
 * Value and gradient of a scalar function: `valueAndGrad(f, argnums)(...args)` returns `[f(...args), grads]`,
 * where `grads` has the structure of `args[argnums]` (an array of such when `argnums` is an array). Arguments
 * are pytrees (tensors, arrays and objects of tensors); JS numbers promote. Works eagerly (the function may
 * branch on values) and under `makeProgram`/`jit` (forward and backward land in one program).
 * @throws ShapeError when `f` does not return a scalar; DtypeError for non-float arguments.
 * @example
 * const [v, g] = valueAndGrad((x: Tensor) => x.square().sum())(tensor([1, 2]));
 * g.toArray(); // → [2, 4]
 */
export function valueAndGrad<A extends unknown[]>(
  f: ScalarFn<A>,
): (...args: GradArgs<A>) => [Tensor, GradOf<A[0]>];
/** {@link valueAndGrad} with respect to argument `argnums`: the gradient has that argument's structure. */
export function valueAndGrad<A extends unknown[], const N extends number>(
  f: ScalarFn<A>,
  argnums: N,
): (...args: GradArgs<A>) => [Tensor, GradOf<A[N]>];
/** {@link valueAndGrad} with respect to several arguments: a tuple of gradients, one per entry of `argnums`. */
export function valueAndGrad<A extends unknown[], const N extends readonly number[]>(
  f: ScalarFn<A>,
  argnums: N,
): (...args: GradArgs<A>) => [Tensor, { -readonly [K in keyof N]: GradOf<A[N[K] & number]> }];
/** {@link valueAndGrad} of a function of untyped pytrees. */
export function valueAndGrad(f: TreeFn, argnums?: Argnums): (...args: unknown[]) => [Tensor, unknown];
export function valueAndGrad(f: TreeFn, argnums?: Argnums): (...args: unknown[]) => [Tensor, unknown] {
  const nums = normArgnums(argnums);
  return (...args) => {
    const lin = linearize(f, args, nums, "valueAndGrad");
    if (lin.outLeaves.length !== 1 || lin.outLeaves[0].shape.length !== 0)
      throw new ShapeError(
        "grad-non-scalar",
        `valueAndGrad: f must return a scalar tensor, got ${lin.outLeaves.map((l) => `[${l.shape.join(", ")}]`).join(", ") || "no tensor"}. Sum it, or use vjp for vector outputs.`,
      );
    const out = lin.outLeaves[0];
    const value = primalOf(out, lin.tape);
    const ct = out._trace === lin.tape ? toTensor(1).cast(out.dtype) : null;
    const grads = pull(lin, [ct]);
    return [value, typeof argnums === "object" ? grads : grads[0]];
  };
}

/**
 * Gradient of a scalar function with respect to `args[argnums]` (default 0); see {@link valueAndGrad}.
 * @example
 * grad((x: Tensor) => x.mul(x))(3).item(); // → 6
 */
export function grad<A extends unknown[]>(f: ScalarFn<A>): (...args: GradArgs<A>) => GradOf<A[0]>;
/** {@link grad} with respect to argument `argnums`: the gradient has that argument's structure. */
export function grad<A extends unknown[], const N extends number>(
  f: ScalarFn<A>,
  argnums: N,
): (...args: GradArgs<A>) => GradOf<A[N]>;
/** {@link grad} with respect to several arguments: a tuple of gradients, one per entry of `argnums`. */
export function grad<A extends unknown[], const N extends readonly number[]>(
  f: ScalarFn<A>,
  argnums: N,
): (...args: GradArgs<A>) => { -readonly [K in keyof N]: GradOf<A[N[K] & number]> };
/** {@link grad} of a function of untyped pytrees. */
export function grad(f: TreeFn, argnums?: Argnums): (...args: unknown[]) => unknown;
export function grad(f: TreeFn, argnums?: Argnums): (...args: unknown[]) => unknown {
  const vg = valueAndGrad(f, argnums);
  return (...args) => vg(...args)[1];
}

/**
 * Reverse-mode vector–Jacobian product: returns `[f(...primals), pullback]`, where `pullback(ct)` takes a
 * cotangent with the structure of the output and returns one cotangent pytree per primal. The pullback may be
 * called many times.
 * @example
 * const [y, back] = vjp((x: Tensor) => x.mul(3), tensor([1, 2]));
 * (back(tensor([1, 1]))[0] as Tensor).toArray(); // → [3, 3]
 */
export function vjp(f: TreeFn, ...primals: unknown[]): [unknown, (ct: unknown) => unknown[]] {
  const lin = linearize(
    f,
    primals,
    primals.map((_, i) => i),
    "vjp",
  );
  const outs = lin.outLeaves.map((l) => primalOf(l, lin.tape));
  const back = (ct: unknown): unknown[] => {
    const { leaves } = treeFlatten(
      ct instanceof Tensor || typeof ct === "object" ? ct : toTensor(ct as number),
    );
    if (leaves.length !== outs.length)
      throw new ShapeError(
        "vjp-cotangent",
        `vjp: cotangent has ${leaves.length} leaves, the output has ${outs.length}.`,
      );
    return pull(
      lin,
      leaves.map((c, i) => (c.dtype === outs[i].dtype ? c : cast(c, outs[i].dtype))),
    );
  };
  return [treeUnflatten(lin.outTree, outs), back];
}

/**
 * Forward-mode Jacobian–vector product for a function of tensors with one tensor output: returns
 * `[f(...primals), J·tangents]`, computed in forward mode (each primitive's tangent from its transposed VJP
 * rule), so it also differentiates `whileLoop`, which has no reverse mode.
 * @example
 * jvp((x: Tensor) => x.square(), [tensor([3])], [tensor([1])])[1].toArray(); // → [6]
 */
export function jvp(f: TreeFn, primals: readonly Tensor[], tangents: readonly Tensor[]): [Tensor, Tensor] {
  let y: unknown;
  const r = jvpFlat(
    (xs) => {
      y = f(...xs);
      const out = typeof y === "number" ? toTensor(y) : y;
      if (!(out instanceof Tensor)) throw new ShapeError("jvp-output", "jvp: f must return a single tensor.");
      return [out];
    },
    primals.map((p) => (typeof p === "number" ? tensor(p) : p)),
    tangents.map((t, i) =>
      t.dtype === (primals[i] as Tensor).dtype ? t : cast(t, (primals[i] as Tensor).dtype),
    ),
  );
  const out = r.outs[0] as Tensor;
  return [out, r.tangents[0] ?? zerosLike(out)];
}

/**
 * Jacobian by reverse mode: for a single-tensor function `f(x)` with `x` of shape S and output of shape T,
 * returns the `[...T, ...S]` Jacobian (one backward pass per output element).
 * @example
 * jacrev((x: Tensor) => x.square())(tensor([1, 2])).toArray(); // → [[2, 0], [0, 4]]
 */
export function jacrev(f: (x: Tensor) => Tensor): (x: unknown) => Tensor {
  return (x) => {
    const xt = typeof x === "number" ? tensor(x) : (x as Tensor);
    const [y, back] = vjp(f, xt);
    const yt = y as Tensor;
    const m = sizeOf(yt.shape);
    const rows: Tensor[] = [];
    for (let i = 0; i < m; i++) {
      const e = new Float64Array(m);
      e[i] = 1;
      rows.push(back(tensor(e, { shape: yt.shape }).cast(yt.dtype))[0] as Tensor);
    }
    if (m === 0) return reshape(zerosLike({ shape: [0], dtype: xt.dtype }), [...yt.shape, ...xt.shape]);
    return reshape(stack(rows), [...yt.shape, ...xt.shape]);
  };
}

/**
 * Hessian of a scalar function of one tensor: `[...S, ...S]` for `x` of shape S (reverse over reverse). Extra
 * arguments are passed through unchanged.
 * @example
 * hessian((x: Tensor) => x.pow(3).sum())(tensor([1, 2])).toArray(); // → [[6, 0], [0, 12]]
 */
export function hessian(f: TreeFn): (x: unknown, ...rest: unknown[]) => Tensor {
  return (x, ...rest) => jacrev((y: Tensor) => grad(f)(y, ...rest) as Tensor)(x);
}
