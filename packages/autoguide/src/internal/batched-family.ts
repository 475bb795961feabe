/**
 * A batch of independent copies of one family (NumPyro's `AutoBatchedMixin`): the flat latent vector of
 * length B·E is read as a row-major [B, E] array (NumPyro's `ReshapeTransform((D,), batch + (E,))`) and
 * batch row b is drawn from its own copy of the inner family over E coordinates.
 *
 * The inner family's parameter vector is cut into named segments (for the MVN: loc, the scale_tril block;
 * for the low-rank MVN: loc, cov_factor, scale). The batched vector holds each segment for all batches
 * together — segment k of batch b at `segOffset[k] + b·size[k]` — so every named parameter is one
 * contiguous block of shape `[...batchShape, ...segmentShape]`.
 */
import type { ParticleMode } from "@phlox/vi";
import type { LatentFamily } from "./family.js";

/** The batched family. */
export class BatchedFamily implements LatentFamily {
  readonly dim: number;
  readonly numParams: number;
  readonly noiseDim: number;
  /** Offset of each segment's block in the batched parameter vector. */
  readonly segmentOffsets: number[];
  private readonly us: Float64Array[];
  private readonly gs: Float64Array[];

  /**
   * @param inner - one family per batch row (each over E coordinates; distinct instances, as families keep
   *   scratch state between `forward` and `backward`).
   * @param segments - sizes of the inner parameter vector's consecutive segments (summing to its length).
   */
  constructor(
    readonly inner: readonly LatentFamily[],
    readonly segments: readonly number[],
  ) {
    const B = inner.length;
    const E = inner[0].dim;
    this.dim = B * E;
    this.numParams = B * inner[0].numParams;
    this.noiseDim = B * inner[0].noiseDim;
    this.segmentOffsets = [];
    let off = 0;
    for (const s of segments) {
      this.segmentOffsets.push(off);
      off += B * s;
    }
    this.us = inner.map((f) => new Float64Array(f.numParams));
    this.gs = inner.map((f) => new Float64Array(f.numParams));
  }

  /** Batch b's inner parameter vector, gathered from the batched one. */
  private gather(u: Float64Array, b: number): Float64Array {
    const ub = this.us[b];
    let o = 0;
    for (let k = 0; k < this.segments.length; k++) {
      const s = this.segments[k];
      const from = this.segmentOffsets[k] + b * s;
      ub.set(u.subarray(from, from + s), o);
      o += s;
    }
    return ub;
  }

  private scatter(src: Float64Array, b: number, u: Float64Array): void {
    let o = 0;
    for (let k = 0; k < this.segments.length; k++) {
      const s = this.segments[k];
      u.set(src.subarray(o, o + s), this.segmentOffsets[k] + b * s);
      o += s;
    }
  }

  init(z0: Float64Array, u: Float64Array): void {
    const E = this.inner[0].dim;
    for (let b = 0; b < this.inner.length; b++) {
      this.inner[b].init(z0.subarray(b * E, (b + 1) * E), this.us[b]);
      this.scatter(this.us[b], b, u);
    }
  }

  forward(u: Float64Array, eps: Float64Array, z: Float64Array, mode: ParticleMode): number {
    const E = this.inner[0].dim;
    const nd = this.inner[0].noiseDim;
    let lq = 0;
    for (let b = 0; b < this.inner.length; b++) {
      lq += this.inner[b].forward(
        this.gather(u, b),
        eps.subarray(b * nd, (b + 1) * nd),
        z.subarray(b * E, (b + 1) * E),
        mode,
      );
    }
    return lq;
  }

  backward(
    _u: Float64Array,
    eps: Float64Array,
    gz: Float64Array,
    grad: Float64Array,
    mode: ParticleMode,
  ): void {
    const E = this.inner[0].dim;
    const nd = this.inner[0].noiseDim;
    for (let b = 0; b < this.inner.length; b++) {
      // `forward` left batch b's gathered parameters in this.us[b]
      this.inner[b].backward(
        this.us[b],
        eps.subarray(b * nd, (b + 1) * nd),
        gz.subarray(b * E, (b + 1) * E),
        this.gs[b],
        mode,
      );
      this.scatter(this.gs[b], b, grad);
    }
  }

  median(u: Float64Array, z: Float64Array): void {
    const E = this.inner[0].dim;
    for (let b = 0; b < this.inner.length; b++)
      this.inner[b].median(this.gather(u, b), z.subarray(b * E, (b + 1) * E));
  }

  quantile(u: Float64Array, q: number, z: Float64Array): void {
    const E = this.inner[0].dim;
    for (let b = 0; b < this.inner.length; b++)
      this.inner[b].quantile(this.gather(u, b), q, z.subarray(b * E, (b + 1) * E));
  }
}
