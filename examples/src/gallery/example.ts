/**
 * What every gallery example exports: `meta` (what the docs page shows) and `run(options)` (fits the model and
 * returns the summary and the draws). The Node tests and the docs site's Run button call the same `run`.
 */
import { type SummaryRow, summary } from "@phlox/diagnostics";
import { type Kernel, MCMC, NUTS } from "@phlox/mcmc";
import { key } from "@phlox/tensor";

/** Describes one example for its docs page. */
export interface ExampleMeta {
  /** Stable id: the file name and the docs page's slug. */
  id: string;
  /** Page title. */
  title: string;
  /** The NumPyro example or tutorial it ports. */
  numpyro: string;
  /** One paragraph: the model and what the run should recover. */
  description: string;
  /** Sites the page plots (trace and posterior). */
  plotSites: string[];
  /** Default run length (chains × (warmup + samples)) used by the page's Run button. */
  defaults: Required<Pick<RunOptions, "numWarmup" | "numSamples" | "numChains">>;
}

/** Progress of a run, reported about 100 times per chain. */
export interface RunProgress {
  /** Fraction of all iterations (warmup and sampling, every chain) done, in [0, 1]. */
  fraction: number;
  /** Chain index (0-based). */
  chain: number;
  /** `"warmup"` or `"sample"`. */
  phase: string;
  /** Divergent transitions so far in this chain. */
  numDivergences: number;
}

/** Options of an example's `run`. Unset lengths take the example's `meta.defaults`. */
export interface RunOptions {
  /** Warmup iterations per chain. */
  numWarmup?: number;
  /** Kept draws per chain. */
  numSamples?: number;
  /** Number of chains (run one after another). */
  numChains?: number;
  /** Seed of the run's PRNG key. Default 0. */
  seed?: number;
  /** Called as the run progresses. */
  onProgress?: (p: RunProgress) => void;
}

/** Draws of one site: `data` in row-major order, `shape` `[chain, draw, ...site shape]`. */
export interface SiteDraws {
  data: Float64Array;
  shape: number[];
}

/** What an example's `run` returns: the NumPyro-style summary, the draws, and example-specific numbers. */
export interface RunResult {
  /** One row per scalar element of every sample and deterministic site (NumPyro's columns). */
  summary: SummaryRow[];
  /** Draws grouped by chain. */
  draws: Record<string, SiteDraws>;
  /** Divergent transitions over all chains. */
  numDivergences: number;
  /** Named numbers the page shows and the tests check (e.g. the true values or an LOO table). */
  extra: Record<string, number | number[] | string>;
}

/** A gallery example: metadata and a `run` function. */
export interface Example {
  meta: ExampleMeta;
  run(options?: RunOptions): Promise<RunResult>;
}

/** Draws as the MCMC driver returns them: a `Tensor`-like value or `{ data, shape }`. */
export type DrawsLike =
  | { data: ArrayLike<number>; shape: readonly number[] }
  | { dataSync(): ArrayLike<number>; shape: readonly number[] };

/** Normalises a draws value (`{ data, shape }` or a Tensor) to {@link SiteDraws}. */
export function toSiteDraws(v: DrawsLike): SiteDraws {
  const data = "dataSync" in v ? v.dataSync() : v.data;
  return { data: Float64Array.from(data), shape: [...v.shape] };
}

/** Posterior mean of every element of a site, over all chains and draws. */
export function posteriorMean(d: SiteDraws): number[] {
  const n = (d.shape[0] ?? 1) * (d.shape[1] ?? 1);
  const k = d.data.length / n;
  const out = new Array<number>(k).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) out[j] += (d.data[i * k + j] as number) / n;
  return out;
}

/** Resolves the run length from the options and the example's defaults. */
export function runLength(meta: ExampleMeta, options: RunOptions) {
  return {
    numWarmup: options.numWarmup ?? meta.defaults.numWarmup,
    numSamples: options.numSamples ?? meta.defaults.numSamples,
    numChains: options.numChains ?? meta.defaults.numChains,
  };
}

/** Runs `kernel` with MCMC (sequential chains, progress forwarded) and packages the result. */
export async function fitMcmc(
  meta: ExampleMeta,
  kernel: Kernel<object>,
  args: unknown[],
  options: RunOptions,
  extra: Record<string, number | number[] | string> = {},
): Promise<{ mcmc: MCMC<object>; result: RunResult }> {
  const len = runLength(meta, options);
  const perChain = len.numWarmup + len.numSamples;
  const mcmc = new MCMC(kernel, {
    ...len,
    progressBar: false,
    printWarnings: false,
    onProgress: options.onProgress
      ? (p) =>
          options.onProgress?.({
            fraction: (p.chain * perChain + p.iteration) / (len.numChains * perChain),
            chain: p.chain,
            phase: p.phase,
            numDivergences: p.numDivergences,
          })
      : undefined,
  });
  await mcmc.run(key(options.seed ?? 0), ...args);
  const grouped = mcmc.getSamples({ groupByChain: true }) as Record<string, DrawsLike>;
  const draws: Record<string, SiteDraws> = {};
  for (const [name, v] of Object.entries(grouped)) draws[name] = toSiteDraws(v);
  const numDivergences = mcmc.numDivergences.reduce((a, b) => a + b, 0);
  return { mcmc, result: { summary: summary(draws), draws, numDivergences, extra } };
}

/** {@link fitMcmc} with NUTS on `model` (NumPyro's defaults, or the given target acceptance probability). */
export function fitNuts(
  meta: ExampleMeta,
  model: (...args: never[]) => unknown,
  args: unknown[],
  options: RunOptions,
  extra: Record<string, number | number[] | string> = {},
  nutsOptions: { targetAcceptProb?: number } = {},
) {
  return fitMcmc(meta, new NUTS(model, nutsOptions) as Kernel<object>, args, options, extra);
}
