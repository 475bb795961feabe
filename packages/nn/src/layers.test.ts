import { readFileSync } from "node:fs";
import { grad, jit, key, type Tensor, tensor } from "@phlox/tensor";
import { describe, expect, test } from "vitest";
import { elu, gelu, leakyRelu, relu, sigmoid, silu, softplus, tanh } from "./activations.js";
import { Dense } from "./dense.js";
import { Embedding } from "./embedding.js";
import { ModuleError } from "./errors.js";
import { LayerNorm } from "./layer-norm.js";
import { Activation, type ParamTree } from "./module.js";
import { Parallel } from "./parallel.js";
import { flattenParams, initParams } from "./params.js";
import { Sequential } from "./sequential.js";

// Values from JAX itself (scripts/layers_oracle.py → fixtures/layers.json): jax.nn activations and their
// derivatives, stax's Dense and a stax MLP, Flax's LayerNorm formula, jnp.take.
const F = JSON.parse(readFileSync(new URL("../fixtures/layers.json", import.meta.url), "utf8"));
const flat = (a: unknown): number[] => (Array.isArray(a) ? a.flatMap(flat) : [a as number]);
const close = (got: Tensor, want: unknown, tol = 1e-12): void => {
  const w = flat(want);
  const g = Array.from(got.dataSync() as ArrayLike<number>);
  expect(g.length).toBe(w.length);
  g.forEach((v, i) => {
    expect(Math.abs(v - (w[i] as number)), `entry ${i}: ${v} vs ${w[i]}`).toBeLessThanOrEqual(
      tol * Math.max(1, Math.abs(w[i] as number)),
    );
  });
};
const x = tensor(F.x as number[][]);

describe("activations match jax.nn on 61 points, values and derivatives", () => {
  const fns: Record<string, (t: Tensor) => Tensor> = {
    relu,
    tanh,
    sigmoid,
    softplus,
    gelu,
    geluExact: (t) => gelu(t, { approximate: false }),
    silu,
    elu,
    leakyRelu: (t) => leakyRelu(t, 0.01),
  };
  for (const [name, f] of Object.entries(fns)) {
    test(name, () => {
      const g = tensor(F.grid as number[]);
      close(f(g), F.activations[name].value);
      close(grad((t: Tensor) => f(t).sum())(g) as Tensor, F.activations[name].grad);
    });
  }
});

describe("layers match JAX", () => {
  test("Dense equals stax.Dense; wrong input width names the layer and the shape", () => {
    const d = new Dense(4);
    const p = { kernel: tensor(F.dense.kernel as number[][]), bias: tensor(F.dense.bias as number[]) };
    close(d.apply(p, x), F.dense.y);
    expect(d.spec([7, 3]).outputShape).toEqual([7, 4]);
    expect(() => d.apply(p, tensor([[1, 2]]))).toThrow(ModuleError);
    expect(() => d.apply(p, tensor([[1, 2]]))).toThrow(/Dense\(4\).*last dimension is 3, got shape \[1, 2\]/);
    expect(() => new Dense(0)).toThrow(/positive integer/);
    const noBias = new Dense(4, { useBias: false });
    expect(Object.keys(noBias.spec([3]).params)).toEqual(["kernel"]);
    close(
      noBias.apply({ kernel: p.kernel }, x),
      flat(F.dense.y).map((v, i) => v - F.dense.bias[i % 4]),
    );
  });

  test("Sequential equals stax.serial(Dense, Tanh, Dense, Softplus) with stax's own parameters", () => {
    const mlp = new Sequential([new Dense(5), tanh, new Dense(2), softplus]);
    const [[w0, b0], , [w2, b2]] = F.mlp.params as number[][][][];
    const params = {
      layers_0: { kernel: tensor(w0 as number[][]), bias: tensor(b0 as unknown as number[]) },
      layers_2: { kernel: tensor(w2 as number[][]), bias: tensor(b2 as unknown as number[]) },
    };
    close(mlp.apply(params, x), F.mlp.y);
    expect(Object.keys(flattenParams(initParams(mlp, key(0), [7, 3])))).toEqual([
      "layers_0.kernel",
      "layers_0.bias",
      "layers_2.kernel",
      "layers_2.bias",
    ]);
    // the failing layer is named by its path
    expect(() => mlp.apply(params, tensor([[1, 2, 3, 4]]))).toThrow(/^layers_0 Dense\(5\)/);
    let err: unknown;
    try {
      mlp.spec([]);
    } catch (e) {
      err = e;
    }
    expect((err as ModuleError).code).toBe("nn-input-shape");
    expect((err as ModuleError).layer).toBe("layers_0");
  });

  test("LayerNorm equals Flax's definition, values and input gradient", () => {
    const ln = new LayerNorm();
    const p = { scale: tensor(F.layerNorm.scale as number[]), bias: tensor(F.layerNorm.bias as number[]) };
    close(ln.apply(p, x), F.layerNorm.y, 1e-10);
    const w = tensor(F.layerNorm.weights as number[][]);
    close(grad((v: Tensor) => ln.apply(p, v).mul(w).sum())(x) as Tensor, F.layerNorm.gradX, 1e-9);
    expect(() => ln.apply(p, tensor([[1, 2]]))).toThrow(
      /LayerNorm: expected an input whose last dimension is 3/,
    );
    expect(() => new LayerNorm({ epsilon: -1 })).toThrow(ModuleError);
  });

  test("Embedding equals jnp.take; bad indices are named", () => {
    const e = new Embedding(6, 2);
    const p = { embedding: tensor(F.embedding.table as number[][]) };
    const y = e.apply(p, tensor(F.embedding.indices as number[][], { dtype: "int32" }));
    expect(y.shape).toEqual([2, 3, 2]);
    close(y, F.embedding.y);
    expect(e.spec([2, 3]).outputShape).toEqual([2, 3, 2]);
    expect(() => e.apply(p, tensor([7], { dtype: "int32" }))).toThrow(
      /Embedding\(6, 2\): an index is outside/,
    );
    expect(() => e.apply(p, tensor([true]))).toThrow(/indices must be integers/);
  });

  test("Parallel returns each head by name; Activation wraps a function", () => {
    const heads = new Parallel({ loc: new Dense(2), scale: new Sequential([new Dense(2), sigmoid]) });
    const s = heads.spec([4, 3]);
    expect(s.outputShape).toEqual({ loc: [4, 2], scale: [4, 2] });
    const p = initParams(heads, key(1), [4, 3]);
    const out = heads.apply(p, x);
    expect(out.loc.shape).toEqual([7, 2]);
    expect(Math.min(...(out.scale.dataSync() as Float64Array))).toBeGreaterThan(0);
    expect(new Activation(relu).label).toBe("relu");
  });
});

describe("initialisation, autodiff and jit", () => {
  const mlp = new Sequential([new Dense(6), tanh, new LayerNorm(), new Dense(1)]);

  test("initParams is a function of the key alone", () => {
    const a = flattenParams(initParams(mlp, key(3), [7, 3]));
    const b = flattenParams(initParams(mlp, key(3), [7, 3]));
    const c = flattenParams(initParams(mlp, key(4), [7, 3]));
    for (const k of Object.keys(a)) expect(a[k]?.toArray()).toEqual(b[k]?.toArray());
    expect(a["layers_0.kernel"]?.toArray()).not.toEqual(c["layers_0.kernel"]?.toArray());
    expect(a["layers_2.scale"]?.toArray()).toEqual([1, 1, 1, 1, 1, 1]);
    expect(a["layers_3.bias"]?.toArray()).toEqual([0]);
  });

  test("parameter gradients agree with central finite differences", () => {
    const p = initParams(mlp, key(5), [7, 3]);
    const loss = (q: ParamTree): Tensor => mlp.apply(q, x).square().sum();
    const g = flattenParams(grad(loss)(p) as ParamTree);
    const base = flattenParams(p);
    const h = 1e-6;
    for (const path of Object.keys(base)) {
      const v = base[path] as Tensor;
      const data = Float64Array.from(v.dataSync() as ArrayLike<number>);
      const gd = (g[path] as Tensor).dataSync() as Float64Array;
      for (let i = 0; i < Math.min(data.length, 4); i++) {
        const at = (delta: number): number => {
          const d = data.slice();
          d[i] = (d[i] as number) + delta;
          const leaves = { ...base, [path]: tensor(d).reshape([...v.shape]) };
          const tree: Record<string, Record<string, Tensor>> = {};
          for (const [k, t] of Object.entries(leaves)) {
            const [layer, name] = k.split(".") as [string, string];
            tree[layer] = { ...(tree[layer] ?? {}), [name]: t };
          }
          return loss(tree).item();
        };
        const fd = (at(h) - at(-h)) / (2 * h);
        expect(Math.abs((gd[i] as number) - fd), `${path}[${i}]`).toBeLessThan(
          1e-6 * Math.max(1, Math.abs(fd)),
        );
      }
    }
  });

  test("apply traces under jit and gives the eager values", () => {
    const p = initParams(mlp, key(6), [7, 3]);
    const f = jit((q: ParamTree, v: Tensor) => mlp.apply(q, v));
    close(f(p, x), Array.from(mlp.apply(p, x).dataSync() as Float64Array), 1e-13);
    const gj = jit((q: ParamTree) => grad((r: ParamTree) => mlp.apply(r, x).sum())(q) as ParamTree);
    const ge = flattenParams(grad((r: ParamTree) => mlp.apply(r, x).sum())(p) as ParamTree);
    const gjf = flattenParams(gj(p));
    for (const k of Object.keys(ge)) close(gjf[k] as Tensor, Array.from((ge[k] as Tensor).dataSync()), 1e-12);
  });
});
