import { describe, expect, test, vi } from "vitest";
import type { DType } from "../core/dtype.js";
import { getPrimitive, type PrimitiveName, primitiveNames } from "../core/primitive.js";
import { sizeOf } from "../core/shape.js";
import { type Tensor, tensor } from "../core/tensor.js";
import { bind } from "../core/trace.js";
import "../index.js";
import { jit } from "../jit/jit.js";
import { stack } from "../ops/shape-ops.js";
import { moveAxis } from "./axes.js";
import { batchingRuleNames, vmap } from "./vmap.js";

// Heavy on a busy 2-core machine: generous per-test timeout (never a timed test).
vi.setConfig({ testTimeout: 120_000 });

/** Deterministic uniform stream (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** How to draw one input slice. */
type In =
  | { shape: number[]; kind: "float"; lo: number; hi: number; ties?: boolean; special?: boolean }
  | { shape: number[]; kind: "bool" | "key" | "spd" | "tril" }
  | { shape: number[]; kind: "int"; lo: number; hi: number };

const F = (shape: number[], lo = -2, hi = 2): In => ({ shape, kind: "float", lo, hi });

function draw(spec: In, u: () => number): Tensor {
  const n = sizeOf(spec.shape);
  switch (spec.kind) {
    case "float": {
      const a = Float64Array.from({ length: n }, () => {
        const v = spec.lo + (spec.hi - spec.lo) * u();
        return spec.ties ? Math.round(v) : v;
      });
      if (spec.special && n >= 3) {
        a[0] = Number.NaN;
        a[1] = Number.POSITIVE_INFINITY;
      }
      return tensor(a, { shape: spec.shape });
    }
    case "int":
      return tensor(
        Int32Array.from({ length: n }, () => spec.lo + Math.floor((spec.hi - spec.lo) * u())),
        { shape: spec.shape },
      );
    case "bool":
      return tensor(
        Uint8Array.from({ length: n }, () => (u() < 0.5 ? 1 : 0)),
        { shape: spec.shape, dtype: "bool" },
      );
    case "key":
      return tensor(Uint32Array.from({ length: 2 }, () => Math.floor(u() * 4294967296)));
    case "spd":
    case "tril": {
      const m = spec.shape[spec.shape.length - 1] as number;
      const batch = sizeOf(spec.shape) / (m * m);
      const a = new Float64Array(batch * m * m);
      for (let b = 0; b < batch; b++) {
        const l = Float64Array.from({ length: m * m }, (_, i) =>
          i % m <= Math.floor(i / m) ? (i % m === Math.floor(i / m) ? 1 + u() : u() - 0.5) : 0,
        );
        for (let i = 0; i < m; i++)
          for (let j = 0; j < m; j++) {
            let s = 0;
            if (spec.kind === "tril") s = l[i * m + j] as number;
            else for (let k = 0; k < m; k++) s += (l[i * m + k] as number) * (l[j * m + k] as number);
            a[b * m * m + i * m + j] = s;
          }
      }
      return tensor(a, { shape: spec.shape });
    }
  }
}

interface Case {
  prim: PrimitiveName;
  params: object;
  ins: In[];
  label?: string;
}

const UNARY_DOMAINS: [PrimitiveName, number, number][] = [
  ["neg", -2, 2],
  ["exp", -2, 2],
  ["log", 0.5, 3],
  ["log1p", -0.5, 2],
  ["expm1", -2, 2],
  ["sqrt", 0.5, 3],
  ["rsqrt", 0.5, 3],
  ["sin", -2, 2],
  ["cos", -2, 2],
  ["tan", -1, 1],
  ["tanh", -2, 2],
  ["logistic", -2, 2],
  ["abs", -2, 2],
  ["sign", -2, 2],
  ["floor", -2, 2],
  ["ceil", -2, 2],
  ["round", -2, 2],
  ["lgamma", 0.5, 3],
  ["digamma", 0.5, 3],
  ["erf", -2, 2],
  ["erfc", -2, 2],
  ["ndtri", 0.05, 0.95],
  ["stopGradient", -2, 2],
];

const cases: Case[] = [
  ...UNARY_DOMAINS.map(([prim, lo, hi]): Case => ({ prim, params: {}, ins: [F([2, 3], lo, hi)] })),
  { prim: "isnan", params: {}, ins: [{ shape: [2, 3], kind: "float", lo: -1, hi: 1, special: true }] },
  { prim: "isfinite", params: {}, ins: [{ shape: [2, 3], kind: "float", lo: -1, hi: 1, special: true }] },
  { prim: "logicalNot", params: {}, ins: [{ shape: [2, 3], kind: "bool" }] },
  { prim: "polygamma", params: { n: 1 }, ins: [F([2, 3], 0.5, 3)] },
  { prim: "polygamma", params: { n: 2 }, ins: [F([3], 0.5, 3)], label: "n=2" },
  { prim: "cast", params: { dtype: "int32" }, ins: [F([2, 3], -5, 5)] },
  { prim: "cast", params: { dtype: "float32" }, ins: [F([3])], label: "float32" },
  ...(["add", "sub", "mul", "div", "maximum", "minimum"] as const).map(
    (prim): Case => ({ prim, params: {}, ins: [F([2, 3]), F([2, 3], 0.5, 2)] }),
  ),
  { prim: "pow", params: {}, ins: [F([2, 3], 0.5, 2), F([2, 3])] },
  { prim: "add", params: {}, ins: [F([]), F([])], label: "scalars" },
  ...(["lt", "le", "gt", "ge", "eq", "ne"] as const).map(
    (prim): Case => ({
      prim,
      params: {},
      ins: [
        { shape: [2, 3], kind: "float", lo: -1, hi: 1, ties: true },
        { shape: [2, 3], kind: "float", lo: -1, hi: 1, ties: true },
      ],
    }),
  ),
  ...(["logicalAnd", "logicalOr"] as const).map(
    (prim): Case => ({
      prim,
      params: {},
      ins: [
        { shape: [4], kind: "bool" },
        { shape: [4], kind: "bool" },
      ],
    }),
  ),
  { prim: "select", params: {}, ins: [{ shape: [2, 3], kind: "bool" }, F([2, 3]), F([2, 3])] },
  ...(["reduceSum", "reduceMax", "reduceMin", "reduceProd"] as const).flatMap((prim): Case[] =>
    [
      { axes: [1], keepDims: false },
      { axes: [0, 2], keepDims: false },
      { axes: [0, 2], keepDims: true },
      { axes: [], keepDims: false },
      { axes: [0, 1, 2], keepDims: false },
    ].map((params) => ({ prim, params, ins: [F([2, 3, 4])], label: JSON.stringify(params) })),
  ),
  ...(["argmax", "argmin"] as const).flatMap((prim): Case[] =>
    [0, 1, 2].flatMap((axis) =>
      [false, true].map((keepDims) => ({
        prim,
        params: { axis, keepDims },
        ins: [F([2, 3, 4])],
        label: `axis ${axis} keepDims ${keepDims}`,
      })),
    ),
  ),
  ...[[6, 4], [24], [4, 3, 2], [2, 1, 12]].map(
    (shape): Case => ({ prim: "reshape", params: { shape }, ins: [F([2, 3, 4])], label: `[${shape}]` }),
  ),
  { prim: "reshape", params: { shape: [] }, ins: [F([1])], label: "to scalar" },
  { prim: "broadcastTo", params: { shape: [2, 3] }, ins: [F([3])] },
  { prim: "broadcastTo", params: { shape: [4, 2, 3] }, ins: [F([1, 3])], label: "[1,3]→[4,2,3]" },
  { prim: "broadcastTo", params: { shape: [2] }, ins: [F([])], label: "scalar" },
  { prim: "broadcastTo", params: { shape: [2, 3] }, ins: [F([2, 3])], label: "same" },
  { prim: "transpose", params: { perm: [2, 0, 1] }, ins: [F([2, 3, 4])] },
  { prim: "transpose", params: { perm: [1, 0] }, ins: [F([2, 3])], label: "2d" },
  { prim: "slice", params: { start: [1, 2], end: [3, 5] }, ins: [F([4, 5])] },
  { prim: "pad", params: { lo: [1, 0], hi: [0, 2] }, ins: [F([2, 3])] },
  { prim: "concatenate", params: { axis: 0 }, ins: [F([2, 3]), F([1, 3])] },
  { prim: "concatenate", params: { axis: 1 }, ins: [F([2, 3]), F([2, 1]), F([2, 2])], label: "three" },
  { prim: "gather", params: { axis: 0 }, ins: [F([4, 3]), { shape: [5], kind: "int", lo: -4, hi: 4 }] },
  {
    prim: "gather",
    params: { axis: 1 },
    ins: [F([3, 4, 2]), { shape: [2, 2], kind: "int", lo: -4, hi: 4 }],
    label: "axis 1",
  },
  {
    prim: "gather",
    params: { axis: 0 },
    ins: [F([4]), { shape: [], kind: "int", lo: 0, hi: 4 }],
    label: "scalar",
  },
  {
    prim: "scatterAdd",
    params: { axis: 0 },
    ins: [F([4, 3]), { shape: [5], kind: "int", lo: -4, hi: 4 }, F([5, 3])],
  },
  {
    prim: "scatterAdd",
    params: { axis: 1 },
    ins: [F([2, 4, 3]), { shape: [2, 2], kind: "int", lo: -4, hi: 4 }, F([2, 2, 2, 3])],
    label: "axis 1",
  },
  ...[0, 1].flatMap((axis) =>
    [false, true].map(
      (reverse): Case => ({
        prim: "cumsum",
        params: { axis, reverse },
        ins: [F([3, 4])],
        label: `axis ${axis} reverse ${reverse}`,
      }),
    ),
  ),
  { prim: "matmul", params: {}, ins: [F([2, 3]), F([3, 4])] },
  { prim: "matmul", params: {}, ins: [F([4, 3]), F([3, 1])], label: "matrix-vector" },
  { prim: "matmul", params: {}, ins: [F([2, 2, 3]), F([2, 3, 4])], label: "batched" },
  { prim: "cholesky", params: {}, ins: [{ shape: [3, 3], kind: "spd" }] },
  { prim: "cholesky", params: {}, ins: [{ shape: [2, 3, 3], kind: "spd" }], label: "batched" },
  ...[
    { lower: true, transposeA: false, leftSide: true },
    { lower: true, transposeA: true, leftSide: true },
    { lower: true, transposeA: false, leftSide: false },
  ].map(
    (params): Case => ({
      prim: "triangularSolve",
      params,
      ins: [{ shape: [3, 3], kind: "tril" }, F(params.leftSide ? [3, 2] : [2, 3])],
      label: JSON.stringify(params),
    }),
  ),
  { prim: "randomBits", params: { shape: [3] }, ins: [{ shape: [2], kind: "key" }] },
  { prim: "randomBits", params: { shape: [2, 2] }, ins: [{ shape: [2], kind: "key" }], label: "[2,2]" },
  { prim: "randomBits", params: { shape: [0] }, ins: [{ shape: [2], kind: "key" }], label: "empty" },
];

const SIZE = 3;

/** The in-axis choices of the test: 0, 1, -1 and null, those valid for the batched rank. */
function axisCombos(ranks: number[]): (number | null)[][] {
  const out: (number | null)[][] = [[]];
  for (const r of ranks) {
    const opts = [0, 1, -1, null].filter((a) => a === null || (a >= -(r + 1) && a < r + 1));
    const next: (number | null)[][] = [];
    for (const c of out) for (const a of opts) next.push([...c, a]);
    out.splice(0, out.length, ...next);
  }
  return out.filter((c) => c.some((a) => a !== null));
}

function expectClose(actual: Tensor, expected: Tensor, what: string): void {
  expect(actual.shape, what).toEqual(expected.shape);
  expect(actual.dtype, what).toBe(expected.dtype);
  const a = actual.dataSync();
  const e = expected.dataSync();
  for (let i = 0; i < e.length; i++) {
    const x = a[i] as number;
    const y = e[i] as number;
    if (Number.isNaN(y)) expect(Number.isNaN(x), `${what} [${i}]`).toBe(true);
    else if (!Number.isFinite(y) || expected.dtype !== "float64") expect(x, `${what} [${i}]`).toBe(y);
    else if (Math.abs(x - y) > 1e-12 * Math.max(1, Math.abs(y)))
      expect.fail(`${what} [${i}]: ${x} vs ${y} (diff ${Math.abs(x - y)})`);
  }
}

describe("batching rules: vmap equals a loop of calls, per primitive and in-axis combination", () => {
  test("every primitive has a batching rule and a case here", () => {
    const rules = new Set(batchingRuleNames());
    const covered = new Set(cases.map((c) => c.prim));
    for (const name of primitiveNames()) {
      expect(rules.has(name), `batching rule of ${name}`).toBe(true);
      expect(covered.has(name as PrimitiveName), `test case of ${name}`).toBe(true);
    }
  });

  test.each(cases.map((c) => [`${c.prim}${c.label ? ` ${c.label}` : ""}`, c] as const))(
    "%s",
    (_name, c) => {
      const prim = getPrimitive(c.prim);
      const fn = (...xs: Tensor[]): Tensor => bind(prim, xs, c.params as never);
      const u = rng(c.prim.length * 7919 + (c.label?.length ?? 0));
      const slices = c.ins.map((spec) => Array.from({ length: SIZE }, () => draw(spec, u)));
      for (const axes of axisCombos(c.ins.map((s) => s.shape.length))) {
        const batched = slices.map((s, i) => {
          const a = axes[i];
          if (a === null || a === undefined) return s[0] as Tensor;
          const ax = a < 0 ? a + s[0]!.shape.length + 1 : a;
          return stack(s, ax);
        });
        const expected = stack(
          Array.from({ length: SIZE }, (_, b) =>
            fn(...slices.map((s, i) => (axes[i] === null ? s[0] : s[b]) as Tensor)),
          ),
          0,
        );
        const what = `${c.prim} inAxes ${JSON.stringify(axes)}`;
        expectClose(vmap(fn, { inAxes: axes })(...batched), expected, `${what} eager`);
        expectClose(
          jit(vmap(fn, { inAxes: axes }), { codegen: false })(...batched),
          expected,
          `${what} jit (interpreter)`,
        );
        if (expected.shape.length >= 2) {
          const last = expected.shape.length - 1;
          expectClose(
            vmap(fn, { inAxes: axes, outAxes: -1 })(...batched),
            moveAxis(expected, 0, last),
            `${what} outAxes -1`,
          );
          expectClose(
            vmap(fn, { inAxes: axes, outAxes: 1 })(...batched),
            moveAxis(expected, 0, 1),
            `${what} outAxes 1`,
          );
        }
      }
    },
    60_000,
  );
});

describe("batching through the public ops' broadcasting", () => {
  const u = rng(5);
  const mk = (shape: number[], dtype: DType = "float64"): Tensor =>
    tensor(
      Float64Array.from({ length: sizeOf(shape) }, () => u() * 2 - 1),
      { shape },
    ).cast(dtype);
  test.each([
    ["[3] + [2,3]", [3], [2, 3]],
    ["[2,1] * [1,3]", [2, 1], [1, 3]],
    ["[] - [2,3]", [], [2, 3]],
    ["[2,3] / [3]", [2, 3], [3]],
  ] as const)("%s", (_n, sx, sy) => {
    const f = (x: Tensor, y: Tensor): Tensor =>
      x
        .mul(2)
        .sub(y.div(y.square().add(1)))
        .add(x.mul(y));
    const xs = [mk([...sx]), mk([...sx]), mk([...sx])];
    const ys = [mk([...sy]), mk([...sy]), mk([...sy])];
    for (const [ax, ay] of [
      [0, 0],
      [0, null],
      [null, 0],
      [-1, 0],
    ] as const) {
      if (sx.length === 0 && ax === -1) continue;
      const bx = ax === null ? xs[0]! : stack(xs, ax < 0 ? sx.length : ax);
      const by = ay === null ? ys[0]! : stack(ys, ay);
      const expected = stack(xs.map((x, b) => f(ax === null ? xs[0]! : x, ay === null ? ys[0]! : ys[b]!)));
      expectClose(vmap(f, { inAxes: [ax, ay] })(bx, by), expected, `inAxes [${ax}, ${ay}]`);
    }
  });
});
