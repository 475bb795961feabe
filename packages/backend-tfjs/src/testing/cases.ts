/**
 * The conformance cases: at least one application per primitive, on well-conditioned inputs, with params.
 */
import type { DType, PrimitiveName } from "@phlox/tensor";

/** One input of a case: flat data, shape, dtype. */
export interface CaseInput {
  readonly data: readonly number[];
  readonly shape: readonly number[];
  readonly dtype: DType;
}

/** One primitive application to compare across backends. */
export interface PrimitiveCase {
  readonly primitive: PrimitiveName;
  readonly inputs: readonly CaseInput[];
  readonly params: object;
  /** Short label shown in the test title. */
  readonly label?: string;
}

const f = (data: readonly number[], shape: readonly number[] = [data.length]): CaseInput => ({
  data,
  shape,
  dtype: "float64",
});
const i32 = (data: readonly number[], shape: readonly number[] = [data.length]): CaseInput => ({
  data,
  shape,
  dtype: "int32",
});
const u32 = (data: readonly number[], shape: readonly number[] = [data.length]): CaseInput => ({
  data,
  shape,
  dtype: "uint32",
});
const b = (data: readonly number[], shape: readonly number[] = [data.length]): CaseInput => ({
  data,
  shape,
  dtype: "bool",
});
const seq = (n: number, a = 0.1, s = 0.37): number[] =>
  Array.from({ length: n }, (_, k) => Math.round((a + Math.sin(1 + k * s) * 1.5) * 1000) / 1000);

const ANY = [-1.7, -0.3, 0.2, 0.9, 2.5];
const POS = [0.3, 0.9, 1.7, 2.5, 4.2];
const UNIT = [0.05, 0.3, 0.5, 0.77, 0.96];
const ROUNDISH = [-2.5, -0.5, 0.5, 1.5, 2.7, -3.2];
const N = {};

const unary = (p: PrimitiveName, data: readonly number[]): PrimitiveCase => ({
  primitive: p,
  inputs: [f(data)],
  params: N,
});
const binary = (p: PrimitiveName, x: readonly number[], y: readonly number[]): PrimitiveCase => ({
  primitive: p,
  inputs: [f(x), f(y)],
  params: N,
});

const X = [-1.5, 0.5, 2, 2, 3.25, -0.75];
const Y = [0.5, 0.5, -1, 2, 1.5, -0.75];
const SPD = [4, 1, 0.5, 1, 3, 0.2, 0.5, 0.2, 2];
const LOWER = [2, 0, 0, 0.5, 1.5, 0, -0.3, 0.4, 1.2];

/** Every case; `conformance` checks that each defined primitive has at least one. */
export const primitiveCases: readonly PrimitiveCase[] = [
  ...(
    ["neg", "exp", "sin", "cos", "tanh", "logistic", "abs", "expm1", "erf", "erfc", "stopGradient"] as const
  ).map((p) => unary(p, ANY)),
  unary("tan", [-1, -0.3, 0.2, 0.9, 1.2]),
  ...(["log", "log1p", "sqrt", "rsqrt", "lgamma", "digamma"] as const).map((p) => unary(p, POS)),
  unary("ndtri", UNIT),
  ...(["sign", "floor", "ceil", "round"] as const).map((p) => unary(p, ROUNDISH)),
  unary("isnan", [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1]),
  unary("isfinite", [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1]),
  { primitive: "polygamma", inputs: [f(POS)], params: { n: 1 }, label: "n=1" },
  { primitive: "polygamma", inputs: [f(POS)], params: { n: 2 }, label: "n=2" },
  { primitive: "neg", inputs: [i32([-3, 0, 7])], params: N, label: "int32" },
  { primitive: "abs", inputs: [i32([-3, 0, 7])], params: N, label: "int32" },
  { primitive: "exp", inputs: [i32([-1, 0, 2])], params: N, label: "int32 → float" },
  { primitive: "logicalNot", inputs: [b([1, 0, 1])], params: N },
  ...(["add", "sub", "mul", "div", "maximum", "minimum", "lt", "le", "gt", "ge", "eq", "ne"] as const).map(
    (p) => binary(p, X, Y),
  ),
  binary("pow", POS, [0.5, -1.2, 2, 3.1, 0.3]),
  { primitive: "add", inputs: [i32([-7, 3, 100]), i32([2, 5, -50])], params: N, label: "int32" },
  { primitive: "mul", inputs: [i32([-7, 3, 100]), i32([2, 5, -50])], params: N, label: "int32" },
  { primitive: "div", inputs: [i32([-7, 7, 9]), i32([2, 2, 3])], params: N, label: "int32 truncates" },
  { primitive: "eq", inputs: [u32([4000000000, 1, 7]), u32([4000000000, 2, 7])], params: N, label: "uint32" },
  ...(["lt", "le", "gt", "ge", "maximum", "minimum"] as const).map(
    (p): PrimitiveCase => ({
      primitive: p,
      inputs: [u32([4000000000, 1, 7, 2147483648, 5]), u32([3, 2, 7, 2147483647, 4000000001])],
      params: N,
      label: "uint32",
    }),
  ),
  { primitive: "sin", inputs: [f([-40.3, -7.1, 3.2, 12.9, 100.5])], params: N, label: "wide range" },
  { primitive: "cos", inputs: [f([-40.3, -7.1, 3.2, 12.9, 100.5])], params: N, label: "wide range" },
  { primitive: "logicalAnd", inputs: [b([1, 1, 0, 0]), b([1, 0, 1, 0])], params: N },
  { primitive: "logicalOr", inputs: [b([1, 1, 0, 0]), b([1, 0, 1, 0])], params: N },
  { primitive: "select", inputs: [b([1, 0, 1]), f([1, 2, 3]), f([-1, -2, -3])], params: N },
  {
    primitive: "select",
    inputs: [b([1, 0, 1, 0]), b([1, 1, 0, 0]), b([0, 0, 1, 1])],
    params: N,
    label: "bool",
  },
  {
    primitive: "select",
    inputs: [b([1, 0, 1]), u32([4000000001, 1, 7]), u32([2, 3000000001, 5])],
    params: N,
    label: "uint32",
  },
  {
    primitive: "select",
    inputs: [b([1, 0]), i32([2147483647, 1]), i32([2, -2147483647])],
    params: N,
    label: "int32",
  },
  { primitive: "cast", inputs: [f([-2.7, -0.5, 0.5, 3.9])], params: { dtype: "int32" }, label: "→ int32" },
  { primitive: "cast", inputs: [f([-2.7, 0, 0.5])], params: { dtype: "bool" }, label: "→ bool" },
  { primitive: "cast", inputs: [i32([-3, 0, 5])], params: { dtype: "float64" }, label: "int32 →" },
  { primitive: "cast", inputs: [b([1, 0])], params: { dtype: "float32" }, label: "bool →" },
  { primitive: "cast", inputs: [f([1.5, 2.25])], params: { dtype: "float32" }, label: "f64 → f32" },
  {
    primitive: "cast",
    inputs: [u32([0, 1, 2147483648, 4294967295])],
    params: { dtype: "float64" },
    label: "uint32 →",
  },
  ...(["reduceSum", "reduceMax", "reduceMin", "reduceProd"] as const).flatMap((p) => [
    { primitive: p, inputs: [f(seq(12), [3, 4])], params: { axes: [1], keepDims: false } },
    {
      primitive: p,
      inputs: [f(seq(12), [3, 4])],
      params: { axes: [0, 1], keepDims: true },
      label: "all, keepDims",
    },
  ]),
  {
    primitive: "reduceSum",
    inputs: [b([1, 0, 1, 1])],
    params: { axes: [0], keepDims: false },
    label: "bool",
  },
  {
    primitive: "reduceSum",
    inputs: [i32([1, -5, 9, 2], [2, 2])],
    params: { axes: [0], keepDims: false },
    label: "int32",
  },
  { primitive: "argmax", inputs: [f(seq(12), [3, 4])], params: { axis: 1, keepDims: false } },
  {
    primitive: "argmin",
    inputs: [f(seq(12), [3, 4])],
    params: { axis: 0, keepDims: true },
    label: "keepDims",
  },
  { primitive: "reshape", inputs: [f(seq(6), [2, 3])], params: { shape: [3, 2] } },
  { primitive: "broadcastTo", inputs: [f([1, 2, 3])], params: { shape: [2, 3] } },
  {
    primitive: "broadcastTo",
    inputs: [f([1, 2], [2, 1])],
    params: { shape: [2, 2, 3] },
    label: "rank grows",
  },
  { primitive: "transpose", inputs: [f(seq(24), [2, 3, 4])], params: { perm: [2, 0, 1] } },
  { primitive: "slice", inputs: [f(seq(12), [3, 4])], params: { start: [1, 1], end: [3, 3] } },
  { primitive: "pad", inputs: [f(seq(6), [2, 3])], params: { lo: [1, 0], hi: [0, 2] } },
  {
    primitive: "concatenate",
    inputs: [f(seq(4), [2, 2]), f(seq(2), [2, 1]), f(seq(6), [2, 3])],
    params: { axis: 1 },
  },
  { primitive: "gather", inputs: [f(seq(12), [4, 3]), i32([3, 0, 3, 1], [2, 2])], params: { axis: 0 } },
  { primitive: "gather", inputs: [f(seq(12), [4, 3]), i32([2, 0])], params: { axis: 1 }, label: "axis 1" },
  {
    primitive: "scatterAdd",
    inputs: [f(seq(12), [4, 3]), i32([3, 0, 3]), f(seq(9, 0.5), [3, 3])],
    params: { axis: 0 },
    label: "duplicates",
  },
  {
    primitive: "scatterAdd",
    inputs: [f(seq(12), [3, 4]), i32([1, 1], [2]), f(seq(6, 0.2), [3, 2])],
    params: { axis: 1 },
    label: "axis 1",
  },
  { primitive: "cumsum", inputs: [f(seq(12), [3, 4])], params: { axis: 1, reverse: false } },
  { primitive: "cumsum", inputs: [f(seq(12), [3, 4])], params: { axis: 0, reverse: true }, label: "reverse" },
  { primitive: "matmul", inputs: [f(seq(6), [2, 3]), f(seq(12, 0.3), [3, 4])], params: N },
  {
    primitive: "matmul",
    inputs: [f(seq(12), [2, 2, 3]), f(seq(12, 0.3), [2, 3, 2])],
    params: N,
    label: "batched",
  },
  { primitive: "cholesky", inputs: [f(SPD, [3, 3])], params: N },
  {
    primitive: "cholesky",
    inputs: [f([...SPD, ...SPD.map((v, k) => v * (k % 4 === 0 ? 2 : 1))], [2, 3, 3])],
    params: N,
    label: "batched",
  },
  ...[true, false].flatMap((lower) =>
    [true, false].flatMap((transposeA) =>
      [true, false].map(
        (leftSide): PrimitiveCase => ({
          primitive: "triangularSolve",
          inputs: [
            f(lower ? LOWER : [2, 0.5, -0.3, 0, 1.5, 0.4, 0, 0, 1.2], [3, 3]),
            f(seq(6), leftSide ? [3, 2] : [2, 3]),
          ],
          params: { lower, transposeA, leftSide },
          label: `lower=${lower} transposeA=${transposeA} leftSide=${leftSide}`,
        }),
      ),
    ),
  ),
  { primitive: "randomBits", inputs: [u32([0, 0])], params: { shape: [2, 3] }, label: "key 0" },
  { primitive: "randomBits", inputs: [u32([1, 4000000000])], params: { shape: [5] }, label: "high key" },
  {
    primitive: "randomBits",
    inputs: [u32([0, 0, 1, 4000000000, 7, 9], [3, 2])],
    params: { shape: [2, 2] },
    label: "a batch of keys (vmap)",
  },
];
