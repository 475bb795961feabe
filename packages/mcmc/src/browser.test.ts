/**
 * The browser path of parallel chains: Vite builds browser/ (eight schools, 2 NUTS chains in Web Workers and
 * the same run sequentially) and headless Chromium runs it.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { CHROMIUM_PATH, runPageInChromium } from "@phlox/test-utils/browser";
import { describe, expect, it } from "vitest";

const here = dirname(fileURLToPath(import.meta.url));
const required = process.env.PHLOX_REQUIRE_WEBGPU === "1";

interface PageResult {
  error?: string;
  workers: boolean;
  draws: number;
  identical: boolean;
  meanMu: number;
}

if (existsSync(CHROMIUM_PATH)) {
  describe("parallel chains in a browser (Vite build, headless Chromium)", () => {
    it('chainMethod "parallel" runs each chain in a Web Worker and gives the sequential draws', async () => {
      const r = (await runPageInChromium(join(here, "../browser"))) as PageResult;
      if (process.env.PHLOX_DEBUG) console.log(JSON.stringify(r));
      expect(r.error, r.error).toBeUndefined();
      expect(r.workers).toBe(true);
      expect(r.draws).toBe(600);
      expect(r.identical).toBe(true);
      // Eight schools' posterior mean of mu is about 4.4 (posterior sd ≈ 3.3; 600 draws).
      expect(Math.abs(r.meanMu - 4.4)).toBeLessThan(1.5);
    }, 90_000);
  });
} else {
  describe("parallel chains in a browser", () => {
    it(`chromium unavailable at ${CHROMIUM_PATH} (install Debian's chromium; PHLOX_REQUIRE_WEBGPU=1 makes this fail)`, () => {
      expect(existsSync(CHROMIUM_PATH)).toBe(false);
      expect(required, `PHLOX_REQUIRE_WEBGPU=1 but ${CHROMIUM_PATH} is missing`).toBe(false);
    });
  });
}
