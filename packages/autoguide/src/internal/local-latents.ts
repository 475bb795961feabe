/**
 * Local latent variables in subsampled plates, NumPyro's AutoNormal / AutoDelta way: the guide's parameters
 * of a latent site inside `plate("N", size, { subsampleSize })` have the plate's FULL size along the plate's
 * axis, and each particle reads the rows of its minibatch (the plate's indices). The model's potential is
 * evaluated on the minibatch latent vector (minibatch size along the plate axes); this file maps minibatch
 * coordinates to full coordinates, and gives the full-size latent space (initial point repeated
 * periodically as NumPyro's `periodic_repeat`, postprocess and unconstrain evaluated minibatch by minibatch).
 */
import type { Message } from "@phlox/handlers";
import { constrainFn, type ModelInfo, unconstrainFn } from "@phlox/infer";
import { PhloxError, type Tensor, tensor } from "@phlox/tensor";
import type { ParamValue, PotentialModel } from "@phlox/vi";
import type { SubsampledModel, SubsampledPlate } from "./subsample.js";

/** A subsampled plate's axis in a site's value: `plate` indexes the model's subsampled plates. */
interface PlateAxis {
  plate: number;
  axis: number;
}

/** A latent site in the minibatch latent vector and in the full-size one. */
interface SiteMap {
  name: string;
  shape: number[];
  fullShape: number[];
  offset: number;
  size: number;
  fullOffset: number;
  fullSize: number;
  constrainedShape: number[];
  fullConstrainedShape: number[];
  /** Axes of the unconstrained value along subsampled plates (empty for a global site). */
  axes: PlateAxis[];
  /** The same axes in the constrained value. */
  cAxes: PlateAxis[];
  /** Π size / subsampleSize over the site's subsampled plates (the plate's scale of its log density). */
  weight: number;
}

/** A deterministic site inside subsampled plates: its value is scattered into the full size. */
interface DeterministicMap {
  name: string;
  axes: PlateAxis[];
}

const prod = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

function strides(shape: readonly number[]): number[] {
  const st = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) st[i] = st[i + 1] * shape[i + 1];
  return st;
}

/**
 * Calls `f(s, t)` for each element `s` (row-major) of an array of shape `sub` and its position `t` in an
 * array of shape `full`: along each plate axis, index k of `sub` is element `index(plate, k)` of `full`.
 */
function place(
  sub: readonly number[],
  full: readonly number[],
  axes: readonly PlateAxis[],
  index: (plate: number, k: number) => number,
  f: (s: number, t: number) => void,
): void {
  const n = prod(sub);
  const fs = strides(full);
  const plateOf = new Array<number>(sub.length).fill(-1);
  for (const a of axes) plateOf[a.axis] = a.plate;
  const k = new Array<number>(sub.length).fill(0);
  for (let s = 0; s < n; s++) {
    let t = 0;
    for (let d = 0; d < sub.length; d++) t += (plateOf[d] < 0 ? k[d] : index(plateOf[d], k[d])) * fs[d];
    f(s, t);
    for (let d = sub.length - 1; d >= 0; d--) {
      if (++k[d] < sub[d]) break;
      k[d] = 0;
    }
  }
}

/** The subsampled plates a site lives in, as axes of a value with `ndim` dimensions and `eventDim` event dims. */
function plateAxes(
  m: Message | undefined,
  plates: readonly SubsampledPlate[],
  ndim: number,
  eventDim: number,
): PlateAxis[] {
  const out: PlateAxis[] = [];
  for (const f of m?.condIndepStack ?? []) {
    const p = plates.findIndex((q) => q.name === f.name);
    if (p >= 0) out.push({ plate: p, axis: ndim + f.dim - eventDim });
  }
  return out;
}

/**
 * The minibatch ↔ full-size maps of a model's latent sites, for a model set up by `subsampledModel`.
 * `hasLocal` is false when no latent site is inside a subsampled plate (nothing changes then).
 */
export class LocalLatents {
  readonly sites: SiteMap[];
  readonly hasLocal: boolean;
  /** D, the minibatch latent dimension; `fullDim` the full-size one. */
  readonly dim: number;
  readonly fullDim: number;
  /** Full coordinate of each minibatch coordinate, for the current minibatch (see {@link refresh}). */
  readonly map: Int32Array;
  /** The plate scale of each minibatch coordinate's log density (1 for global sites). */
  readonly weight: Float64Array;
  private readonly deterministic: DeterministicMap[];
  private seen = -1;

  constructor(
    private readonly info: ModelInfo,
    readonly plates: readonly SubsampledPlate[],
    private readonly sm: SubsampledModel,
    private readonly args: readonly unknown[],
  ) {
    let fullOffset = 0;
    this.sites = info.layout.map((l) => {
      const m = info.prototypeTrace.get(l.name);
      const eventDim = (m?.fn?.eventDim ?? 0) + l.shape.length - l.constrainedShape.length;
      const axes = plateAxes(m, plates, l.shape.length, eventDim);
      const cAxes = plateAxes(m, plates, l.constrainedShape.length, m?.fn?.eventDim ?? 0);
      const grow = (shape: readonly number[], ax: readonly PlateAxis[]) => {
        const s = [...shape];
        for (const a of ax) {
          if (s[a.axis] !== plates[a.plate].subsampleSize) {
            const p = plates[a.plate];
            throw new PhloxError(
              "autoguide-local-latent-shape",
              `latent site "${l.name}" of shape [${shape}] is inside plate("${p.name}", ${p.size}, { subsampleSize: ` +
                `${p.subsampleSize} }) but its axis ${a.axis} has size ${s[a.axis]}, not ${p.subsampleSize}: the guide ` +
                "cannot give it full-size parameters. Let the site's batch shape follow the plate (e.g. .expand()).",
            );
          }
          s[a.axis] = plates[a.plate].size;
        }
        return s;
      };
      const fullShape = grow(l.shape, axes);
      const site: SiteMap = {
        name: l.name,
        shape: [...l.shape],
        fullShape,
        offset: l.offset,
        size: l.size,
        fullOffset,
        fullSize: prod(fullShape),
        constrainedShape: [...l.constrainedShape],
        fullConstrainedShape: grow(l.constrainedShape, cAxes),
        axes,
        cAxes,
        weight: axes.reduce((w, a) => w * (plates[a.plate].size / plates[a.plate].subsampleSize), 1),
      };
      fullOffset += site.fullSize;
      return site;
    });
    this.hasLocal = this.sites.some((s) => s.axes.length > 0);
    this.dim = info.dim;
    this.fullDim = fullOffset;
    this.map = new Int32Array(this.dim);
    this.weight = new Float64Array(this.dim);
    for (const s of this.sites) {
      this.weight.fill(s.weight, s.offset, s.offset + s.size);
      if (s.axes.length === 0) for (let j = 0; j < s.size; j++) this.map[s.offset + j] = s.fullOffset + j;
    }
    this.deterministic = [];
    for (const [name, m] of info.prototypeTrace) {
      if (m.type !== "deterministic" || m.value === null) continue;
      const axes = plateAxes(m, plates, m.value.shape.length, 0);
      if (axes.length > 0) this.deterministic.push({ name, axes });
    }
  }

  /** Recomputes {@link map} when the model's minibatch changed since the last call. */
  refresh(): void {
    const v = this.sm.version();
    if (v === this.seen) return;
    this.seen = v;
    const idx = this.sm.indices();
    for (const s of this.sites) {
      if (s.axes.length === 0) continue;
      place(
        s.shape,
        s.fullShape,
        s.axes,
        (p, k) => idx[p][k],
        (j, t) => {
          this.map[s.offset + j] = s.fullOffset + t;
        },
      );
    }
  }

  /** The full-size latent space as a PotentialModel (for the guide's posterior methods). */
  fullModel(): PotentialModel {
    const initialZ = new Float64Array(this.fullDim);
    for (const s of this.sites) {
      // NumPyro's periodic_repeat: full index k along a plate axis takes minibatch index k mod subsampleSize
      const inv = new Map<number, number>();
      for (const a of s.axes) inv.set(a.axis, this.plates[a.plate].subsampleSize);
      const fs = strides(s.fullShape);
      const ss = strides(s.shape);
      for (let t = 0; t < s.fullSize; t++) {
        let j = 0;
        for (let d = 0; d < s.fullShape.length; d++) {
          const k = Math.floor(t / fs[d]) % s.fullShape[d];
          j += (inv.has(d) ? k % (inv.get(d) as number) : k) * ss[d];
        }
        initialZ[s.fullOffset + t] = this.info.initialZ[s.offset + j];
      }
    }
    return {
      dim: this.fullDim,
      initialZ,
      layout: this.sites.map((s) => ({
        name: s.name,
        shape: [...s.fullShape],
        offset: s.fullOffset,
        size: s.fullSize,
        constrainedShape: [...s.fullConstrainedShape],
      })),
      potentialFn: () => {
        throw new PhloxError(
          "autoguide-local-full-potential",
          "the full-size latent space of a model with local latents in a subsampled plate has no potential; " +
            "the model is evaluated on minibatches only.",
        );
      },
      postprocess: (z) => this.postprocess(z),
      unconstrain: (values) => this.unconstrain(values),
    };
  }

  /** Each combination of minibatches covering every subsampled plate: ⌈size / subsampleSize⌉ per plate. */
  private forEachChunk(f: (idx: Int32Array[], ts: Tensor[]) => void): void {
    const counts = this.plates.map((p) => Math.ceil(p.size / p.subsampleSize));
    const c = new Array<number>(counts.length).fill(0);
    const total = prod(counts);
    for (let n = 0; n < total; n++) {
      const idx = this.plates.map((p, i) =>
        Int32Array.from({ length: p.subsampleSize }, (_, k) => (c[i] * p.subsampleSize + k) % p.size),
      );
      f(
        idx,
        idx.map((a) => tensor(a, { dtype: "int32" })),
      );
      for (let d = counts.length - 1; d >= 0; d--) {
        if (++c[d] < counts[d]) break;
        c[d] = 0;
      }
    }
  }

  /** Constrained site values (and deterministic sites) of a full-size unconstrained vector, minibatch by minibatch. */
  postprocess(zFull: Float64Array): Record<string, ParamValue> {
    const out: Record<string, ParamValue> = Object.create(null);
    const args = [...this.args];
    let first = true;
    this.forEachChunk((idx, ts) => {
      const values: Record<string, Tensor> = Object.create(null);
      for (const s of this.sites) {
        const sub = new Float64Array(s.size);
        place(
          s.shape,
          s.fullShape,
          s.axes,
          (p, k) => idx[p][k],
          (j, t) => {
            sub[j] = zFull[s.fullOffset + t];
          },
        );
        values[s.name] = tensor(sub, { shape: s.shape });
      }
      const got = constrainFn(this.sm.withIndices(ts) as (...a: unknown[]) => unknown, args, values, true);
      for (const [name, v] of Object.entries(got)) {
        const site = this.sites.find((s) => s.name === name);
        const axes = site?.cAxes ?? this.deterministic.find((d) => d.name === name)?.axes ?? [];
        const data = Float64Array.from(v.dataSync() as ArrayLike<number>);
        if (axes.length === 0) {
          if (first) out[name] = { data, shape: [...v.shape] };
          continue;
        }
        let o = out[name];
        if (o === undefined) {
          const shape = [...v.shape];
          for (const a of axes) shape[a.axis] = this.plates[a.plate].size;
          o = { data: new Float64Array(prod(shape)), shape };
          out[name] = o;
        }
        const od = o.data;
        place(
          v.shape,
          o.shape,
          axes,
          (p, k) => idx[p][k],
          (j, t) => {
            od[t] = data[j];
          },
        );
      }
      first = false;
    });
    return out;
  }

  /** The full-size unconstrained vector of constrained site values (full size), minibatch by minibatch. */
  unconstrain(values: Record<string, ParamValue>): Float64Array {
    const z = new Float64Array(this.fullDim);
    const args = [...this.args];
    this.forEachChunk((idx, ts) => {
      const sub: Record<string, Tensor> = Object.create(null);
      for (const s of this.sites) {
        const v = values[s.name];
        if (v === undefined) continue;
        if (v.data.length !== prod(s.fullConstrainedShape)) {
          throw new PhloxError(
            "autoguide-param-shape",
            `latent site "${s.name}" must have shape [${s.fullConstrainedShape}] (the plates' full sizes), got ` +
              `${v.data.length} values.`,
          );
        }
        const d = new Float64Array(prod(s.constrainedShape));
        place(
          s.constrainedShape,
          s.fullConstrainedShape,
          s.cAxes,
          (p, k) => idx[p][k],
          (j, t) => {
            d[j] = v.data[t];
          },
        );
        sub[s.name] = tensor(d, { shape: s.constrainedShape });
      }
      const got = unconstrainFn(this.sm.withIndices(ts) as (...a: unknown[]) => unknown, args, sub);
      for (const s of this.sites) {
        const u = got[s.name];
        if (u === undefined) continue;
        const data = u.dataSync() as ArrayLike<number>;
        place(
          s.shape,
          s.fullShape,
          s.axes,
          (p, k) => idx[p][k],
          (j, t) => {
            z[s.fullOffset + t] = data[j];
          },
        );
      }
    });
    return z;
  }
}
