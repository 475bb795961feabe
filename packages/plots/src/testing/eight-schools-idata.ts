/** Builds the eight-schools InferenceData from the fixture's data block (no file access: browsers use it too). */
import { createDataset, InferenceData } from "@phlox/arviz-io";

/** The `data` block of `fixtures/eight-schools.json`. */
export interface EightSchoolsData {
  schools: string[];
  posterior: { mu: number[]; theta: number[]; tau: number[] };
  energy: number[];
  diverging: boolean[];
  logLik: number[];
  posteriorPredictive: number[];
  observed: number[];
  chains: number;
  draws: number;
}

/** The fixture's draws as an InferenceData with posterior, sample_stats, log_likelihood, posterior_predictive, observed_data. */
export function eightSchoolsIdataFrom(f: EightSchoolsData): InferenceData {
  const C = f.chains;
  const D = f.draws;
  const coords = { school: f.schools };
  const dims = { theta: ["school"], obs: ["school"] };
  return new InferenceData({
    posterior: createDataset(
      {
        mu: { data: Float64Array.from(f.posterior.mu), shape: [C, D] },
        theta: { data: Float64Array.from(f.posterior.theta), shape: [C, D, 8] },
        tau: { data: Float64Array.from(f.posterior.tau), shape: [C, D] },
      },
      { coords, dims },
    ),
    sample_stats: createDataset({
      energy: { data: Float64Array.from(f.energy), shape: [C, D] },
      diverging: { data: f.diverging, shape: [C, D], dtype: "bool" },
    }),
    log_likelihood: createDataset(
      { obs: { data: Float64Array.from(f.logLik), shape: [C, D, 8] } },
      { coords, dims },
    ),
    posterior_predictive: createDataset(
      { obs: { data: Float64Array.from(f.posteriorPredictive), shape: [C, D, 8] } },
      { coords, dims },
    ),
    observed_data: createDataset(
      { obs: { data: Float64Array.from(f.observed), shape: [8] } },
      { coords, dims, sampleDims: false },
    ),
  });
}
