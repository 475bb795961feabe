/**
 * The docs site builds (API reference with zero TypeDoc warnings, then VitePress), and in headless Chromium
 * three example pages served from the build fit their model with the Run button: a live progress bar, then a
 * summary table and two plots. `bench/example-pages.ts` does the same for all twenty.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { buildApi, buildSite, DOCS_ROOT } from "./build-site.js";
import { CHROMIUM_PATH, launchChromium, runExamplePage, serveDir } from "./serve.js";

const out = mkdtempSync(join(tmpdir(), "phlox-docs-"));
let built = false;

beforeAll(async () => {
  await buildApi();
  await buildSite(out);
  built = true;
}, 600_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe("docs site", () => {
  test("builds every page: start, guides, twenty examples, the API reference", () => {
    expect(built).toBe(true);
    for (const page of [
      "index.html",
      "getting-started.html",
      "numpyro.html",
      "examples/index.html",
      "api/index.html",
    ]) {
      expect(existsSync(join(out, page)), page).toBe(true);
    }
    const examples = readFileSync(join(DOCS_ROOT, ".vitepress/examples.ts"), "utf8").match(
      /\["([a-z0-9-]+)", "/g,
    );
    expect(examples).toHaveLength(20);
    for (const m of examples ?? []) {
      const id = m.slice(2, -4);
      const html = readFileSync(join(out, "examples", `${id}.html`), "utf8");
      expect(html, id).toContain("phlox-run-button");
    }
    expect(readFileSync(join(out, "api/mcmc.html"), "utf8")).toContain("NUTS");
  });

  const ids = ["eight-schools", "linear-regression", "ucb-admissions"];
  describe(`Run in headless Chromium (${CHROMIUM_PATH}; scripts/ci-setup.sh installs it)`, () => {
    let browser: Browser;
    let server: Awaited<ReturnType<typeof serveDir>>;
    beforeAll(async () => {
      server = await serveDir(out);
      browser = await launchChromium();
    });
    afterAll(async () => {
      await browser?.close();
      await server?.close();
    });

    test.each(ids)("%s: Run shows progress, then the summary table and the plots", async (id) => {
      const r = await runExamplePage(browser, server.url, id);
      expect(r.errors).toEqual([]);
      expect(r.rows).toBeGreaterThan(2);
      expect(Number.isFinite(Number(r.first[1]))).toBe(true);
      expect(r.plots).toBe(2);
      expect(r.progress.some((v) => v > 0 && v < 1)).toBe(true);
    });
  });
});
