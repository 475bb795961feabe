import { Bernoulli, Categorical, Normal, Poisson } from "@phlox/distributions";
import * as T from "@phlox/tensor";
import { type Tensor, tensor } from "@phlox/tensor";
import { describe, expect, it } from "vitest";
import { scan } from "../control-flow/scan.js";
import { seed } from "../handlers/seed.js";
import { type Trace, trace } from "../handlers/trace.js";
import { plate } from "../primitives/plate.js";
import { sample } from "../primitives/sample.js";
import { configEnumerate } from "./config-enumerate.js";
import type { EnumDim } from "./enumerate.js";
import { enumerate } from "./enumerate.js";
import { markov } from "./markov.js";
import type { ScanEnumInfo } from "./scan-enum.js";

const par = { infer: { enumerate: "parallel" } };
const dims = (tr: Trace, name: string): [string, number][] =>
  ((tr.get(name)?.infer.enumDims as EnumDim[]) ?? []).map((e) => [e.name, e.dim]);

describe("enumerate (NumPyro's contrib.funsor.enum)", () => {
  it("lays each enumerated site along its own dimension left of the plates", () => {
    const model = (): void => {
      const a = sample("a", new Bernoulli(0.3), par);
      plate("N", 4, () => {
        const z = sample("z", new Categorical(tensor([0.2, 0.3, 0.5])), par);
        sample("y", new Normal(z.add(a), 1), { obs: tensor([0, 1, 2, 3]) });
      });
    };
    const tr = trace(enumerate(model, { firstAvailableDim: -2 })).getTrace();
    expect(tr.get("a")?.value?.shape).toEqual([2, 1]);
    expect(tr.get("z")?.value?.shape).toEqual([3, 1, 1]);
    expect(Array.from(tr.get("z")?.value?.dataSync() ?? [])).toEqual([0, 1, 2]);
    expect(dims(tr, "y")).toEqual([
      ["a", -2],
      ["z", -3],
    ]);
    expect(tr.get("y")?.fn?.logProb(tr.get("y")?.value as Tensor).shape).toEqual([3, 2, 4]);
  });

  it("configEnumerate marks latent sites with finite support only, and a site's own mark wins", () => {
    const model = (): void => {
      sample("b", new Bernoulli(0.5));
      sample("n", new Poisson(2));
      sample("x", new Normal(0, 1));
      sample("o", new Bernoulli(0.5), { obs: 1 });
    };
    const tr = trace(seed(configEnumerate(model), 0)).getTrace();
    expect(tr.get("b")?.infer.enumerate).toBe("parallel");
    expect(tr.get("n")?.infer.enumerate).toBeUndefined();
    expect(tr.get("x")?.infer.enumerate).toBeUndefined();
    expect(tr.get("o")?.infer.enumerate).toBeUndefined();
  });

  it("markov reuses the dimensions of steps older than its history", () => {
    const chain = (history: number) => (): void => {
      let x: Tensor = tensor(0);
      for (const t of markov([0, 1, 2, 3, 4], { history })) {
        x = sample(`x_${t}`, new Bernoulli(x.mul(0.5).add(0.25)), par);
      }
    };
    const tr1 = trace(enumerate(chain(1), { firstAvailableDim: -1 })).getTrace();
    expect([0, 1, 2, 3, 4].map((t) => tr1.get(`x_${t}`)?.value?.shape.length)).toEqual([1, 2, 1, 2, 1]);
    expect(dims(tr1, "x_3")).toEqual([
      ["x_2", -1],
      ["x_3", -2],
    ]);
    const tr2 = trace(enumerate(chain(2), { firstAvailableDim: -1 })).getTrace();
    expect([0, 1, 2, 3, 4].map((t) => tr2.get(`x_${t}`)?.value?.shape.length)).toEqual([1, 2, 3, 1, 2]);
    // without markov every step keeps its own dimension
    const flat = (): void => {
      let x: Tensor = tensor(0);
      for (let t = 0; t < 4; t++) x = sample(`x_${t}`, new Bernoulli(x.mul(0.5).add(0.25)), par);
    };
    const tr3 = trace(enumerate(flat, { firstAvailableDim: -1 })).getTrace();
    expect(tr3.get("x_3")?.value?.shape.length).toBe(4);
  });

  it("markov as a generator leaves the handler stack clean when the loop breaks or throws", () => {
    const steps: number[] = [];
    for (const t of markov([0, 1, 2])) {
      steps.push(t);
      if (t === 1) break;
    }
    expect(steps).toEqual([0, 1]);
    expect(() => {
      for (const t of markov([0, 1])) if (t === 1) throw new Error("boom");
    }).toThrow("boom");
    // the stack is empty again: a bare sample with a key draws without handlers
    expect(sample("x", new Normal(0, 1), { obs: 1 }).item()).toBe(1);
  });

  it("enumerates discrete sites inside a model-level scan along a current and a previous dimension", () => {
    const trans = T.tensor([
      [0.9, 0.1, 0],
      [0.2, 0.3, 0.5],
      [0.1, 0.1, 0.8],
    ]);
    const model = (): void => {
      scan(
        (z: Tensor) => {
          const zt = sample("z", new Categorical(T.take(trans, z, 0)));
          sample("y", new Normal(zt, 1), { obs: 0.5 });
          return [zt, null];
        },
        T.tensor(0, { dtype: "int32" }),
        null,
        { length: 4 },
      );
    };
    const tr = trace(enumerate(model, { firstAvailableDim: -1 })).getTrace();
    const z = tr.get("z");
    const info = z?.infer.scanEnum as ScanEnumInfo;
    expect(info.chains.map((c) => [c.name, c.prevName, c.size, c.dim, c.prevDim])).toEqual([
      ["z", "_PREV_z", 3, -1, -2],
    ]);
    expect(z?.value?.shape).toEqual([4, 3]);
    // log densities: time, previous, current
    expect(z?.fn?.logProb(z?.value as Tensor).shape).toEqual([4, 3, 3]);
    expect(tr.get("y")?.fn?.logProb(tr.get("y")?.value as Tensor).shape).toEqual([4, 1, 3]);
    expect(dims(tr, "y")).toEqual([
      ["_PREV_z", -2],
      ["z", -1],
      ["_time_z", -3],
    ]);
  });

  it("refuses what enumeration through scan cannot do, naming the site and the fix", () => {
    const run =
      (body: (c: Tensor) => [Tensor, null], history = 1) =>
      () =>
        trace(
          seed(
            enumerate(() => scan(body, T.tensor(0), null, { length: 3, history }), { firstAvailableDim: -1 }),
            0,
          ),
        ).getTrace();
    // a carry that sums every step's state is no Markov chain
    expect(run((c) => [c.add(sample("z", new Bernoulli(0.5), par)), null])).toThrow(
      /"z" of 1 step\(s\) back.*history 1.*raise the scan's history/s,
    );
    // not with a longer history either: the sum reaches back every step
    expect(run((c) => [c.add(sample("z", new Bernoulli(0.5), par)), null], 2)).toThrow(
      /"z" of 2 step\(s\) back/,
    );
    // no finite support
    expect(run((c) => [c.add(sample("n", new Poisson(2), par)), null])).toThrow(
      /sample\("n"\) inside a scan body.*no finite support/s,
    );
    // reversed scans
    expect(() =>
      trace(
        enumerate(
          () =>
            scan((_c: Tensor) => [sample("z", new Bernoulli(0.5), par), null], T.tensor(0), null, {
              length: 3,
              reverse: true,
            }),
          { firstAvailableDim: -1 },
        ),
      ).getTrace(),
    ).toThrow(/reverse.*"z"/s);
    // history 0: no chain
    expect(run((_c) => [sample("z", new Bernoulli(0.5), par), null], 0)).toThrow(/history 0.*"z"/s);
  });
});
