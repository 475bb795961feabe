/**
 * Reduction and matrix–vector fusion: the IR passes (no GPU needed) and, where Dawn finds an adapter (SwiftShader
 * in CI), reducing and matvec-reading fused programs against the unfused backend and the js backend — NaN and ±∞
 * exact — and the dispatch count of logistic-regression value + gradient at each fusion level.
 */
import { disposeTensors, jitOnBackend } from "@phlox/backend-tfjs";
import {
  jit,
  matmul,
  type Program,
  registerBackend,
  setBackend,
  silenceWarnings,
  softplus,
  type Tensor,
  tensor,
  valueAndGrad,
} from "@phlox/tensor";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countDispatches } from "./dispatch-counter.js";
import { fusedGroupOf, fuseProgram } from "./fusion.js";
import { fuseMatvecs, fuseReductions } from "./fusion-reduce.js";
import { probeNodeWebGpu } from "./gpu-probe.js";
import { nodeGpu } from "./node.js";
import { type WebGpuBackend, webgpu } from "./webgpu.js";

silenceWarnings(true);

const required = process.env.PHLOX_REQUIRE_WEBGPU === "1";
const probe = await probeNodeWebGpu();

function lcg(seed: number): (lo?: number, hi?: number) => number {
  let s = seed >>> 0;
  return (lo = 0, hi = 1) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return lo + (hi - lo) * (s / 4294967296);
  };
}

/** Logistic regression U(w) = Σ softplus(xᵢ·w) − yᵢ xᵢ·w + ½|w|² (the bench model). */
const logisticVG = (w: Tensor, x: Tensor, y: Tensor): Tensor[] =>
  valueAndGrad((ww: Tensor) => {
    const [n, d] = x.shape as [number, number];
    const logits = matmul(x, ww.reshape([d, 1])).reshape([n]);
    return softplus(logits).sub(y.mul(logits)).sum().add(ww.mul(ww).sum().mul(0.5));
  })(w) as Tensor[];

const count = (p: Program, name: string): number => p.eqns.filter((e) => e.primitive === name).length;

describe("fuseMatvecs and fuseReductions (the IR passes)", () => {
  const r = lcg(1);
  const w = tensor(Float64Array.from({ length: 3 }, () => r(-1, 1)));
  const x = tensor(
    Float64Array.from({ length: 48 }, () => r(-1, 1)),
    { shape: [16, 3] },
  );
  const y = tensor(Float64Array.from({ length: 16 }, () => (r() < 0.5 ? 1 : 0)));
  const program = jit(logisticVG).lower(w, x, y).program;

  it("moves X·w into the groups that read it and sums the value's chain inside its group", () => {
    const elementwise = fuseProgram(program).program;
    const mv = fuseMatvecs(elementwise);
    expect(mv.rewrites).toBeGreaterThanOrEqual(2); // the value's chain and the gradient's chain both read X·w
    const red = fuseReductions(mv.program);
    expect(red.rewrites).toBeGreaterThanOrEqual(1);
    const out = red.program;
    // The forward matmul is gone (only Xᵀ·g of the gradient remains), and so is every full reduceSum of a chain.
    expect(count(elementwise, "matmul")).toBe(2);
    expect(count(out, "matmul")).toBe(1);
    expect(count(out, "reduceSum")).toBeLessThan(count(elementwise, "reduceSum"));
    const groups = out.eqns.flatMap((e) => fusedGroupOf(e.params) ?? []);
    expect(groups.some((g) => g.reduce === "sum" && (g.matvecs?.length ?? 0) === 1)).toBe(true);
    expect(out.eqns.length).toBeLessThan(elementwise.eqns.length);
  });

  it("leaves a sum alone when its operand is read elsewhere, and a program without matvecs unchanged", () => {
    const p = jit((a: Tensor) => {
      const e = a.exp().mul(a);
      return [e.sum(), e];
    }).lower(tensor([1, 2, 3])).program;
    const f = fuseProgram(p).program;
    expect(fuseReductions(f).rewrites).toBe(0);
    expect(fuseMatvecs(f).rewrites).toBe(0);
    expect(fuseMatvecs(f).program).toBe(f);
  });
});

if (probe.ok) {
  describe("reduction and matvec fusion on backend webgpu in Node", () => {
    let full: WebGpuBackend;
    let elementwise: WebGpuBackend;
    let unfused: WebGpuBackend;
    beforeAll(async () => {
      full = await webgpu({ gpu: await nodeGpu(), name: "webgpu-reduce" });
      elementwise = await webgpu({ gpu: await nodeGpu(), name: "webgpu-elementwise", fuseReductions: false });
      unfused = await webgpu({ gpu: await nodeGpu(), name: "webgpu-nofuse", fuse: false });
      for (const be of [full, elementwise, unfused]) registerBackend(be);
    });
    afterAll(() => {
      setBackend("js");
    });

    async function runOn(
      be: WebGpuBackend,
      f: (...a: Tensor[]) => Tensor | Tensor[],
      args: { data: Float64Array; shape: number[] }[],
    ): Promise<Float64Array[]> {
      setBackend(be.name);
      const ts = args.map((a) => tensor(a.data, { shape: a.shape }));
      const out = jitOnBackend(f, be)(...ts);
      const outs = Array.isArray(out) ? out : [out];
      const data = await Promise.all(outs.map((t) => t.data() as Promise<Float64Array>));
      disposeTensors([ts, outs]);
      return data;
    }
    const close = (got: number, want: number, rtol: number): boolean =>
      Object.is(got, want) ||
      (Number.isNaN(got) && Number.isNaN(want)) ||
      Math.abs(got - want) <= rtol * (1 + Math.abs(want));

    it("a sum of an elementwise chain (one reducing program) equals the unfused path, NaN and ±∞ exact", async () => {
      const n = 3000;
      const r = lcg(9);
      const base = Float64Array.from({ length: n }, () => r(-2, 2));
      const f = (a: Tensor, b: Tensor): Tensor => a.tanh().mul(b).add(b.exp()).sum();
      const cases: [string, number, number][] = [
        ["finite", 0, 0],
        ["NaN", 17, Number.NaN],
        ["+∞", 2999, Number.POSITIVE_INFINITY],
        ["−∞", 5, Number.NEGATIVE_INFINITY],
      ];
      const c = countDispatches();
      try {
        for (const [name, at, v] of cases) {
          const b = Float64Array.from(base);
          if (name !== "finite") b[at] = v;
          const args = [
            { data: base, shape: [n] },
            { data: b, shape: [n] },
          ];
          await runOn(full, f, args);
          c.reset();
          const [got] = await runOn(full, f, args);
          expect(c.count, `${name}: one reducing program`).toBe(1);
          const [want] = await runOn(unfused, f, args);
          const g = (got as Float64Array)[0] as number;
          const w = (want as Float64Array)[0] as number;
          expect(close(g, w, 1e-5), `${name}: fused ${g} vs unfused ${w}`).toBe(true);
        }
        // +∞ and −∞ in one sum give NaN, as the unfused reduction does.
        const b = Float64Array.from(base);
        b[3] = Number.POSITIVE_INFINITY;
        b[4] = Number.NEGATIVE_INFINITY;
        const args = [
          { data: base, shape: [n] },
          { data: b, shape: [n] },
        ];
        expect(Number.isNaN(((await runOn(full, f, args))[0] as Float64Array)[0] as number)).toBe(true);
      } finally {
        c.stop();
      }
    });

    it("a large sum runs on several workgroups plus one sum of their partials, like the unfused path", async () => {
      const n = 50_000; // 4 workgroups of 16384 elements
      const r = lcg(11);
      const base = Float64Array.from({ length: n }, () => r(-2, 2));
      const f = (a: Tensor, b: Tensor): Tensor => a.tanh().mul(b).add(b.exp()).sum();
      const c = countDispatches();
      try {
        for (const [at, v] of [
          [0, 0],
          [49_999, Number.NaN],
          [20_000, Number.POSITIVE_INFINITY],
        ] as const) {
          const b = Float64Array.from(base);
          if (at > 0) b[at] = v;
          const args = [
            { data: base, shape: [n] },
            { data: b, shape: [n] },
          ];
          await runOn(full, f, args);
          c.reset();
          const [got] = await runOn(full, f, args);
          expect(c.count, "partial sums, then their sum").toBe(2);
          const [want] = await runOn(unfused, f, args);
          const g = (got as Float64Array)[0] as number;
          const w = (want as Float64Array)[0] as number;
          expect(close(g, w, 1e-5), `element ${at} = ${v}: fused ${g} vs unfused ${w}`).toBe(true);
        }
      } finally {
        c.stop();
      }
    });

    it("an elementwise chain over X·w (matvec inside the group) equals the unfused path", async () => {
      const n = 700;
      const d = 9;
      const r = lcg(4);
      const x = Float64Array.from({ length: n * d }, () => r(-1, 1));
      const w = Float64Array.from({ length: d }, () => r(-1, 1));
      const f = (xx: Tensor, ww: Tensor): Tensor => {
        const z = matmul(xx, ww.reshape([d, 1])).reshape([n]);
        return z.tanh().mul(z).add(z.exp());
      };
      const args = [
        { data: x, shape: [n, d] },
        { data: w, shape: [d] },
      ];
      const [got] = await runOn(full, f, args);
      const [want] = await runOn(unfused, f, args);
      for (let i = 0; i < n; i++)
        expect(close((got as Float64Array)[i] as number, (want as Float64Array)[i] as number, 1e-5)).toBe(
          true,
        );
    });

    it("logistic-regression value + gradient: fewer dispatches at each fusion level, same numbers", async () => {
      const n = 2000;
      const d = 5;
      const r = lcg(7);
      const args = [
        { data: Float64Array.from({ length: d }, () => r(-0.5, 0.5)), shape: [d] },
        { data: Float64Array.from({ length: n * d }, () => r(-1, 1)), shape: [n, d] },
        { data: Float64Array.from({ length: n }, () => (r() < 0.5 ? 1 : 0)), shape: [n] },
      ];
      const c = countDispatches();
      const counts: number[] = [];
      const results: Float64Array[][] = [];
      try {
        for (const be of [unfused, elementwise, full]) {
          await runOn(be, logisticVG, args);
          c.reset();
          results.push(await runOn(be, logisticVG, args));
          counts.push(c.count);
        }
      } finally {
        c.stop();
      }
      const [nu, ne, nf] = counts as [number, number, number];
      expect(ne).toBeLessThan(nu);
      expect(
        nf,
        `dispatches: unfused ${nu}, elementwise ${ne}, with reductions and matvecs ${nf}`,
      ).toBeLessThan(ne);
      const [uv, ug] = results[0] as Float64Array[];
      const [fv, fg] = results[2] as Float64Array[];
      expect(close((fv as Float64Array)[0] as number, (uv as Float64Array)[0] as number, 1e-5)).toBe(true);
      for (let k = 0; k < d; k++)
        expect(close((fg as Float64Array)[k] as number, (ug as Float64Array)[k] as number, 1e-4)).toBe(true);
    });
  });
} else {
  describe("reduction and matvec fusion on backend webgpu in Node", () => {
    it(`webgpu adapter unavailable: ${probe.reason} (set PHLOX_REQUIRE_WEBGPU=1 to make this fail)`, () => {
      expect(probe.reason.length, "the probe explains why there is no adapter").toBeGreaterThan(0);
      expect(required, `PHLOX_REQUIRE_WEBGPU=1 but ${probe.reason}`).toBe(false);
    });
  });
}
