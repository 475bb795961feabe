/**
 * The browser path: Vite builds browser/ (a tiny NUTS model on the wasm backend and on the WebGPU backend,
 * plus WebGPU value and gradient) and headless Chromium runs it with WebGPU on SwiftShader.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { CHROMIUM_PATH, runPageInChromium } from "@phlox/test-utils/browser";
import { describe, expect, it } from "vitest";

const CHROMIUM = CHROMIUM_PATH;
const required = process.env.PHLOX_REQUIRE_WEBGPU === "1";
const here = dirname(fileURLToPath(import.meta.url));

interface PageResult {
  error?: string;
  posteriorMean: number;
  wasm: { draws: number; mean: number };
  webgpu: {
    value: number;
    gradient: number;
    refValue: number;
    refGradient: number;
    draws: number;
    mean: number;
    bytesBefore: number;
    bytesAfter: number;
  };
  fusion: {
    fused: { value: number; gradient: number[]; dispatches: number };
    unfused: { value: number; gradient: number[]; dispatches: number };
    refValue: number;
    refGradient: number[];
  };
}

if (existsSync(CHROMIUM)) {
  describe("the browser path (Vite build, headless Chromium)", () => {
    it("runs NUTS on the wasm backend and on the WebGPU backend (an asyncPotentialFn) in the page", async () => {
      const r = (await runPageInChromium(join(here, "../browser"), {
        args: [
          "--enable-unsafe-webgpu",
          "--enable-features=Vulkan",
          "--use-vulkan=swiftshader",
          "--use-webgpu-adapter=swiftshader",
          "--use-angle=swiftshader",
        ],
      })) as PageResult;
      if (process.env.PHLOX_DEBUG) console.log(JSON.stringify(r));
      expect(r.error, r.error).toBeUndefined();
      expect(r.wasm.draws).toBe(200);
      // Posterior sd is 1/√20 ≈ 0.22; 200 NUTS draws (fixed seed) estimate the mean within 0.15.
      expect(Math.abs(r.wasm.mean - r.posteriorMean)).toBeLessThan(0.15);
      expect(Math.abs(r.webgpu.value - r.webgpu.refValue)).toBeLessThan(
        1e-5 * Math.abs(r.webgpu.refValue) + 1e-5,
      );
      expect(Math.abs(r.webgpu.gradient - r.webgpu.refGradient)).toBeLessThan(1e-4);
      expect(r.webgpu.draws).toBe(200);
      expect(Math.abs(r.webgpu.mean - r.posteriorMean)).toBeLessThan(0.15);
      expect(r.webgpu.bytesAfter).toBeLessThanOrEqual(r.webgpu.bytesBefore);
      // Elementwise fusion in Chrome's WebGPU: fused, unfused and the js backend agree; fewer dispatches fused.
      const { fused, unfused, refValue, refGradient } = r.fusion;
      for (const v of [fused.value, unfused.value])
        expect(Math.abs(v - refValue)).toBeLessThan(1e-5 * Math.abs(refValue) + 1e-5);
      refGradient.forEach((want, i) => {
        for (const got of [fused.gradient[i] as number, unfused.gradient[i] as number])
          expect(Math.abs(got - want), `gradient ${i}`).toBeLessThan(1e-5 * Math.abs(want) + 1e-6);
      });
      expect(fused.dispatches).toBeLessThan(unfused.dispatches);
    }, 90_000);
  });
} else {
  describe("the browser path", () => {
    it(`chromium unavailable at ${CHROMIUM} (install Debian's chromium; PHLOX_REQUIRE_WEBGPU=1 makes this fail)`, () => {
      expect(existsSync(CHROMIUM)).toBe(false);
      expect(required, `PHLOX_REQUIRE_WEBGPU=1 but ${CHROMIUM} is missing`).toBe(false);
    });
  });
}
