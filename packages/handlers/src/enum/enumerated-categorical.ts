import { Categorical, type Constraint, Distribution } from "@phlox/distributions";
import * as T from "@phlox/tensor";
import type { Key, Tensor, TensorLike } from "../internal/ops.js";

/**
 * @internal A `Categorical` site the enumeration handler gave its whole support as value (`[K, 1, …, 1]`
 * along dimension `dim`). Its log density at that value is the normalised log-probability table itself
 * with the category axis moved to `dim` — no one-hot mask and no per-value selection, which matters inside
 * a loop body that runs every step. Any other value is scored by the Categorical.
 */
export class EnumeratedCategorical extends Distribution {
  constructor(
    readonly base: Categorical,
    readonly value: Tensor,
    readonly dim: number,
  ) {
    super(base.batchShape, [], { validateArgs: false });
  }

  override get support(): Constraint {
    return this.base.support;
  }

  override get hasEnumerateSupport(): boolean {
    return true;
  }

  override enumerateSupport(expand = true): Tensor {
    return this.base.enumerateSupport(expand);
  }

  override sample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return this.base.sample(key, sampleShape);
  }

  override logProb(value: TensorLike): Tensor {
    if (value !== this.value) return this.base.logProb(value);
    const batch = this.base.batchShape;
    const k = this.base.numCategories;
    const r = Math.max(batch.length, -this.dim);
    let lp = this.base.logits;
    if (r > batch.length) lp = T.reshape(lp, [...new Array<number>(r - batch.length).fill(1), ...batch, k]);
    const at = r + this.dim;
    const perm = Array.from({ length: r }, (_, j) => (j === at ? r : j));
    perm.push(at);
    return T.reshape(T.transpose(lp, perm), [...lp.shape.slice(0, at), k, ...lp.shape.slice(at + 1, r)]);
  }
}

/** @internal The distribution to record for an enumerated site: the fast Categorical, or `fn` itself. */
export function enumeratedFn(fn: Distribution, value: Tensor, dim: number): Distribution {
  return fn instanceof Categorical ? new EnumeratedCategorical(fn, value, dim) : fn;
}
