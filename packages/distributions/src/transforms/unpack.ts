import { type Constraint, dependent, realVector } from "../constraints/constraint.js";
import {
  asTensor,
  concatenate,
  PhloxError,
  reshape,
  ShapeError,
  sliceAxis,
  type Tensor,
  type TensorLike,
  zeros,
} from "../internal/ops.js";
import { fmtShape } from "../internal/shape.js";

/** A tree of tensors: a tensor, or arrays and plain objects of trees (NumPyro's pytree). */
export type TensorTree = Tensor | readonly TensorTree[] | { readonly [key: string]: TensorTree };

const isTensor = (v: unknown): v is Tensor =>
  typeof v === "object" && v !== null && "shape" in v && "dataSync" in v;

function leaves(t: TensorTree, out: Tensor[] = []): Tensor[] {
  if (isTensor(t)) out.push(t);
  else if (Array.isArray(t)) for (const v of t) leaves(v, out);
  else for (const v of Object.values(t as Record<string, TensorTree>)) leaves(v, out);
  return out;
}

function rebuild(t: TensorTree, next: () => Tensor): TensorTree {
  if (isTensor(t)) return next();
  if (Array.isArray(t)) return t.map((v) => rebuild(v, next));
  const o: Record<string, TensorTree> = {};
  for (const [k, v] of Object.entries(t as Record<string, TensorTree>)) o[k] = rebuild(v, next);
  return o;
}

/**
 * Splits a flat real vector into a tree of named or listed tensors (NumPyro's `UnpackTransform`), as an
 * autoguide unpacks its latent vector into sites. `forward` applies `unpackFn` to one vector; a batch of
 * vectors `[..., n]` is unpacked row by row and every leaf gets the batch shape in front. `inverse` calls
 * `packFn`. The map only rearranges entries, so log|det J| = 0.
 *
 * Its values are trees, not tensors, so it is not a `Transform` subclass (it cannot sit inside a
 * `ComposeTransform`); it has the same `forward`, `inverse`, `logAbsDetJacobian`, `domain` and `codomain`.
 * @typeParam T - the tree type `unpackFn` returns.
 * @param unpackFn - maps one vector `[n]` to a tree of tensors.
 * @param packFn - maps a tree back to a vector (optional; `inverse` needs it).
 * @example
 * // slice from @phlox/tensor
 * const t = new UnpackTransform((v) => ({ a: slice(v, [0], [1]), b: slice(v, [1], [3]) }));
 * t.forward([1, 2, 3]).b.toArray(); // → [2, 3]
 */
export class UnpackTransform<T extends TensorTree = TensorTree> {
  constructor(
    readonly unpackFn: (x: Tensor) => T,
    readonly packFn?: (y: T) => Tensor,
  ) {}
  /** Real vectors. */
  get domain(): Constraint {
    return realVector;
  }
  /** Trees have no constraint of their own (NumPyro: `dependent`). */
  get codomain(): Constraint {
    return dependent;
  }
  /** The tree of `x`, leaves with `x`'s batch shape in front. */
  forward(x: TensorLike): T {
    const xt = asTensor(x);
    if (xt.shape.length === 0)
      throw new ShapeError(
        "transform-shape",
        "UnpackTransform.forward: needs a vector [..., n], got a scalar.",
      );
    const batch = xt.shape.slice(0, -1);
    if (batch.length === 0) return this.unpackFn(xt);
    const n = xt.shape.at(-1)!;
    const rows = batch.reduce((a, b) => a * b, 1);
    const flat = reshape(xt, [rows, n]);
    const per = Array.from({ length: rows }, (_, r) =>
      this.unpackFn(reshape(sliceAxis(flat, 0, r, r + 1), [n])),
    );
    const template = per[0];
    if (template === undefined) {
      const probe = this.unpackFn(zeros([n]));
      let i = 0;
      const ls = leaves(probe);
      return rebuild(probe, () => zeros([...batch, ...ls[i++]!.shape])) as T;
    }
    const perLeaves = per.map((p) => leaves(p));
    let i = 0;
    return rebuild(template, () => {
      const k = i++;
      const parts = perLeaves.map((l) => {
        const leaf = l[k]!;
        return reshape(leaf, [1, ...leaf.shape]);
      });
      const stacked = parts.length === 1 ? parts[0]! : concatenate(parts, 0);
      return reshape(stacked, [...batch, ...stacked.shape.slice(1)]);
    }) as T;
  }
  /** `packFn(y)`. */
  inverse(y: T): Tensor {
    if (this.packFn === undefined)
      throw new PhloxError(
        "transform-not-invertible",
        "UnpackTransform.inverse: no packFn was given; pass one as the second constructor argument.",
      );
    return this.packFn(y);
  }
  /** Zeros of shape `x.shape[:-1]`. */
  logAbsDetJacobian(x: TensorLike, _y?: T): Tensor {
    const xt = asTensor(x);
    if (xt.shape.length === 0)
      throw new ShapeError(
        "transform-shape",
        `UnpackTransform.logAbsDetJacobian: needs a vector [..., n], got shape ${fmtShape(xt.shape)}.`,
      );
    return zeros(xt.shape.slice(0, -1));
  }
  /** Name used in messages. */
  get name(): string {
    return "UnpackTransform";
  }
}
