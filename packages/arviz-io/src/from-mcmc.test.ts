import { describe, expect, test } from "vitest";
import { ArvizIoError } from "./errors.js";
import {
  fromMCMC,
  fromPredictive,
  fromSVI,
  type McmcSource,
  sampleStatsFromExtraFields,
} from "./from-mcmc.js";

const C = 2;
const D = 3;
const cd = (f: (i: number) => number, rest: number[] = []) => {
  const n = C * D * rest.reduce((a, b) => a * b, 1);
  return { data: Float64Array.from({ length: n }, (_, i) => f(i)), shape: [C, D, ...rest] };
};

const source: McmcSource = {
  getSamples: () => ({ mu: cd((i) => i), theta: cd((i) => -i, [4]) }),
  getExtraFields: () => ({
    potential_energy: cd((i) => 10 + i),
    energy: cd((i) => 20 + i),
    diverging: cd((i) => (i === 1 ? 1 : 0)),
    num_steps: { data: Int32Array.from([1, 3, 7, 15, 31, 2]), shape: [C, D] },
    accept_prob: cd(() => 0.8),
    "adapt_state.step_size": cd(() => 0.25),
    meanAcceptProb: cd(() => 0.7),
  }),
  logLikelihood: () => ({ y: { data: new Float64Array(C * D * 4), shape: [C * D, 4] } }),
  observations: () => ({ y: [1, 2, 3, 4] }),
};

describe("fromMCMC", () => {
  const idata = fromMCMC(source, {
    dims: { theta: ["school"], y: ["school"] },
    coords: { school: ["a", "b", "c", "d"] },
  });

  test("builds posterior, sample_stats, log_likelihood and observed_data with az.from_numpyro's names", () => {
    expect(idata.groupNames()).toEqual(["posterior", "log_likelihood", "sample_stats", "observed_data"]);
    expect(idata.variable("posterior", "theta").dims).toEqual(["chain", "draw", "school"]);
    expect(idata.variable("log_likelihood", "y").shape).toEqual([C, D, 4]);
    expect(idata.variable("observed_data", "y").dims).toEqual(["school"]);
    expect(Object.keys(idata.get("sample_stats").variables).sort()).toEqual(
      [
        "acceptance_rate",
        "diverging",
        "energy",
        "lp",
        "mean_accept_prob",
        "n_steps",
        "step_size",
        "tree_depth",
      ].sort(),
    );
    expect(idata.get("posterior").attrs).toMatchObject({
      inference_library: "phlox",
      arviz_version: "0.23.4",
    });
  });

  test("lp is minus the potential energy (the log density), as ArviZ stores it", () => {
    expect(Array.from(idata.variable("sample_stats", "lp").data as Float64Array)).toEqual([
      -10, -11, -12, -13, -14, -15,
    ]);
  });

  test("tree_depth is floor(log2(n_steps)) + 1 and both are int64; diverging is bool", () => {
    expect(idata.variable("sample_stats", "n_steps").dtype).toBe("int64");
    expect(Array.from(idata.variable("sample_stats", "tree_depth").data as BigInt64Array, Number)).toEqual([
      1, 2, 3, 4, 5, 2,
    ]);
    expect(idata.variable("sample_stats", "diverging").dtype).toBe("bool");
    expect(Array.from(idata.variable("sample_stats", "diverging").data as Uint8Array)).toEqual([
      0, 1, 0, 0, 0, 0,
    ]);
  });

  test("camelCase extra fields map to the same ArviZ names", () => {
    const stats = sampleStatsFromExtraFields({
      potentialEnergy: [[1]],
      numSteps: [[4]],
      acceptProb: [[0.5]],
      stepSize: [[0.1]],
    });
    expect(Object.keys(stats).sort()).toEqual([
      "acceptance_rate",
      "lp",
      "n_steps",
      "step_size",
      "tree_depth",
    ]);
  });

  test("logLikelihood: false drops the group; true without a source method throws a clear error", () => {
    expect(fromMCMC(source, { logLikelihood: false }).has("log_likelihood")).toBe(false);
    const bare: McmcSource = { getSamples: source.getSamples };
    expect(() => fromMCMC(bare, { logLikelihood: true })).toThrow(/logLikelihood\(\)/);
    expect(fromMCMC(bare).groupNames()).toEqual(["posterior"]);
  });

  test("predictive groups accept [chain·draw, ...] draws; prior splits into prior and prior_predictive", () => {
    const r = fromMCMC(source, {
      posteriorPredictive: { y: { data: new Float64Array(C * D * 4), shape: [C * D, 4] } },
      predictions: { yNew: { data: new Float64Array(C * D * 2), shape: [C, D, 2] } },
      predictionsConstantData: { xNew: [0.5, 1.5] },
      constantData: { sigma: [1, 1, 1, 1] },
      prior: {
        mu: { data: new Float64Array(5), shape: [5] },
        y: { data: new Float64Array(20), shape: [5, 4] },
      },
      predDims: { yNew: ["new"], xNew: ["new"] },
    });
    expect(r.variable("posterior_predictive", "y").shape).toEqual([C, D, 4]);
    expect(r.variable("predictions", "yNew").dims).toEqual(["chain", "draw", "new"]);
    expect(r.variable("predictions_constant_data", "xNew").dims).toEqual(["new"]);
    expect(r.variable("prior", "mu").shape).toEqual([1, 5]);
    expect(r.variable("prior_predictive", "y").shape).toEqual([1, 5, 4]);
    expect(r.has("constant_data")).toBe(true);
    expect(() =>
      fromMCMC(source, { posteriorPredictive: { y: { data: new Float64Array(7), shape: [7] } } }),
    ).toThrow(ArvizIoError);
  });
});

describe("fromPredictive and fromSVI", () => {
  test("fromPredictive splits flat draws into chains", () => {
    const r = fromPredictive({ y: { data: new Float64Array(12), shape: [6, 2] } }, { numChains: 2 });
    expect(r.variable("posterior_predictive", "y").dims).toEqual(["chain", "draw", "y_dim_0"]);
    expect(r.variable("posterior_predictive", "y").shape).toEqual([2, 3, 2]);
    expect(() => fromPredictive({ y: { data: new Float64Array(5), shape: [5] } }, { numChains: 2 })).toThrow(
      /divisible/,
    );
    expect(fromPredictive({ y: [1, 2] }, { group: "prior_predictive" }).groupNames()).toEqual([
      "prior_predictive",
    ]);
  });

  test("fromSVI stores guide draws as one chain", () => {
    const r = fromSVI(
      { mu: { data: new Float64Array(4), shape: [4] }, b: { data: new Float64Array(8), shape: [4, 2] } },
      {
        observedData: { y: [1, 2] },
        posteriorPredictive: { y: { data: new Float64Array(8), shape: [4, 2] } },
      },
    );
    expect(r.sampleShape()).toEqual({ numChains: 1, numDraws: 4 });
    expect(r.variable("posterior", "b").dims).toEqual(["chain", "draw", "b_dim_0"]);
    expect(r.groupNames()).toEqual(["posterior", "posterior_predictive", "observed_data"]);
  });
});
