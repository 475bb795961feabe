import { Bernoulli, Categorical, Normal } from "@phlox/distributions";
import { markov, sample, scan } from "@phlox/handlers";
import * as T from "@phlox/tensor";
import { describe, expect, it } from "vitest";
import { enumLogDensity } from "./enum-log-density.js";

const ys = T.tensor([0.3, -1.2, 2.1, 1.7, -0.4, 0.9]);
const trans = T.tensor([
  [0.7, 0.2, 0.1],
  [0.1, 0.8, 0.1],
  [0.3, 0.3, 0.4],
]);
const w = T.tensor([
  [0.9, 0.1],
  [0.25, 0.75],
]);
const locs = T.tensor([-1, 0.5, 2]);
const int = (x: T.Tensor): T.Tensor => T.cast(x, "int32");
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe("enumeration through scan: several chains, and a global discrete site read in the body", () => {
  it("a factorial HMM (two chains in one body) equals its markov loop", () => {
    const emit = (x: T.Tensor, u: T.Tensor) => new Normal(T.add(T.take(locs, x, 0), T.mul(u, 0.7)), 0.8);
    const viaScan = (data: T.Tensor): void => {
      scan(
        ([x, u]: [T.Tensor, T.Tensor], yt: T.Tensor) => {
          const xt = int(sample("x", new Categorical(T.take(trans, x, 0))));
          const ut = int(sample("u", new Categorical(T.take(w, u, 0))));
          sample("y", emit(xt, ut), { obs: yt });
          return [[xt, ut] as [T.Tensor, T.Tensor], null];
        },
        [T.scalar(0, "int32"), T.scalar(1, "int32")],
        data,
      );
    };
    const viaLoop = (data: T.Tensor): void => {
      let x = T.scalar(0, "int32");
      let u = T.scalar(1, "int32");
      for (const t of markov(range(data.shape[0]))) {
        x = int(sample(`x_${t}`, new Categorical(T.take(trans, x, 0))));
        u = int(sample(`u_${t}`, new Categorical(T.take(w, u, 0))));
        sample(`y_${t}`, emit(x, u), { obs: T.reshape(T.slice(data, [t], [t + 1]), []) });
      }
    };
    const a = enumLogDensity(viaScan, [ys], {}).logJoint.item();
    const b = enumLogDensity(viaLoop, [ys], {}).logJoint.item();
    expect(Math.abs(a - b)).toBeLessThan(1e-12);
  });

  it("a global discrete site read inside the body is summed out with the chain", () => {
    const viaScan = (data: T.Tensor): void => {
      const g = sample("g", new Bernoulli(0.3));
      scan(
        (x: T.Tensor, yt: T.Tensor) => {
          const xt = int(sample("x", new Categorical(T.take(trans, x, 0))));
          sample("y", new Normal(T.add(T.take(locs, xt, 0), g), 1), { obs: yt });
          return [xt, null];
        },
        T.scalar(0, "int32"),
        data,
      );
    };
    const viaLoop = (data: T.Tensor): void => {
      const g = sample("g", new Bernoulli(0.3));
      let x = T.scalar(0, "int32");
      for (const t of markov(range(data.shape[0]))) {
        x = int(sample(`x_${t}`, new Categorical(T.take(trans, x, 0))));
        sample(`y_${t}`, new Normal(T.add(T.take(locs, x, 0), g), 1), {
          obs: T.reshape(T.slice(data, [t], [t + 1]), []),
        });
      }
    };
    const a = enumLogDensity(viaScan, [ys], {}).logJoint.item();
    const b = enumLogDensity(viaLoop, [ys], {}).logJoint.item();
    expect(Math.abs(a - b)).toBeLessThan(1e-12);
  });
});
