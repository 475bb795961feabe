import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import * as t from "../index.js";

// JAX's values and derivatives at edge points (fixtures/jax-grads.json, from scripts/jax_grad_fixtures.py).
const here = dirname(fileURLToPath(import.meta.url));
const ref = JSON.parse(readFileSync(join(here, "..", "..", "fixtures", "jax-grads.json"), "utf8"), (_k, v) =>
  v === "inf" ? Infinity : v === "-inf" ? -Infinity : v === "nan" ? Number.NaN : v,
) as {
  jax: string;
  unary: Record<string, [number, number, number, number][]>;
  binary: Record<string, [[number, number], number, number[], number[][]][]>;
  red: Record<string, number[] | number[][]>;
};

type Unary = (x: t.Tensor) => t.Tensor;
const UNARY: Record<string, Unary> = {
  log1p: t.log1p,
  expm1: t.expm1,
  sqrt: t.sqrt,
  abs: t.abs,
  tanh: t.tanh,
  logistic: t.logistic,
  lgamma: t.lgamma,
  digamma: t.digamma,
  erf: t.erf,
  erfc: t.erfc,
  ndtri: t.ndtri,
  softplus: t.softplus,
  logSigmoid: t.logSigmoid,
  square: t.square,
  log1mexp: t.log1mexp,
  sign: t.sign,
  floor: t.floor,
  exp: t.exp,
  log: t.log,
  rsqrt: t.rsqrt,
  trigamma: t.trigamma,
  sin: t.sin,
  cos: t.cos,
  tan: t.tan,
};
const BINARY: Record<string, (a: t.Tensor, b: t.Tensor) => t.Tensor> = {
  maximum: t.maximum,
  minimum: t.minimum,
  pow: t.pow,
  xlogy: t.xlogy,
  xlog1py: t.xlog1py,
  logaddexp: t.logaddexp,
  div: t.div,
  betaln: t.betaln,
};

/**
 * Where Phlox deliberately differs from JAX, with Phlox's value: `where` names the entry ("d1" of a unary
 * function; "d/dx", "d/dy" or "H[i][j]" of a binary one).
 */
const DEVIATIONS: { fn: string; at: string; where: string; phlox: number; why: string }[] = [
  { fn: "abs", at: "0", where: "d1", phlox: 0, why: "sign(0) = 0 (PyTorch's choice); JAX takes 1" },
  { fn: "pow", at: "0,0", where: "d/dx", phlox: 0, why: "0·0^(−1) guarded to 0; JAX NaN" },
  ...[0, 1, 2, 3].map((i) => ({
    fn: "pow",
    at: "0,0",
    where: `H[${i >> 1}][${i & 1}]`,
    phlox: i === 1 ? 1 : 0,
    why: "singular point: JAX NaN",
  })),
  { fn: "pow", at: "0,1", where: "H[0][0]", phlox: 0, why: "y(y−1)x^(y−2) = 0·∞ at y = 1: JAX NaN" },
  { fn: "pow", at: "0,1", where: "H[0][1]", phlox: 1, why: "x^(y−1)(1 + y log x) at x = 0: JAX NaN" },
  ...["xlogy:0,0", "xlog1py:0,-1"].flatMap((k) => {
    const [fn, at] = k.split(":") as [string, string];
    return ["d/dx", "d/dy", "H[0][0]", "H[0][1]", "H[1][0]", "H[1][1]"].map((where) => ({
      fn,
      at,
      where,
      phlox: 0,
      why: "x = 0 where g(y) is not finite: no NaN or ∞ (JAX: ±∞ or NaN)",
    }));
  }),
  { fn: "xlogy", at: "1,0", where: "H[0][1]", phlox: Number.NaN, why: "pole at y = 0: JAX +∞" },
  { fn: "xlogy", at: "1,0", where: "H[1][0]", phlox: Infinity, why: "pole at y = 0: JAX NaN" },
];

const close = (a: number, b: number): boolean =>
  Object.is(a, b) ||
  (Number.isNaN(a) && Number.isNaN(b)) ||
  Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));

const usedDeviations = new Set<(typeof DEVIATIONS)[number]>();

function check(fn: string, at: string, where: string, phlox: number, jax: number): void {
  const dev = DEVIATIONS.find((d) => d.fn === fn && d.at === at && d.where === where);
  if (dev) {
    usedDeviations.add(dev);
    expect(close(phlox, dev.phlox), `${fn}(${at}) ${where}: ${phlox}, the deviation says ${dev.phlox}`).toBe(
      true,
    );
    return;
  }
  expect(close(phlox, jax), `${fn}(${at}) ${where}: Phlox ${phlox}, JAX ${jax}`).toBe(true);
}

describe(`derivatives at edge points equal JAX ${ref.jax}'s (deviations listed and pinned)`, () => {
  for (const [name, rows] of Object.entries(ref.unary)) {
    it(`${name}: value, first and second derivative at ${rows.map((r) => r[0]).join(", ")}`, () => {
      const f = UNARY[name] as Unary;
      const d1 = t.grad((x: t.Tensor) => f(x));
      const d2 = t.grad((x: t.Tensor) => d1(x));
      for (const [x, v, g, h] of rows) {
        const at = String(x);
        check(name, at, "value", f(t.scalar(x)).item(), v);
        check(name, at, "d1", d1(t.scalar(x)).item(), g);
        check(name, at, "d2", d2(t.scalar(x)).item(), h);
      }
    });
  }

  for (const [name, rows] of Object.entries(ref.binary)) {
    it(`${name}: value, gradient and Hessian at ${rows.map((r) => `(${r[0]})`).join(" ")}`, () => {
      const f = BINARY[name] as (a: t.Tensor, b: t.Tensor) => t.Tensor;
      const F = (v: t.Tensor): t.Tensor => f(t.slice(v, [0], [1]), t.slice(v, [1], [2])).sum();
      for (const [p, v, g, h] of rows) {
        const at = p.join(",");
        const x = t.tensor(p);
        check(name, at, "value", F(x).item(), v);
        const pg = t.grad(F)(x).toArray() as number[];
        check(name, at, "d/dx", pg[0] as number, g[0] as number);
        check(name, at, "d/dy", pg[1] as number, g[1] as number);
        const ph = t.hessian(F)(x).toArray() as number[][];
        for (const i of [0, 1])
          for (const j of [0, 1]) check(name, at, `H[${i}][${j}]`, ph[i]?.[j] as number, h[i]?.[j] as number);
      }
    });
  }

  it("reductions and softmax at ties, zeros and infinities", () => {
    const r = ref.red;
    const g = (f: (v: t.Tensor) => t.Tensor, x: number[] | number[][]): number[] =>
      (t.grad(f)(t.tensor(x)).toArray() as number[] | number[][]).flat();
    const cases: [string, number[]][] = [
      ["max_tie", g((v) => t.max(v), [1, 1, 0])],
      ["min_tie", g((v) => t.min(v), [0, 1, 0])],
      ["lse_neginf", g((v) => t.logSumExp(v), [-Infinity, 0, 1])],
      ["lse_allneginf", g((v) => t.logSumExp(v), [-Infinity, -Infinity])],
      ["lse_inf", g((v) => t.logSumExp(v), [Infinity, 0])],
      [
        "lse_hess",
        (
          t
            .hessian((v: t.Tensor) => t.logSumExp(v))(t.tensor([0, 0, 1]))
            .toArray() as number[][]
        ).flat(),
      ],
      [
        "softmax_neginf",
        (
          t
            .jacrev((v: t.Tensor) => t.softmax(v))(t.tensor([-Infinity, 0, 1]))
            .toArray() as number[][]
        ).flat(),
      ],
      [
        "logsoftmax",
        (
          t
            .jacrev((v: t.Tensor) => t.logSoftmax(v))(t.tensor([0, 0, 1]))
            .toArray() as number[][]
        ).flat(),
      ],
      ["prod_zero", g((v) => t.prod(v), [0, 2, 3])],
      ["prod_twozero", g((v) => t.prod(v), [0, 0, 3])],
      ["std_const", g((v) => t.std(v), [1, 1, 1])],
      ["clamp_lo", g((v) => t.clamp(v, 0, 1).sum(), [0, 1, 0.5])],
      [
        "cholesky_logdet",
        g(
          (m) => t.logdet(m),
          [
            [2, 0.5],
            [0.5, 1],
          ],
        ),
      ],
    ];
    for (const [name, got] of cases) {
      const want = (r[name] as number[] | number[][]).flat();
      for (const [i, v] of got.entries()) check(name, String(i), "entry", v, want[i] as number);
    }
  });

  // after the checks above (tests in a file run in order): a deviation that no entry reached is stale
  it("every listed deviation was reached by a check above", () => {
    const stale = DEVIATIONS.filter((d) => !usedDeviations.has(d)).map((d) => `${d.fn}(${d.at}) ${d.where}`);
    expect(stale).toEqual([]);
  });
});
