import { type Distribution, Normal } from "@phlox/distributions";
import { seed, substitute, trace } from "@phlox/handlers";
import { key, normal, stack, type Tensor, take, tensor, zeros } from "@phlox/tensor";
import { describe, expect, test } from "vitest";
import { tanh } from "./activations.js";
import { Dense } from "./dense.js";
import { ModuleError } from "./errors.js";
import { moduleParams, nnModule, randomModule } from "./nn-module.js";
import { initParams } from "./params.js";
import { Sequential } from "./sequential.js";

const mlp = (): Sequential => new Sequential([new Dense(4), tanh, new Dense(1)]);
const X = tensor([
  [0.1, -0.2],
  [0.3, 0.5],
  [-1, 2],
]);

describe("nnModule registers parameters with param (NumPyro's flax_module)", () => {
  test("one param site per parameter, initialised from the seed, replaced under substitute", () => {
    let out: Tensor | undefined;
    const model = (): void => {
      const net = nnModule("net", mlp(), { inputShape: [3, 2] });
      out = net(X);
    };
    const tr = trace(seed(model, key(0))).getTrace();
    const params = [...tr.values()].filter((s) => s.type === "param").map((s) => s.name);
    expect(params).toEqual([
      "net$params.layers_0.kernel",
      "net$params.layers_0.bias",
      "net$params.layers_2.kernel",
      "net$params.layers_2.bias",
    ]);
    expect(out?.shape).toEqual([3, 1]);
    // deterministic: the same seed gives the same initial values
    const again = trace(seed(model, key(0))).getTrace();
    expect(again.get("net$params.layers_0.kernel")?.value?.toArray()).toEqual(
      tr.get("net$params.layers_0.kernel")?.value?.toArray(),
    );
    // substitute (what SVI does): all weights zero except the output bias → the output is the bias
    const values: Record<string, Tensor> = {
      "net$params.layers_0.kernel": zeros([2, 4]),
      "net$params.layers_0.bias": zeros([4]),
      "net$params.layers_2.kernel": zeros([4, 1]),
      "net$params.layers_2.bias": tensor([0.7]),
    };
    substitute(seed(model, key(1)), values)();
    expect(out?.toArray()).toEqual([[0.7], [0.7], [0.7]]);
  });

  test("without handlers it initialises from key(0), as NumPyro", () => {
    const a = nnModule("net", mlp(), { inputShape: [3, 2] })(X);
    const b = nnModule("net", mlp(), { inputShape: [3, 2] })(X);
    expect(a.toArray()).toEqual(b.toArray());
  });

  test("shape errors name the module, the layer and the shape", () => {
    const model = (): Tensor => nnModule("net", mlp(), { inputShape: [3, 2] })(tensor([[1, 2, 3]]));
    let err: unknown;
    try {
      seed(model, key(0))();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ModuleError);
    expect((err as ModuleError).code).toBe("nn-input-shape");
    expect((err as ModuleError).layer).toBe("net.layers_0");
    expect((err as ModuleError).message).toMatch(/^net\.layers_0 Dense\(4\): .*got shape \[1, 3\]/);
    const bad = { "net$params.layers_0.kernel": zeros([3, 4]) };
    expect(() =>
      substitute(
        seed(() => nnModule("net", mlp(), { inputShape: [3, 2] }), key(0)),
        bad,
      )(),
    ).toThrow(/parameter "layers_0.kernel" has shape \[3, 4\], but the module declares \[2, 4\]/);
  });
});

describe("randomModule puts priors on the weights (NumPyro's random_flax_module)", () => {
  test("one sample site per parameter with the prior expanded and all dimensions as event dimensions", () => {
    const model = (): Tensor => randomModule("bnn", mlp(), new Normal(0, 1), { inputShape: [3, 2] })(X);
    const tr = trace(seed(model, key(0))).getTrace();
    const sites = [...tr.values()].filter((s) => s.type === "sample");
    expect(sites.map((s) => s.name)).toEqual([
      "bnn/layers_0.kernel",
      "bnn/layers_0.bias",
      "bnn/layers_2.kernel",
      "bnn/layers_2.bias",
    ]);
    const k = tr.get("bnn/layers_0.kernel");
    const d = k?.fn as Distribution;
    expect(d.batchShape).toEqual([]);
    expect(d.eventShape).toEqual([2, 4]);
    // its log density is the sum of 8 standard-normal log densities
    const v = k?.value as Tensor;
    const want = (v.dataSync() as Float64Array).reduce(
      (s, z) => s - 0.5 * z * z - 0.5 * Math.log(2 * Math.PI),
      0,
    );
    expect(d.logProb(v).item()).toBeCloseTo(want, 12);
    // substituted weights drive the network
    const out = substitute(seed(model, key(1)), {
      "bnn/layers_0.kernel": zeros([2, 4]),
      "bnn/layers_0.bias": zeros([4]),
      "bnn/layers_2.kernel": zeros([4, 1]),
      "bnn/layers_2.bias": tensor([-2]),
    })();
    expect(out.toArray()).toEqual([[-2], [-2], [-2]]);
  });

  test("a record prior samples the named parameters and leaves the others as params", () => {
    const model = (): Tensor =>
      randomModule("net", mlp(), { "layers_2.kernel": new Normal(0, 0.5) }, { inputShape: [3, 2] })(X);
    const tr = trace(seed(model, key(0))).getTrace();
    const kinds = [...tr.values()].map((s) => `${s.type}:${s.name}`);
    expect(kinds).toContain("sample:net/layers_2.kernel");
    expect(kinds).toContain("param:net$params.layers_0.kernel");
    expect(kinds).toContain("param:net$params.layers_2.bias");
    expect(kinds.filter((k) => k.startsWith("sample"))).toHaveLength(1);
  });

  test("a function prior gets the path and the shape; bad priors are refused", () => {
    const seen: string[] = [];
    const prior = (path: string, shape: readonly number[]): Distribution => {
      seen.push(`${path}:${shape.join("x")}`);
      return new Normal(0, path.endsWith("bias") ? 10 : 1);
    };
    seed(() => randomModule("net", mlp(), prior, { inputShape: [3, 2] }), key(0))();
    expect(seen).toEqual([
      "layers_0.kernel:2x4",
      "layers_0.bias:4",
      "layers_2.kernel:4x1",
      "layers_2.bias:1",
    ]);
    expect(() =>
      seed(
        () => randomModule("net", mlp(), { "layers_9.kernel": new Normal(0, 1) }, { inputShape: [3, 2] }),
        key(0),
      )(),
    ).toThrow(/"layers_9.kernel", which is not a parameter; the parameters are "layers_0.kernel"/);
    expect(() =>
      seed(
        () => randomModule("net", mlp(), new Normal(zeros([3]), 1).toEvent(1), { inputShape: [3, 2] }),
        key(0),
      )(),
    ).toThrow(/event shape \[3\], which does not end the parameter's shape \[2, 4\]/);
  });
});

describe("moduleParams takes a module's parameters back out of fitted values or draws", () => {
  test("from SVI-style { data, shape } values by param site name", () => {
    const net = mlp();
    const p = initParams(net, key(2), [3, 2]);
    const values = {
      "net$params.layers_0.kernel": {
        data: (p.layers_0 as { kernel: Tensor }).kernel.dataSync() as Float64Array,
        shape: [2, 4],
      },
      "net$params.layers_0.bias": { data: new Float64Array(4), shape: [4] },
      "net$params.layers_2.kernel": (p.layers_2 as { kernel: Tensor }).kernel,
      "net$params.layers_2.bias": tensor([0.5]),
      "other$params.w": tensor([1]),
    };
    const q = moduleParams(values, "net", net, { inputShape: [3, 2] });
    expect((q.layers_2 as { bias: Tensor }).bias.toArray()).toEqual([0.5]);
    expect(() => moduleParams({}, "net", net, { inputShape: [3, 2] })).toThrow(
      /no value for parameter "layers_0.kernel"/,
    );
  });

  test("from posterior draws by sample site name: one apply evaluates every draw", () => {
    const net = mlp();
    const S = 3;
    const draws: Record<string, Tensor> = {
      "bnn/layers_0.kernel": normal(key(1), [S, 2, 4]),
      "bnn/layers_0.bias": normal(key(2), [S, 4]),
      "bnn/layers_2.kernel": normal(key(3), [S, 4, 1]),
      "bnn/layers_2.bias": normal(key(4), [S, 1]),
    };
    const batched = net.apply(moduleParams(draws, "bnn", net, { inputShape: [3, 2] }), X);
    expect(batched.shape).toEqual([S, 3, 1]);
    const at = (site: string, s: number): Tensor => take(draws[site] as Tensor, s, 0);
    const one = (s: number): Tensor =>
      net.apply(
        {
          layers_0: { kernel: at("bnn/layers_0.kernel", s), bias: at("bnn/layers_0.bias", s) },
          layers_2: { kernel: at("bnn/layers_2.kernel", s), bias: at("bnn/layers_2.bias", s) },
        },
        X,
      );
    const want = stack([one(0), one(1), one(2)]).dataSync() as Float64Array;
    const got = batched.dataSync() as Float64Array;
    got.forEach((v, i) => {
      expect(Math.abs(v - (want[i] as number))).toBeLessThan(1e-14);
    });
  });
});
