import type { TfjsBackend } from "@phlox/backend-tfjs";
import { expectClose } from "@phlox/backend-tfjs/testing";
import { getPrimitive, type KernelArg, type PrimitiveName, silenceWarnings } from "@phlox/tensor";
import { beforeAll, describe, it } from "vitest";
import { wasm } from "./wasm.js";

silenceWarnings(true);

/** Runs a primitive on the composite wasm backend and on the reference kernel (float32-rounded inputs). */
function compare(
  be: TfjsBackend,
  p: PrimitiveName,
  inputs: { data: number[]; shape: number[] }[],
  params: object,
  rtol: number,
  atol: number,
): void {
  const prim = getPrimitive(p);
  const avals = inputs.map((x) => ({ shape: x.shape, dtype: "float64" as const }));
  const shape = prim.shape(avals, params as never);
  const ref: KernelArg[] = inputs.map((x) => ({
    ...avals[0],
    shape: x.shape,
    buf: Float64Array.from(x.data, Math.fround),
  }));
  const want = prim.kernel(ref, params as never, shape, "float64");
  const bufs = inputs.map((x) => be.create(Float64Array.from(x.data), "float64"));
  const out = be.exec(
    prim,
    inputs.map((x, k) => ({ shape: x.shape, dtype: "float64", buf: bufs[k] })),
    params as never,
    shape,
    "float64",
  );
  const got = be.readSync?.(out, "float64", want.length) as Float64Array;
  for (const b of [...bufs, out]) be.dispose(b);
  expectClose(got, want, "float64", rtol, atol, p);
}

const grid = (a: number, b: number, n: number): number[] =>
  Array.from({ length: n }, (_, k) => a + ((b - a) * k) / (n - 1));

describe("device-side composite kernels (float32) against the float64 reference kernels", () => {
  let be: TfjsBackend;
  beforeAll(async () => {
    be = await wasm({ fallbacks: "js", composites: true, name: "wasm-composite-grid" });
  });

  it("lgamma is within 2e-6 relative + 2e-6 absolute on (0.05, 60) and negative non-integers", () => {
    compare(
      be,
      "lgamma",
      [{ data: [...grid(0.05, 60, 300), -0.5, -1.3, -2.7, -7.2, -15.3, -19.5, -33.9], shape: [307] }],
      {},
      2e-6,
      2e-6,
    );
  });
  it("digamma is within 2e-6 relative + 2e-6 absolute on (0.05, 60), at negative non-integers, NaN at 0, −1, −2", () => {
    compare(
      be,
      "digamma",
      [{ data: [...grid(0.05, 60, 300), -0.5, -1.3, -2.7, -15.3, -19.5, -33.9, 0, -1, -2], shape: [309] }],
      {},
      2e-6,
      2e-6,
    );
  });
  for (const n of [1, 2, 3])
    it(`polygamma(${n}) is within 1e-5 relative on (0.1, 40)`, () => {
      compare(be, "polygamma", [{ data: grid(0.1, 40, 200), shape: [200] }], { n }, 1e-5, 1e-9);
    });
  // x ≤ 0 by reflection through cot(πx) (reduced on x, so exactly 0 at half-integers, where even orders
  // cancel to small values); the grid keeps 0.05 away from the poles.
  const negatives = grid(-19.9, -0.1, 199).filter((x) => Math.abs(x - Math.round(x)) > 0.05);
  for (const n of [1, 2, 3, 4])
    it(`polygamma(${n}) is within 2e-5 relative on negative non-integers in (−20, 0)`, () => {
      compare(be, "polygamma", [{ data: negatives, shape: [negatives.length] }], { n }, 2e-5, 1e-6);
    });
  it("polygamma at non-positive integers is +∞ for odd orders and NaN for even ones", () => {
    for (const n of [1, 2, 3]) compare(be, "polygamma", [{ data: [0, -1, -3], shape: [3] }], { n }, 0, 0);
  });
  it("erfc is within 1e-5 relative on (−5, 9), including the far tail (float32 e^{−x²} costs ~2x²·ε)", () => {
    compare(be, "erfc", [{ data: grid(-5, 9, 281), shape: [281] }], {}, 1e-5, 1e-30);
  });
  it("ndtri is within 1e-5 relative + 1e-6 absolute on p in [1e-6, 1 − 1e-3]", () => {
    const ps = [1e-6, 1e-5, 1e-4, 1e-3, ...grid(0.005, 0.999, 200)];
    compare(be, "ndtri", [{ data: ps, shape: [ps.length] }], {}, 1e-5, 1e-6);
  });
  for (const p of ["sin", "cos", "tan"] as const)
    it(`${p} is within 2e-6 absolute + 1e-5 relative on (−1000, 1000)`, () => {
      compare(be, p, [{ data: grid(-1000, 1000, 401), shape: [401] }], {}, 1e-5, 2e-6);
    });
  const n = 6;
  const a = Array.from({ length: n * n }, (_, k) => {
    const i = Math.floor(k / n);
    const j = k % n;
    return (i === j ? n : 0) + 1 / (1 + i + j);
  });
  it("cholesky of matrices that are not positive definite is all NaN, as the reference kernel", () => {
    // singular, indefinite, negative first pivot, NaN entry; then one SPD matrix in the same batch
    const bad = [1, 1, 1, 1, 1, 2, 2, 1, -1, 0, 0, 1, 1, Number.NaN, Number.NaN, 1, 4, 2, 2, 3];
    compare(be, "cholesky", [{ data: bad, shape: [5, 2, 2] }], {}, 1e-6, 1e-6);
  });
  it("cholesky of a 6×6 SPD matrix is within 1e-5", () => {
    compare(be, "cholesky", [{ data: a, shape: [n, n] }], {}, 1e-5, 1e-6);
  });
  it("triangularSolve on 6×6 systems (all 8 variants) is within 1e-5", () => {
    const l = a.map((v, k) => (Math.floor(k / n) >= k % n ? v : 0));
    const b = grid(-2, 3, n * 3);
    for (const lower of [true, false])
      for (const transposeA of [true, false])
        for (const leftSide of [true, false]) {
          const m = lower ? l : l.map((_, k) => l[(k % n) * n + Math.floor(k / n)] as number);
          compare(
            be,
            "triangularSolve",
            [
              { data: m, shape: [n, n] },
              { data: b, shape: leftSide ? [n, 3] : [3, n] },
            ],
            { lower, transposeA, leftSide },
            1e-5,
            1e-6,
          );
        }
  });
});
