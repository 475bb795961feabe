/**
 * One example of every plot on the eight-schools data: the browser page renders them in the DOM, the
 * screenshot test rasterises them in Chromium against committed references.
 */
import type { InferenceData } from "@phlox/arviz-io";
import { toInferenceData } from "../data.js";
import type { OutputOptions, SvgOutput } from "../output.js";
import { plotAutocorr } from "../plot-autocorr.js";
import { plotCompare } from "../plot-compare.js";
import { plotDensity } from "../plot-density.js";
import { plotDist } from "../plot-dist.js";
import { plotEnergy } from "../plot-energy.js";
import { plotEss } from "../plot-ess.js";
import { plotForest } from "../plot-forest.js";
import { plotKhat } from "../plot-khat.js";
import { plotLooPit } from "../plot-loo-pit.js";
import { plotMcse } from "../plot-mcse.js";
import { plotPair } from "../plot-pair.js";
import { plotPosterior } from "../plot-posterior.js";
import { plotPpc } from "../plot-ppc.js";
import { plotRank } from "../plot-rank.js";
import { plotTrace } from "../plot-trace.js";
import { plotViolin } from "../plot-violin.js";

import { galleryWith, type PlotsApi } from "./gallery-spec.js";

/** The plots of this source tree. */
export const sourceApi: PlotsApi = {
  toInferenceData,
  plotAutocorr,
  plotCompare,
  plotDensity,
  plotDist,
  plotEnergy,
  plotEss,
  plotForest,
  plotKhat,
  plotLooPit,
  plotMcse,
  plotPair,
  plotPosterior,
  plotPpc,
  plotRank,
  plotTrace,
  plotViolin,
};

/** Every plot once, by name (this source tree's plots). */
export function gallery(
  idata: InferenceData,
  nonCenteredLogLik: readonly number[],
  out: OutputOptions,
): Record<string, () => SvgOutput> {
  return galleryWith(sourceApi, idata, nonCenteredLogLik, out);
}
