/**
 * The browser path: Vite builds browser/ (a tiny NUTS model on the wasm backend and on the WebGPU backend,
 * plus WebGPU value and gradient) and headless Chromium runs it with WebGPU on SwiftShader.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { dirname, extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { build, defaultClientConditions } from "vite";
import { describe, expect, it } from "vitest";

const CHROMIUM = process.env.PHLOX_CHROMIUM ?? "/usr/bin/chromium";
const required = process.env.PHLOX_REQUIRE_WEBGPU === "1";
const here = dirname(fileURLToPath(import.meta.url));

const TYPES: Record<string, string> = {
  ".html": "text/html",
  ".js": "text/javascript",
  ".wasm": "application/wasm",
  ".css": "text/css",
};

function serve(dir: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = join(dir, decodeURIComponent((req.url ?? "/").split("?")[0] as string));
    const file = existsSync(path) && !path.endsWith("/") ? path : join(dir, "index.html");
    res.setHeader("content-type", TYPES[extname(file)] ?? "application/octet-stream");
    res.end(readFileSync(file));
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const a = server.address();
      resolve({ server, url: `http://localhost:${typeof a === "object" && a !== null ? a.port : 0}/` });
    }),
  );
}

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
}

if (existsSync(CHROMIUM)) {
  describe("the browser path (Vite build, headless Chromium)", () => {
    it("runs NUTS on the wasm backend and on the WebGPU backend (an asyncPotentialFn) in the page", async () => {
      const out = mkdtempSync(join(tmpdir(), "phlox-browser-"));
      const { server, url } = await (async () => {
        await build({
          root: join(here, "../browser"),
          logLevel: "error",
          resolve: { conditions: ["@phlox/source", ...defaultClientConditions] },
          build: { outDir: out, emptyOutDir: true, target: "esnext", assetsInlineLimit: 0 },
        });
        return serve(out);
      })();
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: [
          "--no-sandbox",
          "--enable-unsafe-webgpu",
          "--enable-features=Vulkan",
          "--use-vulkan=swiftshader",
          "--use-webgpu-adapter=swiftshader",
          "--use-angle=swiftshader",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          "--no-first-run",
        ],
      });
      try {
        const page = await browser.newPage();
        await page.goto(url);
        await page.waitForFunction(
          () => (window as unknown as { __phlox?: unknown }).__phlox !== undefined,
          null,
          {
            timeout: 45_000,
          },
        );
        const r = (await page.evaluate(
          () => (window as unknown as { __phlox: unknown }).__phlox,
        )) as PageResult;
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
      } finally {
        await browser.close();
        server.close();
        rmSync(out, { recursive: true, force: true });
      }
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
