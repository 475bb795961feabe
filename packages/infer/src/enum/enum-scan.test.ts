import { readFileSync } from "node:fs";
import { Bernoulli, Beta, Categorical, Dirichlet } from "@phlox/distributions";
import { Mask, plate, sample, scan, substitute, trace } from "@phlox/handlers";
import * as T from "@phlox/tensor";
import { describe, expect, it } from "vitest";
import { initializeModel } from "../initialize-model.js";
import { logLikelihood } from "../predictive.js";
import { enumLogDensity } from "./enum-log-density.js";
import { fixtureModels } from "./fixture-models.js";
import { inferDiscrete } from "./infer-discrete.js";
import { model3 } from "./scan-fixture-models.js";

interface Case {
  name: "model_1" | "model_2" | "model_3";
  params: Record<string, number[]>;
  logDensity: number;
  grad: Record<string, number[]>;
}
const fixture = JSON.parse(
  readFileSync(new URL("../../fixtures/enum-scan.json", import.meta.url), "utf8"),
) as {
  sequences: number[][][];
  lengths: number[];
  cases: Case[];
};
const H = 3;
const int = (x: T.Tensor): T.Tensor => T.cast(x, "int32");

/** NumPyro's examples/hmm_enum.py model_1, with scan. */
function model1(sequences: T.Tensor, lengths: T.Tensor): void {
  const [n, , d] = sequences.shape;
  const probsX = sample("probs_x", new Dirichlet(T.add(T.mul(T.eye(H), 0.9), 0.1)).toEvent(1));
  const probsY = sample("probs_y", new Beta(0.1, 0.9).expand([H, d]).toEvent(2));
  scan(
    ([xPrev, t]: [T.Tensor, T.Tensor], y: T.Tensor) => {
      let x = xPrev;
      plate(
        "sequences",
        n,
        () => {
          new Mask(T.reshape(T.gt(lengths, t), [n, 1])).run(() => {
            x = int(sample("x", new Categorical(T.take(probsX, xPrev, 0))));
            plate("tones", d, () => {
              sample("y", new Bernoulli(T.take(probsY, T.squeeze(x, -1), 0)), { obs: y });
            });
          });
        },
        { dim: -2 },
      );
      return [[x, T.add(t, 1)] as [T.Tensor, T.Tensor], null];
    },
    [T.zeros([n, 1], "int32"), T.scalar(0)],
    T.transpose(sequences, [1, 0, 2]),
  );
}

/** NumPyro's examples/hmm_enum.py model_2 (y also depends on the previous y), with scan. */
function model2(sequences: T.Tensor, lengths: T.Tensor): void {
  const [n, , d] = sequences.shape;
  const probsX = sample("probs_x", new Dirichlet(T.add(T.mul(T.eye(H), 0.9), 0.1)).toEvent(1));
  const probsY = sample("probs_y", new Beta(0.1, 0.9).expand([H, 2, d]).toEvent(3));
  const flatY = T.reshape(probsY, [-1]);
  scan(
    ([xPrev, yPrev, t]: [T.Tensor, T.Tensor, T.Tensor], y: T.Tensor) => {
      let x = xPrev;
      plate(
        "sequences",
        n,
        () => {
          new Mask(T.reshape(T.gt(lengths, t), [n, 1])).run(() => {
            x = int(sample("x", new Categorical(T.take(probsX, xPrev, 0))));
            plate("tones", d, (tones) => {
              const idx = T.add(T.add(T.mul(x, 2 * d), T.mul(yPrev, d)), tones);
              sample("y", new Bernoulli(T.take(flatY, idx, 0)), { obs: y });
            });
          });
        },
        { dim: -2 },
      );
      return [[x, int(y), T.add(t, 1)] as [T.Tensor, T.Tensor, T.Tensor], null];
    },
    [T.zeros([n, 1], "int32"), T.zeros([n, d], "int32"), T.scalar(0)],
    T.transpose(sequences, [1, 0, 2]),
  );
}

const models = { model_1: model1, model_2: model2, model_3: model3 };
const sequences = T.tensor(fixture.sequences, { dtype: "int32" });
const lengths = T.tensor(fixture.lengths, { dtype: "int32" });
const density = (c: Case, p: Record<string, T.Tensor>): T.Tensor =>
  enumLogDensity(models[c.name], [sequences, lengths], p).logJoint;
const params = (c: Case): Record<string, T.Tensor> =>
  Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, T.tensor(v)]));

describe("enumeration through a model-level scan (NumPyro's scan_enum)", () => {
  it("hmm_enum model_1, model_2 and a second-order HMM (history 2) with scan: value and gradient equal NumPyro's", () => {
    for (const c of fixture.cases) {
      const p = params(c);
      const names = Object.keys(p);
      const [v, g] = T.valueAndGrad(
        (...xs: T.Tensor[]) => density(c, Object.fromEntries(names.map((k, i) => [k, xs[i]]))),
        names.map((_, i) => i),
      )(...names.map((k) => p[k]));
      expect(Math.abs(v.item() - c.logDensity)).toBeLessThan(1e-10 * (1 + Math.abs(c.logDensity)));
      names.forEach((k, i) => {
        const got = (g as T.Tensor[])[i].dataSync();
        const want = T.tensor(c.grad[k]).dataSync();
        for (let j = 0; j < want.length; j++)
          expect(Math.abs(got[j] - want[j])).toBeLessThan(1e-8 * (1 + Math.abs(want[j])));
      });
    }
  }, 120_000);

  it("the scan form equals the markov-loop form: initializeModel's potential and gradient, finite differences", () => {
    const markov1 = (seqs: T.Tensor, lens: T.Tensor): void => {
      const d = seqs.shape[2];
      const probsX = sample("probs_x", new Dirichlet(T.add(T.mul(T.eye(H), 0.9), 0.1)).toEvent(1));
      const probsY = sample("probs_y", new Beta(0.1, 0.9).expand([H, d]).toEvent(2));
      fixtureModels.hmm_model_1([seqs, lens], { probs_x: probsX, probs_y: probsY });
    };
    const args = [sequences, lengths];
    const viaScan = initializeModel(T.key(3), model1, args);
    const viaLoop = initializeModel(T.key(3), markov1, args);
    expect(viaScan.layout.map((l) => l.name)).toEqual(["probs_x", "probs_y"]);
    expect(viaScan.compiled).toBe(true);
    // The first trace gives enumerated sites their first support value instead of a draw: only their shape
    // matters, and the scan body then carries no PRNG key (a traced threefry per step, most of the set-up).
    // The first trace gives sites that will be enumerated their first support value instead of a draw: only
    // their shape matters, and the scan body then carries no PRNG key (a traced threefry per step, most of the
    // set-up time).
    for (const [info, name] of [
      [viaScan, "x"],
      [viaLoop, "x_0"],
    ] as const) {
      const v = info.prototypeTrace.get(name)?.value;
      expect(v).toBeInstanceOf(T.Tensor);
      expect(
        [...(v as T.Tensor).dataSync()].every((a) => a === 0),
        name,
      ).toBe(true);
    }
    const g = new Float64Array(viaScan.dim);
    const gl = new Float64Array(viaScan.dim);
    for (const shift of [0, 0.4]) {
      const z = viaScan.initialZ.map((v, i) => v + shift * Math.sin(i + 1));
      const u = viaScan.potentialFn(z, g);
      const ul = viaLoop.potentialFn(z, gl);
      expect(Math.abs(u - ul)).toBeLessThan(1e-10 * (1 + Math.abs(ul)));
      for (let i = 0; i < viaScan.dim; i++)
        expect(Math.abs(g[i] - gl[i])).toBeLessThan(1e-9 * (1 + Math.abs(gl[i])));
      // central finite differences of the compiled scan potential
      for (const i of [0, viaScan.dim - 1]) {
        const h = 1e-5;
        const up = z.slice();
        const dn = z.slice();
        up[i] += h;
        dn[i] -= h;
        const fd =
          (viaScan.potentialFn(Float64Array.from(up), new Float64Array(viaScan.dim)) -
            viaScan.potentialFn(Float64Array.from(dn), new Float64Array(viaScan.dim))) /
          (2 * h);
        expect(Math.abs(fd - g[i])).toBeLessThan(1e-6 * (1 + Math.abs(g[i])));
      }
    }
  }, 120_000);

  it("inferDiscrete through scan: Viterbi states equal the markov loop's, and posterior draws run", () => {
    const c = fixture.cases[0] as Case;
    const p = params(c);
    const loop = (seqs: T.Tensor, lens: T.Tensor): void => fixtureModels.hmm_model_1([seqs, lens], p);
    const mapScan = trace(inferDiscrete(substitute(model1, p), { temperature: 0 })).getTrace(
      sequences,
      lengths,
    );
    const mapLoop = trace(inferDiscrete(loop, { temperature: 0 })).getTrace(sequences, lengths);
    const x = mapScan.get("x")?.value as T.Tensor;
    const [n, steps] = sequences.shape;
    expect(x.shape).toEqual([steps, n, 1]);
    const xs = x.dataSync();
    // past a sequence's length every state scores the same: compare the observed steps
    for (let t = 0; t < steps; t++) {
      const xt = (mapLoop.get(`x_${t}`)?.value as T.Tensor | undefined)?.dataSync() ?? [];
      for (let i = 0; i < n; i++) if (t < fixture.lengths[i]) expect(xs[t * n + i]).toBe(xt[i]);
    }
    const draw = (k: number) => {
      const tr = trace(inferDiscrete(substitute(model1, p), { temperature: 1, rngKey: k })).getTrace(
        sequences,
        lengths,
      );
      return (tr.get("x")?.value as T.Tensor | undefined)?.dataSync() ?? [];
    };
    const d1 = draw(1);
    expect(Array.from(d1).every((v) => v >= 0 && v < H)).toBe(true);
    expect(Array.from(draw(1))).toEqual(Array.from(d1));
  }, 120_000);

  it("logLikelihood through scan equals the markov loop's, step by step", () => {
    const c = fixture.cases[1] as Case;
    const draws = Object.fromEntries(
      Object.entries(params(c)).map(([k, v]) => [k, T.stack([v, T.mul(T.add(v, 0.05), 1 / 1.05)])]),
    );
    const markov1 = (seqs: T.Tensor, lens: T.Tensor): void => {
      const d = seqs.shape[2];
      const probsX = sample("probs_x", new Dirichlet(T.add(T.mul(T.eye(H), 0.9), 0.1)).toEvent(1));
      const probsY = sample("probs_y", new Beta(0.1, 0.9).expand([H, 2, d]).toEvent(3));
      fixtureModels.hmm_model_2([seqs, lens], { probs_x: probsX, probs_y: probsY });
    };
    const viaScan = logLikelihood(model2, draws, [sequences, lengths]);
    const viaLoop = logLikelihood(markov1, draws, [sequences, lengths]);
    const [n, steps, d] = sequences.shape;
    expect(viaScan.y.shape).toEqual([2, steps, n, d]);
    const got = viaScan.y.dataSync();
    for (let t = 0; t < steps; t++) {
      const want = viaLoop[`y_${t}`].dataSync();
      for (let s = 0; s < 2; s++)
        for (let j = 0; j < n * d; j++)
          expect(Math.abs(got[(s * steps + t) * n * d + j] - want[s * n * d + j])).toBeLessThan(1e-10);
    }
  }, 120_000);
});
