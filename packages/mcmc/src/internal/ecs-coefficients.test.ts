import { Bernoulli, HalfNormal, Normal } from "@phlox/distributions";
import { plate, sample, subsample } from "@phlox/handlers";
import { ChainRandom, matmul, type Tensor, tensor } from "@phlox/tensor";
import { expect, test } from "vitest";
import { compiledTable, compiledTotals, compileTaylor } from "./ecs-coefficients.js";
import { findSubsamplePlates, perDatumTable, perDatumTaylor, proxyTotals } from "./ecs-model.js";
import { TaylorSource } from "./ecs-proxy.js";

const N = 230;
const D = 3;
const M = 40; // N is not a multiple of M: the last chunk of the table and totals is padded

const rng = new ChainRandom([7, 1]);
const X = tensor(
  Float64Array.from({ length: N * D }, () => rng.normal()),
  { shape: [N, D] },
);
const Y = tensor(Float64Array.from({ length: N }, () => (rng.uniform() < 0.4 ? 1 : 0)));

/** Logistic regression with a positive scale (a constrained site: z holds its logarithm). */
function logistic(x: Tensor, y: Tensor): void {
  const coefs = sample("coefs", new Normal(0, 1).expand([D]).toEvent(1)) as Tensor;
  const scale = sample("scale", new HalfNormal(1)) as Tensor;
  plate(
    "N",
    N,
    () => {
      const xb = subsample(x, 1);
      const yb = subsample(y, 0);
      sample("obs", new Bernoulli({ logits: matmul(xb, coefs).mul(scale) }), { obs: yb });
    },
    { subsampleSize: M },
  );
}

const layout = [
  { name: "coefs", shape: [D], offset: 0, size: D },
  { name: "scale", shape: [], offset: D, size: 1 },
];
const d = D + 1;
const plates = findSubsamplePlates(logistic as never, [X, Y], 0);
const ref = Float64Array.from([0.4, -0.7, 0.2, Math.log(1.3)]);
const idx = { N: Int32Array.from({ length: M }, (_, i) => (37 * i + 11) % N) };
const other = { N: Int32Array.from({ length: M }, (_, i) => (13 * i + 5) % N) };

/** max |a − b| / (1 + max |b|). */
function gap(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let scale = 1;
  let g = 0;
  for (let i = 0; i < b.length; i++) {
    scale = Math.max(scale, Math.abs(b[i] as number));
    g = Math.max(g, Math.abs((a[i] as number) - (b[i] as number)));
  }
  return g / scale;
}

for (const degree of [1, 2] as const) {
  test(`degree ${degree}: compiled per-datum coefficients, table and whole-data totals equal eager autodiff`, {
    timeout: 120_000,
  }, () => {
    const ctx = { model: logistic as never, args: [X, Y], layout, plates, ref, degree };
    const compiled = compileTaylor(ctx, plates[0], idx);
    expect(compiled).toBeDefined();
    if (!compiled) return;
    const eager = perDatumTaylor(logistic as never, [X, Y], layout, plates, "N", idx, ref, degree);
    const e2 = perDatumTaylor(logistic as never, [X, Y], layout, plates, "N", other, ref, degree);
    for (const [sub, want] of [
      [idx, eager],
      [other, e2],
    ] as const) {
      const got = compiled.perDatum(sub);
      expect(got.h.length).toBe(degree === 2 ? M * d * d : 0);
      for (const k of ["l", "g", "h"] as const) expect(gap(got[k], want[k])).toBeLessThan(1e-10);
    }
    const t = compiledTotals(compiled, plates[0], idx, d, degree);
    const te = proxyTotals(logistic as never, [X, Y], layout, plates, plates[0], idx, ref, degree);
    expect(gap([t.l], [te.l])).toBeLessThan(1e-10);
    expect(gap(t.g, te.g)).toBeLessThan(1e-10);
    expect(gap(t.h, te.h)).toBeLessThan(1e-10);
    const table = compiledTable(compiled, plates[0], idx, d, degree);
    const tableEager = perDatumTable(logistic as never, [X, Y], layout, plates, plates[0], idx, ref, degree);
    for (const k of ["l", "g", "h"] as const) expect(gap(table[k], tableEager[k])).toBeLessThan(1e-10);
    // A TaylorSource under a table limit below N·(1 + d (+ d²)) gives each proposal the compiled coefficients.
    const source = new TaylorSource(ctx, idx, { tableMax: 100, compile: true });
    expect(Object.fromEntries(source.modes)).toEqual({ N: "compiled" });
    expect(gap(source.of(plates[0], other).g, e2.g)).toBeLessThan(1e-10);
    expect(gap(source.totals.get("N")?.g ?? [], te.g)).toBeLessThan(1e-10);
    const eagerSource = new TaylorSource(ctx, idx, { tableMax: 100, compile: false });
    expect(Object.fromEntries(eagerSource.modes)).toEqual({ N: "eager" });
    expect(Array.from(eagerSource.of(plates[0], other).g)).toEqual(Array.from(e2.g));
  });
}

test("a model that reads a traced value is not compiled: its coefficients stay eager", () => {
  const branching = (x: Tensor, y: Tensor) => {
    const coefs = sample("coefs", new Normal(0, 1).expand([D]).toEvent(1)) as Tensor;
    const s = sample("scale", new HalfNormal(1)) as Tensor;
    // Reading a value concretises it: fine eagerly, impossible while tracing.
    const scale = (coefs.dataSync()[0] as number) > 100 ? 2 : 1;
    plate(
      "N",
      N,
      () => {
        const xb = subsample(x, 1);
        sample("obs", new Bernoulli({ logits: matmul(xb, coefs).mul(s).mul(scale) }), {
          obs: subsample(y, 0),
        });
      },
      { subsampleSize: M },
    );
  };
  const ctx = { model: branching as never, args: [X, Y], layout, plates, ref, degree: 1 as const };
  expect(compileTaylor(ctx, plates[0], idx)).toBeUndefined();
  const source = new TaylorSource(ctx, idx, { tableMax: 0, compile: true });
  expect(Object.fromEntries(source.modes)).toEqual({ N: "eager" });
});

test("two subsampled plates: each plate's compiled coefficients take both plates' indices, as eager", () => {
  const K = 50;
  const Z = tensor(Float64Array.from({ length: K }, () => 1 + rng.normal()));
  const twoPlates = (x: Tensor, y: Tensor, z: Tensor) => {
    logistic(x, y);
    const loc = sample("loc", new Normal(0, 1)) as Tensor;
    plate("K", K, () => sample("zobs", new Normal(loc, 1), { obs: subsample(z, 0) }), { subsampleSize: 7 });
  };
  const args = [X, Y, Z];
  const both = findSubsamplePlates(twoPlates as never, args, 0);
  expect(both.map((p) => p.name)).toEqual(["N", "K"]);
  const layout2 = [...layout, { name: "loc", shape: [], offset: d, size: 1 }];
  const ref2 = Float64Array.from([...ref, 0.8]);
  const sub = { ...idx, K: Int32Array.from([3, 49, 0, 17, 17, 8, 21]) };
  const ctx = {
    model: twoPlates as never,
    args,
    layout: layout2,
    plates: both,
    ref: ref2,
    degree: 2 as const,
  };
  const source = new TaylorSource(ctx, sub, { tableMax: 0, compile: true });
  expect(Object.fromEntries(source.modes)).toEqual({ N: "compiled", K: "compiled" });
  const moved = { N: other.N, K: Int32Array.from([1, 2, 3, 4, 5, 6, 44]) };
  for (const p of both) {
    const got = source.of(p, moved);
    const want = perDatumTaylor(twoPlates as never, args, layout2, both, p.name, moved, ref2, 2);
    for (const k of ["l", "g", "h"] as const) expect(gap(got[k], want[k])).toBeLessThan(1e-10);
    const te = proxyTotals(twoPlates as never, args, layout2, both, p, sub, ref2, 2);
    const t = source.totals.get(p.name);
    expect(gap([t?.l ?? 0], [te.l])).toBeLessThan(1e-10);
    expect(gap(t?.g ?? [], te.g)).toBeLessThan(1e-10);
    expect(gap(t?.h ?? [], te.h)).toBeLessThan(1e-10);
  }
});

test("a Gibbs block's coefficients (table, compiled, eager) equal the whole subsample's rows; a model that needs the whole subsample falls back to it", () => {
  // M = 40 in blocks of 9: the last block (36…39) is short, so the compiled block input is padded.
  const ctx = { model: logistic as never, args: [X, Y], layout, plates, ref, degree: 2 as const };
  // A model that refuses a subsample of another length than M: its blocks come from the whole subsample.
  const strict = (x: Tensor, y: Tensor) =>
    plate(
      "N",
      N,
      (i: Tensor) => {
        if (i.shape[0] !== M) throw new Error(`needs ${M} indices`);
        const coefs = sample("coefs", new Normal(0, 1).expand([D]).toEvent(1)) as Tensor;
        const s = sample("scale", new HalfNormal(1)) as Tensor;
        sample("obs", new Bernoulli({ logits: matmul(subsample(x, 1), coefs).mul(s) }), {
          obs: subsample(y, 0),
        });
      },
      { subsampleSize: M },
    );
  for (const [model, tableMax, compile, mode] of [
    [logistic, undefined, true, "table"],
    [logistic, 0, true, "compiled"],
    [logistic, 0, false, "eager"],
    [strict, 0, true, "compiled"],
    [strict, 0, false, "eager"],
  ] as const) {
    const source = new TaylorSource({ ...ctx, model: model as never }, idx, {
      tableMax: tableMax ?? 1e9,
      compile,
    });
    expect(source.modes.get("N")).toBe(mode);
    const whole = source.of(plates[0], other);
    for (const [start, count] of [
      [9, 9],
      [36, 4],
    ] as const) {
      const got = source.ofBlock(plates[0], other, start, count, 9);
      expect(got.l.length).toBe(count);
      expect(gap(got.l, whole.l.slice(start, start + count))).toBeLessThan(1e-12);
      expect(gap(got.g, whole.g.slice(start * d, (start + count) * d))).toBeLessThan(1e-12);
      expect(gap(got.h, whole.h.slice(start * d * d, (start + count) * d * d))).toBeLessThan(1e-12);
    }
  }
});
