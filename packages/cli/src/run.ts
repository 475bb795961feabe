import { fromMCMC, type InferenceData } from "@phlox/arviz-io";
import { MCMC, NUTS } from "@phlox/mcmc";
import { key } from "@phlox/tensor";
import { CliError } from "./errors.js";
import type { DataRecord } from "./files.js";
import { type ModelModule, withModel } from "./model-module.js";

/** Options of {@link fitNuts} (NumPyro's names, camelCase). */
export interface FitOptions {
  /** Warmup iterations per chain (default 1000). */
  numWarmup?: number;
  /** Kept draws per chain (default 1000). */
  numSamples?: number;
  /** Chains (default 4). */
  numChains?: number;
  /** How chains run: `"sequential"` (default), `"vectorized"` or `"parallel"` (worker threads). */
  chainMethod?: "sequential" | "vectorized" | "parallel";
  /** PRNG seed (default 0). */
  seed?: number;
  /** NUTS's target acceptance probability (default 0.8). */
  targetAcceptProb?: number;
  /** Maximum tree depth (default 10). */
  maxTreeDepth?: number;
}

/** The outcome of {@link fitNuts}. */
export interface FitResult {
  /** The MCMC driver after the run. */
  readonly mcmc: MCMC;
  /** The run as InferenceData: posterior, sample_stats, log_likelihood, observed_data. */
  readonly idata: InferenceData;
  /** Wall time of `mcmc.run` (warmup and sampling, compilation included), in seconds. */
  readonly seconds: number;
}

function count(v: number, name: string, min: number): number {
  if (!Number.isInteger(v) || v < min)
    throw new CliError("bad-option", `--${name} must be an integer ≥ ${min}, got ${v}.`);
  return v;
}

/**
 * Fits a model module to a data file with NUTS and converts the run to InferenceData (`az.from_numpyro`'s
 * groups, log-likelihood included).
 * @param mod - the model module.
 * @param data - the data JSON (mapped to arguments by the module's `args`).
 * @param options - warmup, samples, chains, chain method, seed, NUTS options.
 * @returns the MCMC driver, the InferenceData and the wall time.
 * @throws CliError `bad-option` for out-of-range options; errors from the model propagate.
 */
export async function fitNuts(
  mod: ModelModule,
  data: DataRecord,
  options: FitOptions = {},
): Promise<FitResult> {
  const numWarmup = count(options.numWarmup ?? 1000, "warmup", 0);
  const numSamples = count(options.numSamples ?? 1000, "samples", 4);
  const numChains = count(options.numChains ?? 4, "chains", 1);
  const seed = count(options.seed ?? 0, "seed", 0);
  const args = mod.args(data);
  const kernel = new NUTS(mod.model as (...a: unknown[]) => unknown, {
    targetAcceptProb: options.targetAcceptProb ?? 0.8,
    maxTreeDepth: options.maxTreeDepth ?? 10,
  });
  const mcmc = new MCMC(kernel, {
    numWarmup,
    numSamples,
    numChains,
    chainMethod: options.chainMethod ?? "sequential",
    progressBar: false,
  });
  const t0 = performance.now();
  await withModel(mod, "phlox run", () => mcmc.run(key(seed), ...args));
  const seconds = (performance.now() - t0) / 1000;
  return { mcmc, idata: fromMCMC(mcmc), seconds };
}
