import {
  ChainRandom,
  ConstraintError,
  type KeyLike,
  PhloxError,
  type Tensor,
  tensor,
  toKeyPair,
} from "@phlox/tensor";
import { columnMeans, matmul, sampleCovariance } from "./internal/dense.js";
import { cholesky as choleskyOrThrow, invertSpd } from "./internal/linalg.js";
import type { SiteValue } from "./kernel.js";

/** Draws of one (sub-)posterior: site name → tensor `[numDraws, ...site]` (what `MCMC.getSamples()` returns). */
export type Draws = Record<string, Tensor>;

/** Draws as the combiners accept them: per site a `Tensor` or plain `{ data, shape: [numDraws, ...site] }`. */
export type DrawsInput = Readonly<Record<string, Tensor | SiteValue>>;

/** Per site `{ data, shape }` of tensors or plain arrays (tensors read once, not copied). */
function plain(sub: DrawsInput): Record<string, { data: ArrayLike<number>; shape: readonly number[] }> {
  const out: Record<string, { data: ArrayLike<number>; shape: readonly number[] }> = {};
  for (const [k, v] of Object.entries(sub)) {
    out[k] =
      "dataSync" in v && typeof v.dataSync === "function"
        ? { data: v.dataSync(), shape: v.shape }
        : (v as SiteValue);
  }
  return out;
}

/** Raised for sub-posteriors that cannot be combined (code says why; the message names the shard and site). */
export class ConsensusError extends PhloxError {}

/** Options of {@link consensus} and {@link parametricDraws}. */
export interface CombineOptions {
  /** Weight by per-coordinate variances instead of full covariances. Default false. */
  diagonal?: boolean;
  /** PRNG key for the resampling / the Gaussian draws. Default 0. */
  key?: KeyLike;
}

/** Where each site sits in the flat vector the combination works on (sites in sorted name order, as JAX's `ravel_pytree`). */
export interface FlatSite {
  name: string;
  /** Shape of one draw of the site. */
  shape: number[];
  offset: number;
  size: number;
}

/** The Gaussian fitted by {@link parametric}: `cov` is d×d row-major, or the d variances when `diagonal`. */
export type ParametricResult =
  | { diagonal: false; mean: Float64Array; cov: Float64Array; sites: FlatSite[] }
  | { diagonal: true; mean: Float64Array; variance: Float64Array; sites: FlatSite[] };

/** The lower Cholesky factor, or `null` when `a` is not positive definite. */
function cholesky(a: Float64Array, d: number): Float64Array | null {
  try {
    return choleskyOrThrow(a, d, "consensus");
  } catch {
    return null;
  }
}

/** The inverse of an SPD matrix, or `null` when it is not positive definite. */
function inverse(a: Float64Array, d: number): Float64Array | null {
  try {
    return invertSpd(a, d, "consensus");
  } catch {
    return null;
  }
}

interface Flat {
  sites: FlatSite[];
  dim: number;
  /** Per shard: n×d row-major draws. */
  x: Float64Array[];
  n: number[];
}

function flatten(who: string, subposteriorsIn: readonly DrawsInput[]): Flat {
  if (!Array.isArray(subposteriorsIn) || subposteriorsIn.length === 0) {
    throw new ConsensusError(
      "consensus-no-subposteriors",
      `${who}: expected a non-empty array of sub-posterior draws (one Record<site, Tensor | { data, shape }> per shard).`,
    );
  }
  const subposteriors = subposteriorsIn.map(plain);
  const names = Object.keys(subposteriors[0]).sort();
  if (names.length === 0) {
    throw new ConsensusError("consensus-no-sites", `${who}: sub-posterior 0 has no sites.`);
  }
  const sites: FlatSite[] = [];
  let dim = 0;
  for (const name of names) {
    const shape = subposteriors[0][name].shape.slice(1);
    const size = shape.reduce((a: number, b: number) => a * b, 1);
    sites.push({ name, shape, offset: dim, size });
    dim += size;
  }
  const x: Float64Array[] = [];
  const n: number[] = [];
  subposteriors.forEach((sub, i) => {
    const got = Object.keys(sub).sort();
    if (got.join(",") !== names.join(",")) {
      throw new ConsensusError(
        "consensus-site-mismatch",
        `${who}: sub-posterior ${i} has sites [${got.join(", ")}] but sub-posterior 0 has [${names.join(", ")}]; every shard must sample the same model.`,
      );
    }
    let ni = -1;
    for (const s of sites) {
      const v = sub[s.name];
      const want = `[${s.shape.join(", ")}]`;
      const have = `[${v.shape.slice(1).join(", ")}]`;
      if (have !== want || v.data.length !== v.shape.reduce((a: number, b: number) => a * b, 1)) {
        throw new ConsensusError(
          "consensus-shape-mismatch",
          `${who}: site "${s.name}" of sub-posterior ${i} has draws of shape ${have} (data length ${v.data.length}) but sub-posterior 0 has ${want}.`,
        );
      }
      if (ni === -1) ni = v.shape[0];
      else if (v.shape[0] !== ni) {
        throw new ConsensusError(
          "consensus-draw-count",
          `${who}: sub-posterior ${i} has ${v.shape[0]} draws of "${s.name}" but ${ni} of "${sites[0].name}".`,
        );
      }
    }
    if (ni < 2) {
      throw new ConsensusError(
        "consensus-too-few-draws",
        `${who}: sub-posterior ${i} has ${ni} draws; at least 2 (and more than the ${dim} coordinates for full covariances) are needed.`,
      );
    }
    const xi = new Float64Array(ni * dim);
    for (const s of sites) {
      const data = sub[s.name].data;
      for (let r = 0; r < ni; r++) {
        for (let k = 0; k < s.size; k++) xi[r * dim + s.offset + k] = data[r * s.size + k];
      }
    }
    x.push(xi);
    n.push(ni);
  });
  return { sites, dim, x, n };
}

function unflatten(flat: Float64Array, rows: number, sites: readonly FlatSite[], dim: number): Draws {
  const out: Draws = {};
  for (const s of sites) {
    const data = new Float64Array(rows * s.size);
    for (let r = 0; r < rows; r++) {
      for (let k = 0; k < s.size; k++) data[r * s.size + k] = flat[r * dim + s.offset + k];
    }
    out[s.name] = tensor(data, { shape: [rows, ...s.shape] });
  }
  return out;
}

function variances(
  who: string,
  x: Float64Array,
  n: number,
  d: number,
  shard: number,
  sites: readonly FlatSite[],
) {
  const c = sampleCovariance(x, n, d);
  const v = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    v[j] = c[j * d + j];
    if (!(v[j] > 0)) throw degenerate(who, shard, j, sites);
  }
  return v;
}

function degenerate(who: string, shard: number, j: number, sites: readonly FlatSite[]): ConsensusError {
  const s = sites.find((t) => j >= t.offset && j < t.offset + t.size) ?? sites[0];
  return new ConsensusError(
    "consensus-degenerate",
    `${who}: the draws of sub-posterior ${shard} have zero variance at site "${s.name}" (element ${j - s.offset}); ` +
      "a stuck chain or a constant site cannot be weighted. Check that shard's run (divergences, acceptance).",
  );
}

/** Inverse covariance (precision) of each shard's draws; throws naming the shard when it is singular. */
function precisions(who: string, f: Flat): Float64Array[] {
  return f.x.map((xi, i) => {
    const c = sampleCovariance(xi, f.n[i], f.dim);
    for (let j = 0; j < f.dim; j++) if (!(c[j * f.dim + j] > 0)) throw degenerate(who, i, j, f.sites);
    const w = inverse(c, f.dim);
    if (w === null) {
      throw new ConsensusError(
        "consensus-singular-covariance",
        `${who}: the sample covariance of sub-posterior ${i} (${f.n[i]} draws, ${f.dim} coordinates) is singular; ` +
          "draw more samples than coordinates, or pass { diagonal: true }.",
      );
    }
    return w;
  });
}

function combinedCovariance(who: string, w: readonly Float64Array[], d: number): Float64Array {
  const total = new Float64Array(d * d);
  for (const wi of w) for (let k = 0; k < d * d; k++) total[k] += wi[k];
  const s = inverse(total, d);
  if (s === null) {
    throw new ConsensusError("consensus-singular-covariance", `${who}: the summed precision is singular.`);
  }
  return s;
}

/**
 * Consensus Monte Carlo (Scott et al. 2016; NumPyro's `consensus`): the combined draw ℓ is the
 * precision-weighted average Σᵢ (Σⱼ Wⱼ)⁻¹ Wᵢ xᵢ[ℓ] of draw ℓ of every sub-posterior, with Wᵢ the inverse sample
 * covariance of shard i (or per-coordinate inverse variances when `diagonal`). Exact when the sub-posteriors
 * are Gaussian. Each shard's model should temper its prior by 1/K ({@link subposteriorModel}).
 * @param subposteriors - one set of draws per shard, with the same sites and shapes.
 * @param numDraws - resample this many draws (uniformly, with replacement, independently per shard) before
 *   combining; by default the shards' draws are combined row by row (they must have the same count).
 * @returns draws of the combined posterior, shaped as each sub-posterior's.
 * @throws ConsensusError when sites, shapes or draw counts differ, or a shard's covariance is singular.
 * @example
 * const a = { x: { data: Float64Array.from([0, 1, 2]), shape: [3] } };
 * const b = { x: { data: Float64Array.from([2, 3, 4]), shape: [3] } };
 * Array.from(consensus([a, b]).x.dataSync(), (v) => +v.toFixed(12)); // → [1, 2, 3]
 */
export function consensus(
  subposteriors: readonly DrawsInput[],
  numDraws?: number,
  options: CombineOptions = {},
): Draws {
  const who = "consensus";
  const f = flatten(who, subposteriors);
  const d = f.dim;
  const k = subposteriors.length;
  let rows: number;
  let x = f.x;
  if (numDraws === undefined) {
    rows = f.n[0];
    const bad = f.n.findIndex((ni) => ni !== rows);
    if (bad >= 0) {
      throw new ConsensusError(
        "consensus-draw-count",
        `${who}: sub-posterior ${bad} has ${f.n[bad]} draws but sub-posterior 0 has ${rows}; pass numDraws to resample.`,
      );
    }
  } else {
    if (!Number.isInteger(numDraws) || numDraws < 1) {
      throw new ConstraintError("num-draws", `${who}: numDraws must be a positive integer, got ${numDraws}.`);
    }
    rows = numDraws;
    const rng = new ChainRandom(toKeyPair(options.key ?? 0, `${who} key`));
    x = f.x.map((xi, i) => {
      const out = new Float64Array(rows * d);
      for (let r = 0; r < rows; r++) {
        const src = Math.min(f.n[i] - 1, Math.floor(rng.uniform() * f.n[i]));
        out.set(xi.subarray(src * d, src * d + d), r * d);
      }
      return out;
    });
  }
  const out = new Float64Array(rows * d);
  if (options.diagonal) {
    const w = x.map((xi, i) => {
      const v = variances(who, xi, rows, d, i, f.sites);
      return v.map((vj) => 1 / vj);
    });
    const total = new Float64Array(d);
    for (const wi of w) for (let j = 0; j < d; j++) total[j] += wi[j];
    for (let i = 0; i < k; i++) {
      const xi = x[i];
      const wi = w[i];
      for (let r = 0; r < rows; r++) {
        for (let j = 0; j < d; j++) out[r * d + j] += (wi[j] / total[j]) * xi[r * d + j];
      }
    }
  } else {
    const w = precisions(who, { ...f, x, n: f.n.map(() => rows) });
    const s = combinedCovariance(who, w, d);
    for (let i = 0; i < k; i++) {
      const a = matmul(s, w[i], d);
      const xi = x[i];
      for (let r = 0; r < rows; r++) {
        for (let j = 0; j < d; j++) {
          let acc = 0;
          for (let c = 0; c < d; c++) acc += a[j * d + c] * xi[r * d + c];
          out[r * d + j] += acc;
        }
      }
    }
  }
  return unflatten(out, rows, f.sites, d);
}

/**
 * Parametric (Gaussian) combination of sub-posteriors (Neiswanger et al. 2014; NumPyro's `parametric`): each
 * shard is summarised by its sample mean and covariance, and the product of those Gaussians is returned:
 * covariance Σ = (Σᵢ Σᵢ⁻¹)⁻¹ and mean Σ Σᵢ Σᵢ⁻¹ μᵢ (per coordinate when `diagonal`).
 * @param subposteriors - one set of draws per shard, with the same sites and shapes.
 * @returns the flat mean and covariance (d×d row-major) or variances, with the flat layout (`sites`, sorted by name).
 * @throws ConsensusError when sites or shapes differ, or a shard's covariance is singular.
 * @example
 * const a = { x: { data: Float64Array.from([0, 1, 2]), shape: [3] } };
 * const b = { x: { data: Float64Array.from([2, 3, 4]), shape: [3] } };
 * const r = parametric([a, b], { diagonal: true });
 * [r.mean[0], r.diagonal && r.variance[0]]; // → [2, 0.5]
 */
export function parametric(
  subposteriors: readonly DrawsInput[],
  options: { diagonal?: boolean } = {},
): ParametricResult {
  const who = "parametric";
  const f = flatten(who, subposteriors);
  const d = f.dim;
  const means = f.x.map((xi, i) => columnMeans(xi, f.n[i], d));
  if (options.diagonal) {
    const w = f.x.map((xi, i) => variances(who, xi, f.n[i], d, i, f.sites).map((v) => 1 / v));
    const variance = new Float64Array(d);
    for (const wi of w) for (let j = 0; j < d; j++) variance[j] += wi[j];
    for (let j = 0; j < d; j++) variance[j] = 1 / variance[j];
    const mean = new Float64Array(d);
    w.forEach((wi, i) => {
      for (let j = 0; j < d; j++) mean[j] += variance[j] * wi[j] * means[i][j];
    });
    return { diagonal: true, mean, variance, sites: f.sites };
  }
  const w = precisions(who, f);
  const cov = combinedCovariance(who, w, d);
  const mean = new Float64Array(d);
  w.forEach((wi, i) => {
    const a = matmul(cov, wi, d);
    for (let j = 0; j < d; j++) {
      let acc = 0;
      for (let c = 0; c < d; c++) acc += a[j * d + c] * means[i][c];
      mean[j] += acc;
    }
  });
  return { diagonal: false, mean, cov, sites: f.sites };
}

/**
 * Draws from the Gaussian {@link parametric} fits (NumPyro's `parametric_draws`).
 * @param subposteriors - one set of draws per shard, with the same sites and shapes.
 * @param numDraws - how many draws to return.
 * @returns `numDraws` draws shaped as each sub-posterior's.
 * @throws ConsensusError as {@link parametric}; RangeError for a bad `numDraws`.
 * @example
 * const a = { x: { data: Float64Array.from([0, 1, 2]), shape: [3] } };
 * const b = { x: { data: Float64Array.from([2, 3, 4]), shape: [3] } };
 * parametricDraws([a, b], 5, { key: 1 }).x.shape; // → [5]
 */
export function parametricDraws(
  subposteriors: readonly DrawsInput[],
  numDraws: number,
  options: CombineOptions = {},
): Draws {
  if (!Number.isInteger(numDraws) || numDraws < 1) {
    throw new ConstraintError(
      "num-draws",
      `parametricDraws: numDraws must be a positive integer, got ${numDraws}.`,
    );
  }
  const p = parametric(subposteriors, { diagonal: options.diagonal });
  const d = p.mean.length;
  const rng = new ChainRandom(toKeyPair(options.key ?? 0, "parametricDraws key"));
  const out = new Float64Array(numDraws * d);
  const eps = new Float64Array(d);
  const l = p.diagonal ? null : cholesky(p.cov, d);
  if (!p.diagonal && l === null) {
    throw new ConsensusError(
      "consensus-singular-covariance",
      "parametricDraws: the combined covariance is singular.",
    );
  }
  for (let r = 0; r < numDraws; r++) {
    for (let j = 0; j < d; j++) eps[j] = rng.normal();
    for (let j = 0; j < d; j++) {
      let v = p.mean[j];
      if (p.diagonal) v += Math.sqrt(p.variance[j]) * eps[j];
      else if (l !== null) for (let c = 0; c <= j; c++) v += l[j * d + c] * eps[c];
      out[r * d + j] = v;
    }
  }
  return unflatten(out, numDraws, p.sites, d);
}
