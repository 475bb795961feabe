import { ConstraintError, PhloxError, ShapeError } from "@phlox/tensor";
import { AutoContinuous } from "./auto-continuous.js";
import type { AutoGuideOptions, LatentSite } from "./auto-guide-types.js";
import { BatchedFamily } from "./internal/batched-family.js";
import { type LatentFamily, LowRankFamily, MvnFamily, type ParamSpec } from "./internal/family.js";

/** Options of {@link AutoBatchedMultivariateNormal}. */
export interface AutoBatchedOptions extends AutoGuideOptions {
  /**
   * Number of leading batch dimensions shared by every latent site (default 1, NumPyro's `batch_ndim`): the
   * guide holds one independent multivariate Normal per batch element.
   */
  batchNdim?: number;
}

/** Options of {@link AutoBatchedLowRankMultivariateNormal}. */
export interface AutoBatchedLowRankOptions extends AutoBatchedOptions {
  /** Rank of each batch element's covariance factor (default round(√E), E the event size). */
  rank?: number;
}

const prod = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

/**
 * The batch shape shared by the latent sites (NumPyro's `AutoBatchedMixin._setup_prototype`): the first
 * `batchNdim` dimensions of every site's constrained value, which must be equal across sites, and the
 * event size E = D / B of the flat latent vector read as [B, E].
 */
function batchShapeOf(
  who: string,
  layout: readonly LatentSite[],
  dim: number,
  batchNdim: number,
): { batchShape: number[]; eventSize: number } {
  let batchShape: number[] | null = null;
  for (const l of layout) {
    const shape = l.constrainedShape ?? l.shape;
    const eventDim = l.eventDim ?? 0;
    if (shape.length < batchNdim + eventDim) {
      throw new ShapeError(
        "autoguide-batch-ndim",
        `${who}: expected ${batchNdim} batch dimensions, but site "${l.name}" only has shape [${shape.join(", ")}] ` +
          `(event dimensions: ${eventDim}); lower batchNdim or put the site in a plate.`,
      );
    }
    const bs = shape.slice(0, batchNdim);
    if (batchShape === null) batchShape = bs;
    else if (bs.length !== batchShape.length || bs.some((v, i) => v !== (batchShape as number[])[i])) {
      throw new ShapeError(
        "autoguide-batch-shape",
        `${who}: encountered inconsistent batch shapes: site "${l.name}" has batch shape [${bs.join(", ")}], ` +
          `an earlier site [${batchShape.join(", ")}]; every latent site must share its first ${batchNdim} dimension(s).`,
      );
    }
  }
  const bs = batchShape ?? [];
  const B = prod(bs);
  if (B === 0 || dim % B !== 0) {
    throw new ShapeError(
      "autoguide-batch-size",
      `${who}: incompatible batch shape [${bs.join(", ")}] (size ${B}) and latent dimension ${dim}.`,
    );
  }
  return { batchShape: bs, eventSize: dim / B };
}

function checkBatchNdim(who: string, n: number | undefined): number {
  const v = n ?? 1;
  if (!Number.isInteger(v) || v < 0) {
    throw new ConstraintError(
      "autoguide-batch-ndim",
      `${who}: batchNdim must be a non-negative integer, got ${n}.`,
    );
  }
  return v;
}

/** Shared part of the batched guides: finds the batch shape from the layout before the family is made. */
abstract class AutoBatched extends AutoContinuous {
  readonly batchNdim: number;
  protected batch: { batchShape: number[]; eventSize: number } | null = null;
  private pendingLayout: readonly LatentSite[] = [];

  constructor(model: unknown, options: AutoBatchedOptions) {
    super(model, options);
    this.batchNdim = checkBatchNdim(new.target.name, options.batchNdim);
  }

  /** The batch shape found at `setup` (NumPyro's `_batch_shape`). */
  get batchShape(): readonly number[] {
    return [...this.requireBatch().batchShape];
  }

  /** The event size E of each batch element (NumPyro's `_event_shape[0]`). */
  get eventSize(): number {
    return this.requireBatch().eventSize;
  }

  private requireBatch(): { batchShape: number[]; eventSize: number } {
    this.requireBound("batchShape");
    return this.batch as { batchShape: number[]; eventSize: number };
  }

  protected override blockLayout(layout: readonly LatentSite[]): void {
    this.pendingLayout = layout;
  }

  override blockFor(
    dim: number,
    layout: readonly LatentSite[],
  ): { family: LatentFamily; specs: ParamSpec[] } {
    this.pendingLayout = layout;
    return super.blockFor(dim, layout);
  }

  protected makeFamily(dim: number): LatentFamily {
    const b = batchShapeOf(this.constructor.name, this.pendingLayout, dim, this.batchNdim);
    this.batch = b;
    return this.makeBatchedFamily(prod(b.batchShape), b.eventSize);
  }

  protected abstract makeBatchedFamily(B: number, E: number): BatchedFamily;

  protected currentBatch(): { batchShape: number[]; eventSize: number } {
    if (this.batch === null) {
      throw new PhloxError(
        "autoguide-not-setup",
        `${this.constructor.name}: the batch shape is not known yet.`,
      );
    }
    return this.batch;
  }
}

/**
 * Independent full-rank multivariate Normals, one per batch element, over the flat unconstrained latent
 * vector read as `[...batchShape, E]` (NumPyro's `AutoBatchedMultivariateNormal`): for models whose latent
 * sites all sit in the same plate(s), it captures the correlations inside each batch element but none
 * across them, with B·E² instead of (B·E)² scale parameters. Parameters `<prefix>_loc`
 * `[...batchShape, E]` and `<prefix>_scale_tril` `[...batchShape, E, E]` (lower triangular, positive
 * diagonal, `scaled_unit_lower_cholesky`; initially `initScale`·I). The batch shape is the first
 * `batchNdim` dimensions of every latent site, which must agree.
 * @example
 * // x: [3, 4] (a 4-dimensional MVN in a plate of 3)
 * const guide = new AutoBatchedMultivariateNormal(model, { batchNdim: 1 });
 * const { params } = new SVI(model, guide, new Adam(0.01), new TraceELBO()).run(key(0), 2000);
 * params.auto_scale_tril.shape; // → [3, 4, 4]
 */
export class AutoBatchedMultivariateNormal extends AutoBatched {
  /**
   * @param model - a model function or a `PotentialModel` (whose layout then sets the batch shape).
   * @param options - `prefix`, `initLocFn`, `initScale`, `batchNdim` (default 1).
   * @throws ConstraintError (a PhloxError) for a bad `initScale` or `batchNdim`.
   */
  constructor(model: unknown, options: AutoBatchedOptions = {}) {
    super(model, options);
  }
  protected makeBatchedFamily(B: number, E: number): BatchedFamily {
    const inner = Array.from({ length: B }, () => new MvnFamily(E, this.initScale));
    return new BatchedFamily(inner, [E, (E * (E - 1)) / 2 + E]);
  }
  protected paramSpecs(family: LatentFamily): ParamSpec[] {
    const { batchShape, eventSize: E } = this.currentBatch();
    const f = family as BatchedFamily;
    const B = f.inner.length;
    return [
      { name: `${this.prefix}_loc`, shape: [...batchShape, E], offset: 0, size: B * E, constraint: "real" },
      {
        name: `${this.prefix}_scale_tril`,
        shape: [...batchShape, E, E],
        offset: f.segmentOffsets[1],
        size: B * ((E * (E - 1)) / 2 + E),
        constraint: "scaled_unit_lower_cholesky",
      },
    ];
  }
}

/**
 * Independent low-rank-plus-diagonal multivariate Normals, one per batch element (NumPyro's
 * `AutoBatchedLowRankMultivariateNormal`): batch element b has covariance diag(s_b)(V_b V_bᵀ + I)diag(s_b).
 * Parameters `<prefix>_loc` `[...batchShape, E]`, `<prefix>_cov_factor` `[...batchShape, E, rank]`
 * (initially 0) and `<prefix>_scale` `[...batchShape, E]` (positive, softplus; initially `initScale`).
 * @example
 * const guide = new AutoBatchedLowRankMultivariateNormal(model, { rank: 2 });
 */
export class AutoBatchedLowRankMultivariateNormal extends AutoBatched {
  readonly rank: number | undefined;
  /**
   * @param model - a model function or a `PotentialModel`.
   * @param options - `prefix`, `initLocFn`, `initScale`, `batchNdim` (default 1), `rank` (default round(√E)).
   * @throws ConstraintError (a PhloxError) for a bad `initScale`, `batchNdim` or `rank`.
   */
  constructor(model: unknown, options: AutoBatchedLowRankOptions = {}) {
    super(model, options);
    if (options.rank !== undefined && (!Number.isInteger(options.rank) || options.rank < 1)) {
      throw new ConstraintError(
        "autoguide-rank",
        `AutoBatchedLowRankMultivariateNormal: rank must be a positive integer, got ${options.rank}.`,
      );
    }
    this.rank = options.rank;
  }
  private rankFor(E: number): number {
    return this.rank ?? Math.max(1, Math.round(Math.sqrt(E)));
  }
  protected makeBatchedFamily(B: number, E: number): BatchedFamily {
    const R = this.rankFor(E);
    const inner = Array.from({ length: B }, () => new LowRankFamily(E, R, this.initScale));
    return new BatchedFamily(inner, [E, E * R, E]);
  }
  protected paramSpecs(family: LatentFamily): ParamSpec[] {
    const { batchShape, eventSize: E } = this.currentBatch();
    const f = family as BatchedFamily;
    const B = f.inner.length;
    const R = this.rankFor(E);
    return [
      { name: `${this.prefix}_loc`, shape: [...batchShape, E], offset: 0, size: B * E, constraint: "real" },
      {
        name: `${this.prefix}_cov_factor`,
        shape: [...batchShape, E, R],
        offset: f.segmentOffsets[1],
        size: B * E * R,
        constraint: "real",
      },
      {
        name: `${this.prefix}_scale`,
        shape: [...batchShape, E],
        offset: f.segmentOffsets[2],
        size: B * E,
        constraint: "softplus_positive",
      },
    ];
  }
}
