import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { grad, jit, type Tensor, tensor } from "@phlox/tensor";
import { describe, expect, it } from "vitest";
import { bijectTo } from "../bijectTo.js";
import {
  type Constraint,
  circular,
  corrCholesky,
  corrMatrix,
  greaterThan,
  greaterThanEq,
  independent,
  interval,
  lessThan,
  lessThanEq,
  lowerCholesky,
  nonnegative,
  openInterval,
  orderedVector,
  positive,
  positiveDefinite,
  positiveOrderedVector,
  positiveSemidefinite,
  real,
  realVector,
  scaledUnitLowerCholesky,
  simplex,
  softplusLowerCholesky,
  softplusPositive,
  unitInterval,
} from "../constraints/constraint.js";
import { l1Ball } from "../constraints/l1-ball.js";
import { zeroSum } from "../constraints/zero-sum.js";
import { matvec, values } from "../internal/ops.js";
import { flat } from "../testing/fixtures.js";
import { AbsTransform } from "./abs.js";
import {
  AffineTransform,
  ExpTransform,
  PowerTransform,
  SigmoidTransform,
  SoftplusTransform,
} from "./elementwise.js";
import { InverseAutoregressiveTransform } from "./flows.js";
import { L1BallTransform } from "./l1-ball.js";
import { RecursiveLinearTransform } from "./recursive-linear.js";
import { SimplexToOrderedTransform } from "./simplex-to-ordered.js";
import { CorrCholeskyTransform, StickBreakingTransform } from "./stick-breaking.js";
import {
  CholeskyTransform,
  CorrMatrixCholeskyTransform,
  LowerCholeskyAffine,
  LowerCholeskyTransform,
  OrderedTransform,
  PermuteTransform,
  ScaledUnitLowerCholeskyTransform,
  SoftplusLowerCholeskyTransform,
} from "./structured.js";
import { IdentityTransform, type Transform } from "./transform.js";
import { ZeroSumTransform } from "./zero-sum.js";

// NumPyro's transforms at extreme and edge inputs (fixtures/transform-edge.json, from
// scripts/transform_edge_fixtures.py): forward, inverse, log|det J| and their gradients, eager and under jit.
type Num = number | Num[];
interface Case {
  t: string;
  dir: "fwd" | "inv";
  in: Num;
  w: Num;
  out: Num;
  back?: Num;
  ld?: Num;
  gOut: Num;
  gLd?: Num;
  /** True values where computed (60-digit decimal arithmetic), for the deviations below. */
  exact?: Partial<Record<Field, number[]>>;
}
const here = dirname(fileURLToPath(import.meta.url));
const fx = JSON.parse(
  readFileSync(join(here, "..", "..", "fixtures", "transform-edge.json"), "utf8"),
  (_k, v) => (v === "inf" ? Infinity : v === "-inf" ? -Infinity : v === "nan" ? Number.NaN : v),
) as { numpyro: string; cases: Case[] };

/** A fixed autoregressive network (the fixture script's `arn`): output i depends on inputs j < i only. */
const M = [
  [0, 0, 0],
  [0.7, 0, 0],
  [-0.4, 1.3, 0],
];
const arn = (x: Tensor): [Tensor, Tensor] => [
  matvec(M, x).add(0.25),
  matvec(
    M.map((r) => r.map((v) => -0.5 * v)),
    x,
  ).sub(0.1),
];

const CONSTRAINTS: Record<string, Constraint> = {
  real,
  real_vector: realVector,
  positive,
  nonnegative,
  softplus_positive: softplusPositive,
  unit_interval: unitInterval,
  "interval(-2,3)": interval(-2, 3),
  "open_interval(-2,3)": openInterval(-2, 3),
  circular,
  "greater_than(1.5)": greaterThan(1.5),
  "greater_than_eq(-1)": greaterThanEq(-1),
  "less_than(2)": lessThan(2),
  "less_than_eq(-1)": lessThanEq(-1),
  "independent(interval(0,2),1)": independent(interval(0, 2), 1),
  simplex,
  ordered_vector: orderedVector,
  positive_ordered_vector: positiveOrderedVector,
  lower_cholesky: lowerCholesky,
  scaled_unit_lower_cholesky: scaledUnitLowerCholesky,
  softplus_lower_cholesky: softplusLowerCholesky,
  corr_cholesky: corrCholesky,
  corr_matrix: corrMatrix,
  positive_definite: positiveDefinite,
  positive_semidefinite: positiveSemidefinite,
  l1_ball: l1Ball,
  zero_sum: zeroSum(1),
};
const TRANSFORMS: Record<string, () => Transform> = {
  Identity: () => new IdentityTransform(),
  Exp: () => new ExpTransform(),
  Sigmoid: () => new SigmoidTransform(),
  Softplus: () => new SoftplusTransform(),
  "Affine(1,-2)": () => new AffineTransform(1, -2),
  "Power(2.5)": () => new PowerTransform(2.5),
  "Power(-0.5)": () => new PowerTransform(-0.5),
  Abs: () => new AbsTransform(),
  StickBreaking: () => new StickBreakingTransform(),
  Ordered: () => new OrderedTransform(),
  LowerCholesky: () => new LowerCholeskyTransform(),
  SoftplusLowerCholesky: () => new SoftplusLowerCholeskyTransform(),
  ScaledUnitLowerCholesky: () => new ScaledUnitLowerCholeskyTransform(),
  CorrCholesky: () => new CorrCholeskyTransform(),
  Cholesky: () => new CholeskyTransform(),
  CorrMatrixCholesky: () => new CorrMatrixCholeskyTransform(),
  LowerCholeskyAffine: () =>
    new LowerCholeskyAffine(
      [1, -1],
      [
        [2, 0],
        [0.5, 0.1],
      ],
    ),
  Permute: () => new PermuteTransform([2, 0, 1]),
  L1Ball: () => new L1BallTransform(),
  "SimplexToOrdered(0)": () => new SimplexToOrderedTransform(0),
  "SimplexToOrdered(1.5)": () => new SimplexToOrderedTransform(1.5),
  "ZeroSum(1)": () => new ZeroSumTransform(1),
  RecursiveLinear: () =>
    new RecursiveLinearTransform([
      [0.9, 0.1],
      [-0.2, 0.5],
    ]),
  IAF: () => new InverseAutoregressiveTransform(arn),
  ...Object.fromEntries(Object.entries(CONSTRAINTS).map(([k, c]) => [`biject_to(${k})`, () => bijectTo(c)])),
};

const TINY = 2.2250738585072014e-308;
/**
 * a equals NumPyro's b: the same NaN/±∞ class, within rtol·|b| + atol, or a subnormal where b is 0 (XLA on CPU
 * flushes subnormal results to zero).
 */
const close = (a: number, b: number, rtol: number, atol: number): boolean =>
  Object.is(a, b) ||
  (Number.isNaN(a) && Number.isNaN(b)) ||
  (Number.isFinite(a) && Number.isFinite(b) && Math.abs(a - b) <= rtol * Math.abs(b) + atol) ||
  (b === 0 && Math.abs(a) < TINY);
const RTOL = 1e-10;
/**
 * Absolute slack: none for constrained values (a value at the boundary, 0 or 1, must not pass for one just
 * inside), else 1e-14 of the largest finite entry (sums such as log|J| ≈ 1e-16 at x ≈ 0, and gradients such as
 * σ(−x) − σ(x) at x = 1e-8, lose their relative precision to cancellation in NumPyro and Phlox alike).
 */
const atolFor = (field: Field, dir: Case["dir"], want: number[]): number =>
  field === "out" && dir === "fwd" ? 0 : 1e-14 * Math.max(1, ...want.filter(Number.isFinite).map(Math.abs));

type Field = "out" | "back" | "ld" | "gOut" | "gLd";
const FIELDS = ["out", "back", "ld", "gOut", "gLd"] as const;
/** Every quantity of one case, computed by Phlox (eagerly or under jit). */
function evaluate(t: Transform, c: Case, compiled: boolean): Partial<Record<Field, number[]>> {
  const w = tensor(c.w);
  const fwd = c.dir === "fwd";
  const out = (v: Tensor): Tensor => (fwd ? t.forward(v) : t.inverse(v));
  const back = (v: Tensor): Tensor => (fwd ? t.inverse(out(v)) : t.forward(out(v)));
  const ld = (v: Tensor): Tensor =>
    fwd ? t.logAbsDetJacobian(v, t.forward(v)) : t.logAbsDetJacobian(t.inverse(v), v);
  const fns: Partial<Record<Field, (v: Tensor) => Tensor>> = {
    out,
    gOut: grad((v: Tensor) => out(v).mul(w).sum()),
  };
  if (c.back !== undefined) fns.back = back;
  if (c.ld !== undefined) {
    fns.ld = ld;
    fns.gLd = grad((v: Tensor) => ld(v).sum());
  }
  const res: Partial<Record<Field, number[]>> = {};
  for (const [k, f] of Object.entries(fns) as [Field, (v: Tensor) => Tensor][])
    res[k] = values(compiled ? (jit(f)(tensor(c.in)) as Tensor) : f(tensor(c.in)));
  return res;
}

/**
 * The round trip t.inv(t(x)) (or t(t.inv(y))) is ill-conditioned near a boundary, so it passes where it equals
 * NumPyro's, is at least as close to the input, or (forward cases) is a preimage of the same image.
 */
function backOk(t: Transform, c: Case, got: number[]): boolean {
  const want = flat(c.back);
  const input = flat(c.in);
  // t(x) overflowed (e.g. exp(750) on a diagonal): no round trip to speak of, in NumPyro either
  if (!flat(c.out).every(Number.isFinite)) return true;
  const atol = atolFor("back", c.dir, want);
  // entrywise NumPyro's value, or finite and at least as close to the input as NumPyro's (NaN: infinitely far)
  const err = (v: number, i: number): number => (Number.isNaN(v) ? Infinity : Math.abs(v - input[i]!));
  const atolIn = atolFor("back", c.dir, input);
  const asGood = (v: number, i: number): boolean =>
    close(v, want[i]!, RTOL, atol) ||
    (Number.isFinite(v) && err(v, i) <= Math.max(err(want[i]!, i), RTOL * Math.abs(input[i]!) + atolIn));
  if (got.every(asGood)) return true;
  // a preimage of y = t(x): the same image (where the map is clipped or flat, many x share it)
  if (c.dir !== "fwd") return false;
  const image = values(t.forward(tensor(got).reshape(tensor(c.in).shape)));
  const y = flat(c.out);
  return image.every((v, i) => close(v, y[i]!, RTOL, atolFor("out", "inv", y)));
}

interface Deviation {
  /** Why Phlox's value differs from NumPyro 0.21's and why Phlox's is right. */
  why: string;
  /** Case titles (`key dir input`). */
  cases: string[];
  fields: Field[];
  /** The true values (default: the fixture's `exact`, from 60-digit decimal arithmetic). */
  truth?: (c: Case) => Partial<Record<Field, number[]>>;
}
const SB = ["StickBreaking", "biject_to(simplex)"];
const CC = ["CorrCholesky", "biject_to(corr_cholesky)"];
const both = (keys: string[], rest: string[]): string[] => keys.flatMap((k) => rest.map((r) => `${k} ${r}`));
/** Where Phlox deliberately differs from NumPyro 0.21, with the check that Phlox's value is the right one. */
const DEVIATIONS: Deviation[] = [
  {
    why:
      "NumPyro forms 1 − σ(x) by subtraction, losing the small pieces of the stick to rounding for x ≳ 15 " +
      "(1.7e-4 relative at x = 30); Phlox takes σ(−x)",
    cases: both(SB, ["fwd [5,-5,30]"]),
    fields: ["out"],
  },
  {
    why: "the same rounding of 1 − σ(30), in three pieces and in log|J|",
    cases: both(SB, ["fwd [30,30,30]"]),
    fields: ["out", "ld"],
  },
  {
    why:
      "a piece y_i < 2.2e-308 is flushed to 0 by XLA, so NumPyro's log|J| = Σ log y_i is −∞ and its gradient " +
      "NaN; Phlox sums log y_i in log space from x",
    cases: both(SB, ["fwd [700,-700,0]", "fwd [750,-750,0]", "fwd [-750,750,-750]"]),
    fields: ["ld", "gLd"],
  },
  {
    why:
      "NumPyro's inverse divides by 1 − Σ_{j≤i} y_j, which cancels to 0 (then tiny) or to a few ulps near a " +
      "vertex (x off by up to 670, gradients NaN); Phlox uses the tail sums Σ_{j>i} y_j",
    cases: both(SB, [
      "inv [0.9999999999999997,1e-16,1e-16,1e-16]",
      "inv [0.5,0.5,1e-300,1e-300]",
      "inv [1e-17,1,1e-17,0]",
    ]),
    fields: ["out", "ld", "gOut", "gLd"],
  },
  {
    why:
      "two partial correlations of one row clipped to ±(1 − ε) leave NumPyro's 1 − Σ_k y_ik² at 0, so its " +
      "log|J| is −∞ and its gradient NaN; Phlox sums log(1 − t²) = −2 log cosh x from x",
    cases: both(
      ["CorrCholesky", "biject_to(corr_matrix)"],
      [
        "fwd [5,-5,30,30,30,30]",
        "fwd [30,30,30,-30,-30,-30]",
        "fwd [-30,-30,-30,40,-40,1e-8]",
        "fwd [40,-40,1e-8,-40,40,0]",
        "fwd [-40,40,0,100,-100,0]",
        "fwd [100,-100,0,-100,100,-100]",
        "fwd [-100,100,-100,700,-700,0]",
        "fwd [700,-700,0,-700,700,5]",
        "fwd [-700,700,5,750,-750,0]",
        "fwd [750,-750,0,-750,750,-750]",
        "fwd [-750,750,-750,750,750,750]",
      ],
    ),
    fields: ["ld", "gLd"],
  },
  {
    why:
      "NumPyro forms 1 − t² with t = tanh x by subtraction, so for 10 ≲ |x| ≲ 18.4 the lengths left in a row " +
      "lose digits (y₁₁ = 6.1e-7 is 2e-4 off at x = 15); Phlox uses log(1 − t²) = −2 log cosh x",
    cases: both(CC, ["fwd [15,15,1]", "fwd [-17,12,3]"]),
    fields: ["out", "ld", "gOut"],
  },
  {
    why:
      "a row nearly spent after its first entry (y_i0 = cos 1e-6) is ill-conditioned: NumPyro's 1 − Σ_{k<j} y_ik² " +
      "keeps 4 digits of the 1e-12 left, Phlox's Σ_{k≥j} y_ik² all of them (x moves by 1e-4 relative)",
    cases: both(CC, [
      "inv [[1,0,0],[0.9999999999995,9.999999999998333e-7,0],[0.9999999999995,5.999999999998999e-7,7.999999999998667e-7]]",
    ]),
    fields: ["out", "ld", "gOut", "gLd"],
  },
  {
    why:
      "log|J| = log|2.5·y/x| with y = x^2.5 has derivative 1.5/x; NumPyro's is −∞ at x = 1e-100 and 2.5/x at " +
      "x = 1e100 (Phlox agrees with it where y over- or underflows)",
    cases: ["Power(2.5) fwd [1e-300,1e-100,1e-8,1,100000000,1e+100,1e+200]"],
    fields: ["gLd"],
    truth: (c) => ({
      gLd: flat(c.in).map((x, i) => (Number.isFinite(flat(c.ld)[i]!) ? 1.5 / x : Number.NaN)),
    }),
  },
  {
    why:
      "the inverse divides the zero above the diagonal by a diagonal entry 1e-300 whose square underflows, " +
      "giving NumPyro 0/0 = NaN in the derivative; the exact ones are w₁(1 + 1/expm1(y₀₀)) and 1/expm1(y₀₀)",
    cases: both(
      ["ScaledUnitLowerCholesky", "biject_to(scaled_unit_lower_cholesky)"],
      ["inv [[1e-300,0],[3e-300,1e-20]]"],
    ),
    fields: ["gOut", "gLd"],
    truth: (c) => {
      const [y00, , y10, y11] = flat(c.in) as [number, number, number, number];
      const [w0, w1, w2] = flat(c.w) as [number, number, number];
      const spd = (d: number): number => 1 + 1 / Math.expm1(d); // d/dy of the inverse softplus
      return {
        gOut: [w1 * spd(y00), 0, w0 / y11, (-w0 * y10) / y11 ** 2 + w2 * spd(y11)],
        gLd: [1 / Math.expm1(y00), 0, 0, 1 / y11 + 1 / Math.expm1(y11)],
      };
    },
  },
  {
    why:
      "|x| has no derivative at 0; JAX takes the right derivative 1, Phlox (like PyTorch) the central one 0 " +
      "(@phlox/tensor's abs), which central differences reproduce",
    cases: ["Abs fwd [0,1e-8,-1e-8,5,-5,30,-30,40,-40,100,-100,700,-700,750,-750]"],
    fields: ["gOut"],
    truth: (c) => ({ gOut: flat(c.in).map((x, i) => Math.sign(x) * flat(c.w)[i]!) }),
  },
  {
    why:
      "the same derivative of |y_j| at 0, in log|J| = Σ log(1 − Σ_{j<i}|y_j|) + …: central differences give 0 " +
      "(the tanh part's derivative −2 tanh 0 is 0 too)",
    cases: both(["L1Ball", "biject_to(l1_ball)"], ["fwd [0,0,0]", "inv [0,0,0]"]),
    fields: ["gLd"],
    truth: () => ({ gLd: [0, 0, 0] }),
  },
];
const deviationOf = new Map<string, Deviation>();
for (const d of DEVIATIONS) for (const t of d.cases) deviationOf.set(t, d);
const usedDeviations = new Set<string>();

describe(`transforms and bijectTo at extreme and edge inputs equal NumPyro ${fx.numpyro}'s (eager and jit)`, () => {
  for (const c of fx.cases) {
    const title = `${c.t} ${c.dir} ${JSON.stringify(c.in)}`;
    const dev = deviationOf.get(title);
    if (dev) usedDeviations.add(title);
    for (const mode of ["eager", "jit"] as const) {
      it(`${title} (${mode})`, () => {
        const t = TRANSFORMS[c.t]!();
        const got = evaluate(t, c, mode === "jit");
        const truth = dev ? (dev.truth?.(c) ?? c.exact ?? {}) : {};
        const bad: string[] = [];
        for (const k of FIELDS) {
          if (c[k] === undefined) continue;
          const numpyro = flat(c[k]);
          const g = got[k]!;
          const sameAs = (want: number[], rtol: number): boolean =>
            g.length === want.length && g.every((v, i) => close(v, want[i]!, rtol, atolFor(k, c.dir, want)));
          if (dev?.fields.includes(k)) {
            const exact = truth[k];
            if (!exact) bad.push(`${k}: the deviation has no true values`);
            else if (!sameAs(exact, 1e-9))
              bad.push(`${k}: ${JSON.stringify(g)}, true ${JSON.stringify(exact)}`);
            if (sameAs(numpyro, RTOL)) bad.push(`${k}: stale deviation, Phlox now equals NumPyro`);
          } else if (k === "back" ? !backOk(t, c, g) : !sameAs(numpyro, RTOL)) {
            bad.push(`${k}: ${JSON.stringify(g)}, NumPyro ${JSON.stringify(numpyro)}`);
          }
        }
        expect(bad.join("\n")).toBe("");
      });
    }
  }

  it("every listed deviation names a fixture case", () => {
    expect([...deviationOf.keys()].filter((k) => !usedDeviations.has(k))).toEqual([]);
  });
});
