/**
 * Runs NUTS on one posteriordb posterior and checks every reference element:
 * |mean − ref| ≤ max(4·MCSE, 0.05·ref sd), |sd − ref sd| ≤ 0.1·ref sd, R-hat ≤ 1.01, bulk ESS ≥ 400.
 */
import { readFileSync } from "node:fs";
import { essBulk, mcseMean, rhat } from "@phlox/diagnostics";
import { MCMC, NUTS } from "@phlox/mcmc";
import { buildPosterior, type PosteriorData } from "./models.js";

interface ReferenceEntry {
  names: string[];
  mean: number[];
  sd: number[];
}

/** The reference file for a posterior (read from `../shared/reference/posteriordb/` beside the repo). */
export function loadReference(name: string): {
  data: PosteriorData;
  reference: Record<string, ReferenceEntry>;
} {
  // `name:variant` (e.g. `garch-garch11:scan`, the model written with scan) uses `name`'s reference
  const url = new URL(`../../../../shared/reference/posteriordb/${name.split(":")[0]}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, "utf8"));
}

/** One checked reference element. */
export interface ElementCheck {
  name: string;
  mean: number;
  refMean: number;
  sd: number;
  refSd: number;
  mcse: number;
  rhat: number;
  essBulk: number;
  ok: boolean;
  why: string;
}

/** The outcome of one posterior's run. */
export interface PosteriorCheck {
  name: string;
  elements: ElementCheck[];
  failed: number;
  divergences: number;
  seconds: number;
  minEssBulk: number;
  maxRhat: number;
}

/** Options for {@link checkPosterior}. */
export interface CheckOptions {
  numWarmup?: number;
  numSamples?: number;
  numChains?: number;
  seed?: number;
  chainMethod?: "sequential" | "parallel" | "vectorized";
  denseMass?: boolean;
  targetAcceptProb?: number;
}

/** Fits `name` with NUTS (4 × (1000 + 1000) by default) and checks it against its reference. */
export async function checkPosterior(name: string, options: CheckOptions = {}): Promise<PosteriorCheck> {
  const { data, reference } = loadReference(name);
  const { model, args } = buildPosterior(name, data);
  const t0 = performance.now();
  const mcmc = new MCMC(
    new NUTS(model as never, {
      denseMass: options.denseMass ?? false,
      targetAcceptProb: options.targetAcceptProb ?? 0.8,
    }),
    {
      numWarmup: options.numWarmup ?? 1000,
      numSamples: options.numSamples ?? 1000,
      numChains: options.numChains ?? 4,
      chainMethod: options.chainMethod ?? "sequential",
      progressBar: false,
    },
  );
  await mcmc.run(options.seed ?? 0, ...args);
  const seconds = (performance.now() - t0) / 1000;
  const samples = mcmc.getSamples({ groupByChain: true });
  const extra = mcmc.getExtraFields({ groupByChain: true });
  let divergences = 0;
  const div = extra.diverging?.dataSync();
  if (div) for (let i = 0; i < div.length; i++) divergences += div[i] ? 1 : 0;

  const elements: ElementCheck[] = [];
  for (const [param, ref] of Object.entries(reference)) {
    const draws = samples[param];
    if (draws === undefined)
      throw new Error(`${name}: the model has no site "${param}" (sites: ${Object.keys(samples)})`);
    const data = draws.dataSync();
    const k = data.length / (draws.shape[0] * draws.shape[1]);
    if (k !== ref.names.length)
      throw new Error(`${name}: site "${param}" has ${k} elements, reference ${ref.names.length}`);
    const mcse = mcseMean(draws);
    const rh = rhat(draws);
    const ess = essBulk(draws);
    const n = draws.shape[0] * draws.shape[1];
    for (let e = 0; e < k; e++) {
      let m = 0;
      for (let i = 0; i < n; i++) m += data[i * k + e];
      m /= n;
      let v = 0;
      for (let i = 0; i < n; i++) v += (data[i * k + e] - m) ** 2;
      const sd = Math.sqrt(v / (n - 1));
      const refMean = ref.mean[e];
      const refSd = ref.sd[e];
      const why: string[] = [];
      if (Math.abs(m - refMean) > Math.max(4 * mcse[e], 0.05 * refSd)) why.push("mean");
      if (Math.abs(sd - refSd) > 0.1 * refSd) why.push("sd");
      if (!(rh[e] <= 1.01)) why.push("rhat");
      if (!(ess[e] >= 400)) why.push("ess");
      elements.push({
        name: ref.names[e],
        mean: m,
        refMean,
        sd,
        refSd,
        mcse: mcse[e],
        rhat: rh[e],
        essBulk: ess[e],
        ok: why.length === 0,
        why: why.join(","),
      });
    }
  }
  return {
    name,
    elements,
    failed: elements.filter((e) => !e.ok).length,
    divergences,
    seconds,
    minEssBulk: Math.min(...elements.map((e) => e.essBulk)),
    maxRhat: Math.max(...elements.map((e) => e.rhat)),
  };
}

/** One failing element as a line of the report: why it failed, then its figures next to the reference's. */
export function formatElement(e: ElementCheck): string {
  return `${e.name}: ${e.why} mean ${e.mean.toFixed(4)} (ref ${e.refMean.toFixed(4)}, mcse ${e.mcse.toFixed(4)}) sd ${e.sd.toFixed(4)} (ref ${e.refSd.toFixed(4)}) rhat ${e.rhat.toFixed(4)} ess ${e.essBulk.toFixed(0)}`;
}
