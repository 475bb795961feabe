import { describe, expect, it } from "vitest";
import { emitExpF32, emitLog1pF32, emitLog1pUnitF32, emitLogF32 } from "./simd-math-f32.js";
import { emitModule, I32, op, V128, wasmSimdSupported } from "./wasm-emit.js";

/** Applies an emitted f32x4 function to xs (rounded to float32, four at a time) through a one-function module. */
function run(emit: typeof emitExpF32, xs: readonly number[]): Float32Array {
  const locals: number[] = [];
  const tmp = (): number => {
    locals.push(V128);
    return 2 + locals.length - 1;
  };
  const x = tmp();
  const inner = emit(x, tmp);
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
  const n = Math.ceil(xs.length / 4) * 4;
  const a = new Float32Array(mem.buffer, 0, n);
  a.set(xs);
  (inst.exports.f as (p: number, e: number) => void)(0, n * 4);
  return a.slice(0, xs.length);
}

const F32_EPS = 2 ** -23;
const F32_MIN_NORMAL = 2 ** -126;
const F32_MIN = 2 ** -149;

/** Distance in float32 units of the last place between a and the float32-rounded b (0 for equal specials). */
function ulps32(a: number, b: number): number {
  const w = Math.fround(b);
  if (Object.is(a, w) || (Number.isNaN(a) && Number.isNaN(w))) return 0;
  if (!Number.isFinite(a) || !Number.isFinite(w)) return Number.POSITIVE_INFINITY;
  // below the smallest normal an ulp is absolute (2⁻¹⁴⁹)
  const u = Math.abs(w) < F32_MIN_NORMAL ? F32_MIN : Math.abs(w) * F32_EPS;
  return Math.abs(a - b) / u;
}

function sample(lo: number, hi: number, n: number): number[] {
  let s = 7;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out.push(Math.fround(lo + ((hi - lo) * s) / 4294967296));
  }
  return out;
}

const SPECIAL = [0, -0, F32_MIN, 1e-40, 1e-38, -1e-40, 3e38, -3e38, Infinity, -Infinity, Number.NaN];

describe.runIf(wasmSimdSupported())("SIMD float32 exp, log, log1p (f32x4)", () => {
  it("exp is within 3 float32 ulp of Math.exp over a dense grid, with its special values and range ends", () => {
    const xs = [
      ...sample(-104, 89, 8000),
      ...sample(-1, 1, 4000),
      ...sample(-1e-6, 1e-6, 500),
      ...SPECIAL,
      88.72,
      88.7229,
      88.73,
      -87.33,
      -103.9,
      -103.98,
      -104,
      -110,
      100,
    ].map(Math.fround);
    const ys = run(emitExpF32, xs);
    xs.forEach((x, i) => {
      expect(
        ulps32(ys[i] as number, Math.exp(x)),
        `exp(${x}) = ${ys[i]} vs ${Math.exp(x)}`,
      ).toBeLessThanOrEqual(3);
    });
  });
  it("log and log1p are within 3 float32 ulp of Math over a dense grid, with their special values", () => {
    const xs = [
      ...sample(0, 3, 6000),
      ...sample(0.5, 1.5, 4000),
      ...sample(0, 3e38, 2000),
      ...sample(0, 1e-37, 1000),
      ...SPECIAL,
      -1,
      1,
      2,
      Math.SQRT2,
    ].map(Math.fround);
    const ys = run(emitLogF32, xs);
    xs.forEach((x, i) => {
      expect(ulps32(ys[i] as number, Math.log(x)), `log(${x}) = ${ys[i]}`).toBeLessThanOrEqual(3);
    });
    const ps = [
      ...sample(-0.999, 3, 6000),
      ...sample(0, 1, 4000),
      ...sample(-1e-6, 1e-6, 500),
      ...xs,
      -2,
      -1,
      -0.9999999,
    ].map(Math.fround);
    const zs = run(emitLog1pF32, ps);
    ps.forEach((x, i) => {
      expect(ulps32(zs[i] as number, Math.log1p(x)), `log1p(${x}) = ${zs[i]}`).toBeLessThanOrEqual(3);
    });
  });
  it("log1p on [0, 1] (the softplus form) is within 2 float32 ulp of Math.log1p over a dense grid", () => {
    const xs = [
      ...sample(0, 1, 20000),
      ...sample(0.49, 0.51, 2000),
      ...sample(0, 1e-3, 2000),
      ...Array.from({ length: 60 }, (_, k) => Math.exp(-k * 1.7)), // exp(−|y|) down to the subnormals
      0,
      -0,
      F32_MIN,
      1e-40,
      0.5,
      1,
      Number.NaN,
    ].map(Math.fround);
    const ys = run(emitLog1pUnitF32, xs);
    xs.forEach((x, i) => {
      expect(ulps32(ys[i] as number, Math.log1p(x)), `log1p(${x}) = ${ys[i]}`).toBeLessThanOrEqual(2);
    });
  });
});
