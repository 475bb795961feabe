import type { Tensor } from "@phlox/tensor";
import * as T from "@phlox/tensor";
import { simplify, stageValueAndGrad } from "@phlox/tensor";
import { afterEach, describe, expect, it } from "vitest";
import { compileProgram, loadCompiled } from "../compile.js";
import { expectClose } from "../testing/check.js";
import { lcg, linearRegression, logisticRegression } from "../testing/densities.js";
import { decodeBase64 } from "./base64.js";
import { BLOCK_ABOVE } from "./blocks.js";
import { emitBlockModule } from "./simd-emit.js";
import { type BlockProgram, parseBlock } from "./simd-parse.js";
import { disableWasmSimd } from "./simd-rows.js";
import { wasmSimdSupported } from "./wasm-emit.js";

type Logp = (z: Tensor) => Tensor;

/** Value and gradient of `logp` at `z`, compiled with `options`, and whether a SIMD kernel was generated. */
function evaluate(
  logp: Logp,
  z: Float64Array,
  options: { simd?: boolean; dataDtype?: "float64" | "float32" } = {},
): { v: number; g: Float64Array; simd: boolean; again: [number, Float64Array] } {
  const program = simplify(stageValueAndGrad(logp, z.length, []));
  const c = compileProgram(program, { returnFirstScalar: true, argOrder: "potential", ...options });
  const g = new Float64Array(z.length);
  const v = c.raw(z, g) as number;
  const g2 = new Float64Array(z.length);
  const v2 = c.raw(z, g2) as number;
  return { v, g, simd: c.source.includes("rt.simdRows("), again: [v2, g2] };
}

/**
 * Float32 row math: each row's terms carry float32 rounding (relative 6e-8 per operation, a few per term),
 * summed in float64, so the value agrees to 1e-5 relative and each gradient component to 1e-5 of the
 * gradient's largest component (a component near zero is a difference of large terms).
 */
function expectFloat32Close(
  got: { v: number; g: Float64Array },
  want: { v: number; g: Float64Array },
  what: string,
): void {
  expectClose([got.v], [want.v], 1e-5, `${what} value`);
  const scale = Math.max(1, ...[...want.g].map(Math.abs));
  got.g.forEach((x, k) => {
    expect(Math.abs(x - (want.g[k] as number)), `${what} gradient[${k}]`).toBeLessThanOrEqual(1e-5 * scale);
  });
}

/** A logistic regression over the given data (no priors), as tensor ops. */
function logistic(X: Float64Array, y: Float64Array, n: number, d: number): Logp {
  const Xt = T.tensor(X, { shape: [n, d] });
  const yt = T.tensor(y);
  return (z) => {
    const logits = T.add(T.matmul(Xt, T.slice(z, [1], [1 + d])), T.slice(z, [0], [1]).reshape([]));
    return T.sum(T.sub(T.mul(yt, logits), T.softplus(logits)));
  };
}

describe.runIf(wasmSimdSupported())("WebAssembly SIMD row kernels", () => {
  afterEach(() => disableWasmSimd(false));

  it("agree with the JavaScript blocks to 1e-12 on logistic and linear regressions of odd shapes, deterministically", () => {
    // row counts not multiples of the block (2048) or of the vector width (2); odd and even column counts
    const cases = [
      logisticRegression(BLOCK_ABOVE + 1, 7, true),
      logisticRegression(2 * BLOCK_ABOVE + 2047, 20, false, 5),
      logisticRegression(BLOCK_ABOVE + 3, 1, true, 6),
      linearRegression(BLOCK_ABOVE + 5, 9, 7),
      linearRegression(BLOCK_ABOVE + 2, 4, 8),
    ];
    for (const c of cases) {
      const s = evaluate(c.logp, c.z);
      const j = evaluate(c.logp, c.z, { simd: false });
      expect(s.simd, c.name).toBe(true);
      expect(j.simd, c.name).toBe(false);
      expectClose([s.v], [j.v], 1e-12, `${c.name} value`);
      expectClose(s.g, j.g, 1e-12, `${c.name} gradient`);
      const gh = new Float64Array(c.dim);
      expectClose([s.v], [c.hand(c.z, gh)], 1e-10, `${c.name} value vs hand`);
      expectClose(s.g, gh, 1e-10, `${c.name} gradient vs hand`);
      // the same bits on every call
      expect(s.again[0]).toBe(s.v);
      expect([...s.again[1]]).toEqual([...s.g]);
    }
  }, 120_000);

  it("float32 data: the SIMD kernel (float32 row math, float64 sums) agrees with the float64 potential of the rounded data to float32 precision", () => {
    const d = 5;
    const r = lcg(11);
    // row counts leaving 0–3 rows for the last group of four lanes
    for (const n of [BLOCK_ABOVE + 101, BLOCK_ABOVE + 102, BLOCK_ABOVE + 103, 2 * BLOCK_ABOVE + 2048]) {
      const X = new Float64Array(n * d).map(() => r() * 3.3 - 1.7);
      const y = new Float64Array(n).map(() => (r() < 0.3 ? 1 : 0));
      const z = Float64Array.from({ length: d + 1 }, () => r() - 0.5);
      const rounded = Float64Array.from(Float32Array.from(X));
      const want = evaluate(logistic(rounded, y, n, d), z, { simd: false });
      const f32 = evaluate(logistic(X, y, n, d), z, { dataDtype: "float32" });
      const f32js = evaluate(logistic(X, y, n, d), z, { dataDtype: "float32", simd: false });
      const f64 = evaluate(logistic(X, y, n, d), z);
      expect(f32.simd).toBe(true);
      expectFloat32Close(f32, want, `n=${n}`);
      // deterministic
      expect(f32.again[0]).toBe(f32.v);
      expect([...f32.again[1]]).toEqual([...f32.g]);
      // the JavaScript blocks read the same rounded data: bit-identical to the float64 program on them
      expect(f32js.v).toBe(want.v);
      expect([...f32js.g]).toEqual([...want.g]);
      // and the option changes the result (the data are rounded)
      expect(Math.abs(f64.v - f32.v)).toBeGreaterThan(1e-13 * Math.abs(f64.v));
    }
  }, 120_000);

  it("float32 data: the SIMD corpus agrees with its JavaScript blocks on the same rounded data to float32 precision", () => {
    const cases = [
      logisticRegression(BLOCK_ABOVE + 1, 7, true),
      logisticRegression(2 * BLOCK_ABOVE + 2047, 20, false, 5),
      logisticRegression(BLOCK_ABOVE + 3, 1, true, 6),
      linearRegression(BLOCK_ABOVE + 5, 9, 7),
      linearRegression(BLOCK_ABOVE + 2, 4, 8),
    ];
    for (const c of cases) {
      const s = evaluate(c.logp, c.z, { dataDtype: "float32" });
      const j = evaluate(c.logp, c.z, { dataDtype: "float32", simd: false });
      expect(s.simd, c.name).toBe(true);
      expectFloat32Close(s, j, c.name);
    }
  }, 120_000);

  it("float32 data: the f32x4 kernel module validates (a module the engine refused would silently fall back)", () => {
    const n = BLOCK_ABOVE + 7;
    const d = 3;
    const r = lcg(12);
    const X = new Float64Array(n * d).map(() => r() - 0.5);
    const y = new Float64Array(n).map(() => (r() < 0.5 ? 1 : 0));
    const program = simplify(stageValueAndGrad(logistic(X, y, n, d), d + 1, []));
    const c = compileProgram(program, {
      returnFirstScalar: true,
      argOrder: "potential",
      dataDtype: "float32",
    });
    const mods = [...c.source.matchAll(/rt\.simdRows\("([^"]+)"/g)].map((m) => m[1] as string);
    expect(mods.length).toBeGreaterThan(0);
    for (const m of mods) expect(WebAssembly.validate(decodeBase64(m) as BufferSource)).toBe(true);
  });

  it("survives serialisation: loadCompiled rebuilds the kernel and gives the same bits", () => {
    const c = logisticRegression(BLOCK_ABOVE + 33, 4, true, 10);
    const program = simplify(stageValueAndGrad(c.logp, c.dim, []));
    const a = compileProgram(program, { returnFirstScalar: true, argOrder: "potential" });
    const b = loadCompiled(JSON.parse(JSON.stringify(a.toJSON())));
    expect(b.source).toContain("rt.simdRows(");
    const ga = new Float64Array(c.dim);
    const gb = new Float64Array(c.dim);
    expect(b.raw(c.z, gb)).toBe(a.raw(c.z, ga));
    expect([...gb]).toEqual([...ga]);
  }, 120_000);

  it("falls back to the JavaScript blocks when SIMD is switched off at load time", () => {
    const c = logisticRegression(BLOCK_ABOVE + 9, 3, true, 9);
    const j = evaluate(c.logp, c.z, { simd: false });
    disableWasmSimd(true);
    const off = evaluate(c.logp, c.z);
    expect(off.simd).toBe(true); // the kernel is in the source, but the JavaScript block runs
    expect(off.v).toBe(j.v);
    expect([...off.g]).toEqual([...j.g]);
  }, 120_000);
});

describe("parseBlock", () => {
  const block = (inner: string[]): string[] => [
    "function block0(lo, hi, a0) {",
    "let w1_0 = R0[0];",
    "let w1_1 = R0[1];",
    "let s5 = R0[2];",
    "for (let i = lo; i < hi; i++) {",
    ...inner,
    "}",
    "R0[2] = s5;",
    "}",
  ];
  it("recognises row loads, dot products and elementwise accumulations", () => {
    const p = parseBlock(
      block([
        "const e0 = i * 2;",
        "const e0_0 = c0[e0];",
        "const e0_1 = c0[e0 + 1];",
        "const m1 = 0 + e0_0 * w1_0 + e0_1 * w1_1;",
        "const t2 = Math.exp((-m1)) * c1[i];",
        "s5 += (t2 > 0 ? t2 : 0.5);",
      ]),
      0,
    );
    expect(p?.prog.dots).toEqual([{ name: "m1", g: 0, w: [0, 1] }]);
    expect(p?.prog.groups).toEqual([{ c: 0, k: 2, off: 0 }]);
    expect(p?.prog.vectors).toEqual([1]);
    expect(p?.prog.stmts.map((s) => s.name)).toEqual(["t2", "s5"]);
  });
  it("emits softplus's −|y| as a selection, (y ≥ 0 ? −y : y), with the short exp and log1p of −|y| forms", () => {
    const softplusOf = (minusAbs: string[]) => [
      "const e0 = i * 2;",
      "const e0_0 = c0[e0];",
      "const e0_1 = c0[e0 + 1];",
      "const m1 = e0_0 * w1_0 + e0_1 * w1_1;",
      ...minusAbs,
      "const t5 = Math.exp(t4);",
      "const t6 = Math.log1p(t5);",
      "s5 += t6;",
    ];
    const size = (minusAbs: string[]): number => {
      const p = parseBlock(block(softplusOf(minusAbs)), 0);
      expect(p).not.toBeNull();
      return emitBlockModule((p as { prog: BlockProgram }).prog, new Map([[0, 64]]), new Set()).bytes.length;
    };
    const abs = size(["const t3 = Math.abs(m1);", "const t4 = (-t3);"]);
    const selected = size([
      "const t3 = (m1 >= 0 ? 1 : 0);",
      "const t7 = (-m1);",
      "const t4 = (t3 ? t7 : m1);",
    ]);
    // +|y| (the branches swapped) may be large: the general exp and log1p
    const plus = size(["const t3 = (m1 >= 0 ? 1 : 0);", "const t7 = (-m1);", "const t4 = (t3 ? m1 : t7);"]);
    expect(Math.abs(selected - abs)).toBeLessThan(64); // the selection's few instructions
    expect(plus - selected).toBeGreaterThan(200); // range reduction and the overflow patch
  });
  it("rejects what the kernel cannot run", () => {
    const rejects = [
      ["const t2 = lgamma(w1_0);", "s5 += t2;"], // a call without a SIMD form
      ["const t2 = a0[i];", "s5 += t2;"], // an input read in the loop
      ["b3[i] = w1_0;", "s5 += 1;"], // a store
      ["const t2 = (w1_0 && w1_1 ? 1 : 0);", "s5 += t2;"], // an operator outside the subset
      ["s5 += 1;", "const t2 = s5 * 2;"], // an accumulator read in the loop
    ];
    for (const inner of rejects) expect(parseBlock(block(inner), 0), inner.join(" ")).toBeNull();
  });
});
