import { describe, expect, it } from "vitest";
import { emitExp, emitLog, emitLog1p, emitLog1pUnit } from "./simd-math.js";
import { emitModule, I32, op, V128, wasmSimdSupported } from "./wasm-emit.js";

/** Applies an emitted f64x2 function to xs (pairs) through a one-function module. */
function run(emit: typeof emitExp, xs: readonly number[]): Float64Array {
  const locals: number[] = [];
  const tmp = (): number => {
    locals.push(V128);
    return 2 + locals.length - 1;
  };
  const x = tmp();
  const inner = emit(x, tmp);
  // loop over pairs: ptr (param 0) from 0 to n·8 (param 1), in place
  const body = [
    ...op.block(),
    ...op.loop(),
    ...op.get(0),
    ...op.get(1),
    ...op.i32GeU(),
    ...op.brIf(1),
    ...op.get(0),
    ...op.v128Load(0),
    ...op.set(x),
    ...op.get(0),
    ...inner,
    ...op.v128Store(0),
    ...op.get(0),
    ...op.i32(16),
    ...op.i32Add(),
    ...op.set(0),
    ...op.br(0),
    ...op.end(),
    ...op.end(),
  ];
  const bytes = emitModule(4, [{ name: "f", params: [I32, I32], results: [], locals, body }]);
  const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes as BufferSource), {});
  const mem = inst.exports.mem as WebAssembly.Memory;
  const n = xs.length + (xs.length & 1);
  const a = new Float64Array(mem.buffer, 0, n);
  a.set(xs);
  (inst.exports.f as (p: number, e: number) => void)(0, n * 8);
  return a.slice(0, xs.length);
}

/** Distance in units of the last place between a and b (0 when both are the same special value). */
function ulps(a: number, b: number): number {
  if (Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b))) return 0;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return Number.POSITIVE_INFINITY;
  const u = Math.max(Number.MIN_VALUE, Math.abs(b) * Number.EPSILON);
  return Math.abs(a - b) / u;
}

function sample(lo: number, hi: number, n: number): number[] {
  let s = 7;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out.push(lo + ((hi - lo) * s) / 4294967296);
  }
  return out;
}

describe.runIf(wasmSimdSupported())("SIMD exp, log, log1p", () => {
  it("exp is within 2 ulp of Math.exp, with its special values", () => {
    const xs = [
      ...sample(-745, 709.7, 4000),
      ...sample(-1, 1, 2000),
      0,
      -0,
      1e-300,
      -1e-20,
      709.78,
      710,
      -746,
      -740,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      Number.NaN,
    ];
    const ys = run(emitExp, xs);
    xs.forEach((x, i) => {
      const want = Math.exp(x);
      // in the subnormal range an ulp is absolute: compare with the smallest normal's ulp
      const err =
        want < 2.2250738585072014e-308
          ? Math.abs((ys[i] as number) - want) / 5e-324
          : ulps(ys[i] as number, want);
      expect(err, `exp(${x}) = ${ys[i]} vs ${want}`).toBeLessThanOrEqual(2);
    });
  });
  it("log and log1p are within 2 ulp of Math, with their special values", () => {
    const xs = [
      ...sample(0, 3, 3000),
      ...sample(0.5, 1.5, 2000),
      ...sample(0, 1e300, 1000),
      1e-310,
      5e-324,
      0,
      -0,
      -1,
      1,
      2,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      Number.NaN,
    ];
    const ys = run(emitLog, xs);
    xs.forEach((x, i) => {
      expect(ulps(ys[i] as number, Math.log(x)), `log(${x})`).toBeLessThanOrEqual(2);
    });
    const ps = [...sample(-0.999, 3, 3000), ...sample(-1e-10, 1e-10, 500), ...xs, -2, -1];
    const zs = run(emitLog1p, ps);
    ps.forEach((x, i) => {
      expect(ulps(zs[i] as number, Math.log1p(x)), `log1p(${x})`).toBeLessThanOrEqual(2);
    });
  });
  it("log1p on [0, 1] (the softplus form) is within 1 ulp of Math.log1p over a dense grid, with its edge values", () => {
    const xs = [
      ...sample(0, 1, 20000),
      ...sample(0.49, 0.51, 2000),
      ...sample(0, 1e-3, 2000),
      ...Array.from({ length: 200 }, (_, k) => Math.exp(-k * 3.7)), // exp(−|y|) down to the subnormals
      0,
      -0,
      5e-324,
      1e-310,
      1e-17,
      0.5,
      0.49999999999999994,
      Math.SQRT2 - 1,
      1,
      0.9999999999999999,
      Number.NaN,
    ];
    const ys = run(emitLog1pUnit, xs);
    xs.forEach((x, i) => {
      const want = Math.log1p(x);
      // below the normals an ulp is absolute
      const err =
        Math.abs(want) < 2.2250738585072014e-308
          ? Math.abs((ys[i] as number) - want) / 5e-324
          : ulps(ys[i] as number, want);
      expect(err, `log1p(${x}) = ${ys[i]} vs ${want}`).toBeLessThanOrEqual(1);
    });
  });
  it("exp of a non-positive argument (the softplus form, no overflow patch) is within 2 ulp of Math.exp", () => {
    const xs = [
      ...sample(-746, 0, 8000),
      ...sample(-1, 0, 4000),
      ...sample(-745.3, -744.9, 2000),
      ...sample(-709, -707, 1000),
      0,
      -0,
      -1e-300,
      -5e-324,
      -745.1332191019412,
      -745.1332191019411,
      -745.2,
      -745.3,
      -746,
      -1e308,
      Number.NEGATIVE_INFINITY,
      Number.NaN,
    ];
    const ys = run((x, tmp) => emitExp(x, tmp, undefined, true), xs);
    xs.forEach((x, i) => {
      const want = Math.exp(x);
      const err =
        want < 2.2250738585072014e-308
          ? Math.abs((ys[i] as number) - want) / 5e-324
          : ulps(ys[i] as number, want);
      expect(err, `exp(${x}) = ${ys[i]} vs ${want}`).toBeLessThanOrEqual(2);
    });
  });
});
