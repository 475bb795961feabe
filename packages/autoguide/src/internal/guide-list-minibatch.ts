/**
 * AutoGuideList on a model with local latent variables in subsampled plates (NumPyro allows AutoNormal and
 * AutoDelta parts there): parts over global sites only run their own family on those coordinates (the same
 * in the minibatch and the full-size space); a part with a local site must be an AutoNormal or AutoDelta, and
 * reads its full-size parameters at the minibatch's rows, its log q scaled by the plates like the model's.
 */
import { PhloxError } from "@phlox/tensor";
import type { ParticleMode } from "@phlox/vi";
import { type LatentFamily, softplusAndSigmoid } from "./family.js";
import type { LocalLatents } from "./local-latents.js";
import type { MinibatchView } from "./minibatch-family.js";

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** One part of the list: its family over its full-size coordinates `idx`, at `uOff` in the parameters. */
export interface ListPart {
  family: LatentFamily;
  idx: Int32Array;
  uOff: number;
  /** The part's guide class name and how it fits local sites (`null`: it cannot). */
  guide: string;
  kind: "normal" | "delta" | null;
}

interface FamilyPart {
  family: LatentFamily;
  uOff: number;
  eOff: number;
  /** Minibatch coordinate of each of the part's coordinates. */
  zIdx: Int32Array;
  z: Float64Array;
  gz: Float64Array;
}

interface MeanFieldPart {
  kind: "normal" | "delta";
  uOff: number;
  /** The part's number of full-size coordinates (its scale block follows its location block). */
  dim: number;
  eOff: number;
  /** The minibatch coordinates of the part's sites, with each site's full offset and its start in the part. */
  coords: Int32Array;
  fullOffset: Int32Array;
  base: Int32Array;
  s: Float64Array;
  ds: Float64Array;
  r: Float64Array;
}

/** The parts of an AutoGuideList read on the current minibatch. */
export class GuideListMinibatchView implements MinibatchView {
  readonly noiseDim: number;
  private readonly families: FamilyPart[] = [];
  private readonly meanField: MeanFieldPart[] = [];

  /** @throws PhloxError (`autoguide-local-latent`) for a local site given to a part that is not AutoNormal/AutoDelta. */
  constructor(
    private readonly local: LocalLatents,
    parts: readonly ListPart[],
  ) {
    // full coordinate → its site
    const siteAt = new Int32Array(local.fullDim);
    local.sites.forEach((s, i) => {
      siteAt.fill(i, s.fullOffset, s.fullOffset + s.fullSize);
    });
    let eOff = 0;
    for (const p of parts) {
      const siteIds = [...new Set(Array.from(p.idx, (c) => siteAt[c]))];
      const localSite = siteIds.map((i) => local.sites[i]).find((s) => s.axes.length > 0);
      if (localSite === undefined) {
        // global sites: their minibatch coordinates are the full ones shifted by the site's offsets
        const zIdx = Int32Array.from(p.idx, (c) => {
          const s = local.sites[siteAt[c]];
          return s.offset + (c - s.fullOffset);
        });
        this.families.push({
          family: p.family,
          uOff: p.uOff,
          eOff,
          zIdx,
          z: new Float64Array(zIdx.length),
          gz: new Float64Array(zIdx.length),
        });
        eOff += p.family.noiseDim;
        continue;
      }
      if (p.kind === null) {
        const pl = local.plates[localSite.axes[0].plate];
        throw new PhloxError(
          "autoguide-local-latent",
          `AutoGuideList: latent site "${localSite.name}" is inside the subsampled plate("${pl.name}", ${pl.size}, ` +
            `{ subsampleSize: ${pl.subsampleSize} }) and is given to a ${p.guide} part, which does not support local ` +
            "latent variables (NumPyro's AutoContinuous raises \"AutoContinuous guide does not support local latent " +
            'variables."). Give it to an AutoNormal or AutoDelta part.',
        );
      }
      const coords: number[] = [];
      const fullOffset: number[] = [];
      const base: number[] = [];
      let k = 0;
      for (const i of siteIds) {
        const s = local.sites[i];
        for (let j = 0; j < s.size; j++) {
          coords.push(s.offset + j);
          fullOffset.push(s.fullOffset);
          base.push(k);
        }
        k += s.fullSize;
      }
      const n = coords.length;
      this.meanField.push({
        kind: p.kind,
        uOff: p.uOff,
        dim: p.idx.length,
        eOff,
        coords: Int32Array.from(coords),
        fullOffset: Int32Array.from(fullOffset),
        base: Int32Array.from(base),
        s: new Float64Array(n),
        ds: new Float64Array(n),
        r: new Float64Array(n),
      });
      if (p.kind === "normal") eOff += n;
    }
    this.noiseDim = eOff;
  }

  forward(u: Float64Array, eps: Float64Array, z: Float64Array, mode: ParticleMode): number {
    const L = this.local;
    L.refresh();
    let lq = 0;
    for (const p of this.families) {
      lq += p.family.forward(
        u.subarray(p.uOff, p.uOff + p.family.numParams),
        eps.subarray(p.eOff, p.eOff + p.family.noiseDim),
        p.z,
        mode,
      );
      for (let k = 0; k < p.zIdx.length; k++) z[p.zIdx[k]] = p.z[k];
    }
    for (const p of this.meanField) {
      const n = p.coords.length;
      const at = (t: number) => p.uOff + p.base[t] + (L.map[p.coords[t]] - p.fullOffset[t]);
      if (p.kind === "delta") {
        for (let t = 0; t < n; t++) z[p.coords[t]] = u[at(t)];
        continue;
      }
      for (let t = 0; t < n; t++) p.r[t] = u[at(t) + p.dim];
      softplusAndSigmoid(p.r, 0, n, p.s, p.ds);
      for (let t = 0; t < n; t++) {
        const j = p.coords[t];
        const e = eps[p.eOff + t];
        z[j] = u[at(t)] + p.s[t] * e;
        lq -= L.weight[j] * (Math.log(p.s[t]) + (mode === "meanfield" ? 0.5 : 0.5 * e * e) + HALF_LOG_2PI);
      }
    }
    return lq;
  }

  backward(
    u: Float64Array,
    eps: Float64Array,
    gz: Float64Array,
    grad: Float64Array,
    mode: ParticleMode,
  ): void {
    const L = this.local;
    grad.fill(0);
    for (const p of this.families) {
      for (let k = 0; k < p.zIdx.length; k++) p.gz[k] = gz[p.zIdx[k]];
      p.family.backward(
        u.subarray(p.uOff, p.uOff + p.family.numParams),
        eps.subarray(p.eOff, p.eOff + p.family.noiseDim),
        p.gz,
        grad.subarray(p.uOff, p.uOff + p.family.numParams),
        mode,
      );
    }
    for (const p of this.meanField) {
      for (let t = 0; t < p.coords.length; t++) {
        const j = p.coords[t];
        const a = p.uOff + p.base[t] + (L.map[j] - p.fullOffset[t]);
        grad[a] = gz[j];
        if (p.kind === "normal") grad[a + p.dim] = (gz[j] * eps[p.eOff + t] - L.weight[j] / p.s[t]) * p.ds[t];
      }
    }
  }
}
