/**
 * @internal The models of `scripts/enum_fixtures.py` written in Phlox (the Python loops with `markov` as
 * JavaScript loops, NumPyro's `scan` HMMs of examples/hmm_enum.py as `markov` loops). Shared by the tests.
 */
import { Bernoulli, Categorical, Normal } from "@phlox/distributions";
import { factor, Mask, markov, plate, sample } from "@phlox/handlers";
import * as T from "@phlox/tensor";

type Tensor = T.Tensor;
export type Params = Readonly<Record<string, Tensor>>;
export type FixtureModel = (args: readonly Tensor[], p: Params) => void;

const int = (x: Tensor): Tensor => T.cast(x, "int32");
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const row = (x: Tensor, t: number): Tensor => T.squeeze(T.slice(x, [t], [t + 1]), 0);

export const fixtureModels: Readonly<Record<string, FixtureModel>> = {
  mixture([data], p) {
    plate("N", data.shape[0], () => {
      const z = sample("z", new Categorical(p.w));
      sample("y", new Normal(T.take(p.locs, int(z), 0), p.scale), { obs: data });
    });
  },
  nested([data], p) {
    const a = sample("a", new Bernoulli(p.pa));
    plate(
      "I",
      data.shape[0],
      () => {
        const b = sample("b", new Bernoulli(T.take(p.pb, int(a), 0)));
        plate(
          "J",
          data.shape[1],
          () => {
            const c = sample("c", new Categorical(T.take(p.pc, int(b), 0)));
            sample("y", new Normal(T.add(T.take(p.mu, int(c), 0), a), 1), { obs: data });
          },
          { dim: -1 },
        );
      },
      { dim: -2 },
    );
  },
  several([data], p) {
    const z1 = sample("z1", new Categorical(p.w1));
    const z2 = sample("z2", new Categorical(T.take(p.w2, int(z1), 0)));
    const k2 = p.fz.shape[1];
    factor("f", T.take(T.reshape(p.fz, [-1]), T.add(T.mul(int(z1), k2), int(z2)), 0));
    plate("N", data.shape[0], () => {
      const mu = T.add(T.take(p.mu1, int(z1), 0), T.take(p.mu2, int(z2), 0));
      sample("y", new Normal(mu, 1), { obs: data });
    });
  },
  hmm_loop([data], p) {
    let x: Tensor = T.scalar(0, "int32");
    for (const t of markov(range(data.shape[0]))) {
      x = int(sample(`x_${t}`, new Categorical(T.take(p.trans, x, 0))));
      sample(`y_${t}`, new Normal(T.take(p.locs, x, 0), 1), { obs: row(data, t) });
    }
  },
  hmm_plate_loop([data], p) {
    plate("S", data.shape[1], () => {
      let x: Tensor = T.scalar(0, "int32");
      for (const t of markov(range(data.shape[0]))) {
        x = int(sample(`x_${t}`, new Categorical(T.take(p.trans, x, 0))));
        sample(`y_${t}`, new Normal(T.take(p.locs, x, 0), p.scale), { obs: row(data, t) });
      }
    });
  },
  hmm_order2([data], p) {
    const k = p.trans2.shape[0];
    const flat = T.reshape(p.trans2, [k * k, k]);
    let x1: Tensor = T.scalar(0, "int32");
    let x2: Tensor = T.scalar(0, "int32");
    for (const t of markov(range(data.shape[0]), { history: 2 })) {
      const x = int(sample(`x_${t}`, new Categorical(T.take(flat, T.add(T.mul(x1, k), x2), 0))));
      sample(`y_${t}`, new Normal(T.take(p.locs, x, 0), 1), { obs: row(data, t) });
      x1 = x2;
      x2 = x;
    }
  },
  hmm_model_1([sequences, lengths], p) {
    const [numSequences, maxLength, dataDim] = sequences.shape;
    let xPrev: Tensor = T.zeros([numSequences, 1], "int32");
    for (const t of markov(range(maxLength))) {
      const y = T.squeeze(T.slice(sequences, [0, t, 0], [numSequences, t + 1, dataDim]), 1);
      const m = T.reshape(T.gt(lengths, t), [numSequences, 1]);
      plate(
        "sequences",
        numSequences,
        () => {
          new Mask(m).run(() => {
            const x = int(
              sample(`x_${t}`, new Categorical(T.take(p.probs_x, xPrev, 0)), {
                infer: { enumerate: "parallel" },
              }),
            );
            plate("tones", dataDim, () => {
              sample(`y_${t}`, new Bernoulli(T.take(p.probs_y, T.squeeze(x, -1), 0)), { obs: y });
            });
            xPrev = x;
          });
        },
        { dim: -2 },
      );
    }
  },
  hmm_model_2([sequences, lengths], p) {
    const [numSequences, maxLength, dataDim] = sequences.shape;
    const flatY = T.reshape(p.probs_y, [-1]);
    let xPrev: Tensor = T.zeros([numSequences, 1], "int32");
    let yPrev: Tensor = T.zeros([numSequences, dataDim], "int32");
    for (const t of markov(range(maxLength))) {
      const y = T.squeeze(T.slice(sequences, [0, t, 0], [numSequences, t + 1, dataDim]), 1);
      const m = T.reshape(T.gt(lengths, t), [numSequences, 1]);
      plate(
        "sequences",
        numSequences,
        () => {
          new Mask(m).run(() => {
            const x = int(
              sample(`x_${t}`, new Categorical(T.take(p.probs_x, xPrev, 0)), {
                infer: { enumerate: "parallel" },
              }),
            );
            plate("tones", dataDim, (tones) => {
              const idx = T.add(T.add(T.mul(x, 2 * dataDim), T.mul(yPrev, dataDim)), tones);
              sample(`y_${t}`, new Bernoulli(T.take(flatY, idx, 0)), { obs: y });
            });
            xPrev = x;
            yPrev = int(y);
          });
        },
        { dim: -2 },
      );
    }
  },
};
