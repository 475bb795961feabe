import {
  type Backend,
  getBackend,
  jsBackend,
  listBackends,
  registerBackend,
  setBackend,
} from "../core/backend.js";
import type { DType } from "../core/dtype.js";
import { PhloxError } from "../core/errors.js";
import { getPrimitive, type PrimitiveName, type PrimitiveParams } from "../core/primitive.js";
import { type Tensor, tensor } from "../core/tensor.js";
import { bind } from "../core/trace.js";
import { key } from "../random/key.js";

/** One conformance case: a primitive, how to build its inputs, its params. */
interface Case {
  name: PrimitiveName;
  inputs: () => Tensor[];
  params?: object;
}

const v = (lo: number, hi: number, shape: number[], dtype: DType = "float64"): (() => Tensor) => {
  const n = shape.reduce((a, b) => a * b, 1);
  return () =>
    tensor(
      Float64Array.from({ length: n }, (_, i) => lo + ((i * 0.618034) % 1) * (hi - lo)),
      { shape, dtype },
    );
};
const unary = (name: PrimitiveName, lo: number, hi: number): Case => ({
  name,
  inputs: () => [v(lo, hi, [2, 3])()],
});
const binary = (name: PrimitiveName, lo = -2, hi = 2): Case => ({
  name,
  inputs: () => [v(lo, hi, [2, 3])(), v(lo + 0.3, hi, [2, 3])()],
});
const CASES: Case[] = [
  ...(
    [
      "neg",
      "exp",
      "sin",
      "cos",
      "tanh",
      "logistic",
      "abs",
      "sign",
      "floor",
      "ceil",
      "round",
      "erf",
      "erfc",
      "expm1",
    ] as const
  ).map((n) => unary(n, -2, 2)),
  ...(["log", "log1p", "sqrt", "rsqrt", "lgamma", "digamma"] as const).map((n) => unary(n, 0.5, 4)),
  unary("tan", -1, 1),
  unary("ndtri", 0.05, 0.95),
  { name: "polygamma", inputs: () => [v(0.5, 4, [2, 3])()], params: { n: 1 } },
  ...(["add", "sub", "mul", "maximum", "minimum", "lt", "le", "gt", "ge", "eq", "ne"] as const).map((n) =>
    binary(n),
  ),
  binary("div", 0.5, 2),
  binary("pow", 0.5, 2),
  {
    name: "select",
    inputs: () => [
      tensor([
        [true, false, true],
        [false, true, false],
      ]),
      v(-1, 1, [2, 3])(),
      v(2, 3, [2, 3])(),
    ],
  },
  { name: "cast", inputs: () => [v(-3, 3, [2, 3])()], params: { dtype: "int32" } },
  { name: "reduceSum", inputs: () => [v(-2, 2, [2, 3, 4])()], params: { axes: [0, 2], keepDims: false } },
  { name: "reduceMax", inputs: () => [v(-2, 2, [2, 3])()], params: { axes: [1], keepDims: true } },
  { name: "reduceMin", inputs: () => [v(-2, 2, [2, 3])()], params: { axes: [0], keepDims: false } },
  { name: "reduceProd", inputs: () => [v(0.5, 2, [2, 3])()], params: { axes: [1], keepDims: false } },
  { name: "argmax", inputs: () => [v(-2, 2, [2, 3])()], params: { axis: 1, keepDims: false } },
  { name: "argmin", inputs: () => [v(-2, 2, [2, 3])()], params: { axis: 0, keepDims: false } },
  { name: "reshape", inputs: () => [v(-2, 2, [2, 3])()], params: { shape: [3, 2] } },
  { name: "broadcastTo", inputs: () => [v(-2, 2, [3, 1])()], params: { shape: [2, 3, 4] } },
  { name: "transpose", inputs: () => [v(-2, 2, [2, 3, 4])()], params: { perm: [2, 0, 1] } },
  { name: "slice", inputs: () => [v(-2, 2, [3, 4])()], params: { start: [1, 0], end: [3, 3] } },
  { name: "pad", inputs: () => [v(-2, 2, [2, 2])()], params: { lo: [1, 0], hi: [0, 2] } },
  { name: "concatenate", inputs: () => [v(-2, 2, [2, 2])(), v(0, 1, [2, 3])()], params: { axis: 1 } },
  {
    name: "gather",
    inputs: () => [v(-2, 2, [3, 4])(), tensor([2, 0, 2], { dtype: "int32" })],
    params: { axis: 1 },
  },
  {
    name: "scatterAdd",
    inputs: () => [v(-2, 2, [3, 2])(), tensor([1, 1], { dtype: "int32" }), v(0, 1, [2, 2])()],
    params: { axis: 0 },
  },
  { name: "cumsum", inputs: () => [v(-2, 2, [2, 3])()], params: { axis: 1, reverse: true } },
  { name: "matmul", inputs: () => [v(-1, 1, [2, 3, 4])(), v(-1, 1, [2, 4, 2])()] },
  {
    name: "cholesky",
    inputs: () => [
      tensor([
        [4, 2, 0.4],
        [2, 3, 0.5],
        [0.4, 0.5, 2],
      ]),
    ],
  },
  {
    name: "triangularSolve",
    inputs: () => [
      tensor([
        [2, 0, 0],
        [0.5, 3, 0],
        [0.1, 0.2, 1.5],
      ]),
      v(-1, 1, [3, 2])(),
    ],
    params: { lower: true, transposeA: true, leftSide: true },
  },
  { name: "randomBits", inputs: () => [key(7)], params: { shape: [2, 3] } },
];

/** Options of {@link checkBackendConformance}. */
export interface ConformanceOptions {
  /** Primitive names to skip, each with the reason (reported back, never silent). */
  skip?: Readonly<Partial<Record<PrimitiveName, string>>>;
  /** Relative tolerance for float results (default 1e-12; use ~1e-5 for float32 backends). */
  rtol?: number;
  /** Absolute tolerance for float results (default 1e-12). */
  atol?: number;
}

/**
 * Runs every primitive on fixed inputs with `backend` and with the reference "js" kernels and returns the
 * mismatches (an empty list means the backend conforms). Registers nothing; restores the current backend.
 * @returns one line per failing or skipped primitive (`"skip exp: reason"` for skips).
 * @example
 * checkBackendConformance(jsBackend).length; // → 0
 */
export function checkBackendConformance(backend: Backend, options: ConformanceOptions = {}): string[] {
  const rtol = options.rtol ?? 1e-12;
  const atol = options.atol ?? 1e-12;
  const out: string[] = [];
  const saved = getBackend();
  const run = (be: Backend, c: Case): Tensor => {
    useBackend(be);
    return bind(getPrimitive(c.name), c.inputs(), (c.params ?? {}) as PrimitiveParams[PrimitiveName]);
  };
  try {
    for (const c of CASES) {
      const why = options.skip?.[c.name];
      if (why !== undefined) {
        out.push(`skip ${c.name}: ${why}`);
        continue;
      }
      try {
        const ref = run(jsBackend, c);
        const refData = ref.dataSync();
        const got = run(backend, c);
        if (got.dtype !== ref.dtype || got.shape.join() !== ref.shape.join()) {
          out.push(`${c.name}: got ${got.dtype}[${got.shape}] expected ${ref.dtype}[${ref.shape}]`);
          continue;
        }
        const d = backend.readSync ? backend.readSync(got.buf, got.dtype, got.size) : null;
        if (d === null) continue; // asynchronous backends: compare with checkBackendConformanceAsync (not yet)
        for (let i = 0; i < refData.length; i++) {
          const a = d[i];
          const b = refData[i];
          if (
            !(a === b || Math.abs(a - b) <= atol + rtol * Math.abs(b) || (Number.isNaN(a) && Number.isNaN(b)))
          ) {
            out.push(`${c.name}: element ${i} is ${a}, expected ${b}`);
            break;
          }
        }
      } catch (e) {
        out.push(`${c.name}: threw ${(e as Error).message}`);
      }
    }
  } finally {
    useBackend(saved);
  }
  return out;
}

/** Makes `be` current, registering it on first use under its name. */
function useBackend(be: Backend): void {
  if (!listBackends().includes(be.name)) registerBackend(be);
  setBackend(be.name);
  if (getBackend() !== be)
    throw new PhloxError(
      "conformance-name",
      `checkBackendConformance: another backend is registered as "${be.name}".`,
    );
}
