/**
 * Serves a built folder on a free loopback port and opens its index.html in headless Chromium; returns what
 * the page stored in `window.__phlox`, how many Web Workers it started, and its console errors.
 */
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join } from "node:path";
import { chromium } from "playwright-core";

const TYPES: Record<string, string> = {
  ".html": "text/html",
  ".js": "text/javascript",
  ".mjs": "text/javascript",
};

/** Counts `new Worker(...)` calls, so a test sees that chains really ran in Web Workers. */
const COUNT_WORKERS = `(() => {
  const W = window.Worker;
  window.__workers = 0;
  window.Worker = class extends W { constructor(...a) { super(...a); window.__workers++; } };
})();`;

/** What a page run gives back. */
export interface PageRun {
  result: unknown;
  workers: number;
  errors: string[];
}

/** Chromium's executable: `PHLOX_CHROMIUM`, else Debian's `/usr/bin/chromium` (as @phlox/test-utils). */
export const CHROMIUM_PATH = process.env.PHLOX_CHROMIUM ?? "/usr/bin/chromium";

/** Opens `dir`'s index.html and waits (up to `timeoutMs`) for `window.__phlox`. */
export async function runPage(dir: string, timeoutMs = 120_000): Promise<PageRun> {
  const server = createServer((req, res) => {
    const path = join(dir, decodeURIComponent((req.url ?? "/").split("?")[0] as string));
    const file = existsSync(path) && !path.endsWith("/") ? path : join(dir, "index.html");
    res.setHeader("content-type", TYPES[extname(file)] ?? "application/octet-stream");
    res.end(readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const a = server.address();
  const url = `http://127.0.0.1:${typeof a === "object" && a !== null ? a.port : 0}/`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
  });
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    await page.addInitScript(COUNT_WORKERS);
    await page.goto(url);
    await page
      .waitForFunction(() => (window as unknown as { __phlox?: unknown }).__phlox !== undefined, null, {
        timeout: timeoutMs,
      })
      .catch((e: unknown) => {
        throw new Error(`page at ${dir} did not finish: ${String(e)}; errors: ${errors.join(" | ")}`);
      });
    const { result, workers } = await page.evaluate(() => {
      const w = window as unknown as { __phlox: unknown; __workers: number };
      return { result: w.__phlox, workers: w.__workers };
    });
    return { result, workers, errors };
  } finally {
    await browser.close();
    await new Promise((r) => server.close(r));
  }
}
