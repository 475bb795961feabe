/** Serves a built site on a free loopback port and drives headless Chromium through its example pages. */
import { existsSync, readFileSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { extname, join, normalize } from "node:path";
import { type Browser, chromium } from "playwright-core";

/** Chromium's executable: `PHLOX_CHROMIUM`, else Debian's `/usr/bin/chromium`. */
export const CHROMIUM_PATH = process.env.PHLOX_CHROMIUM ?? "/usr/bin/chromium";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".css": "text/css",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".wasm": "application/wasm",
  ".woff2": "font/woff2",
};

/** A static server over `dir` on 127.0.0.1 and a port the OS picks; `close()` stops it. */
export async function serveDir(dir: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = normalize(decodeURIComponent((req.url ?? "/").split("?")[0] as string));
    let file = join(dir, path);
    if (!file.startsWith(dir)) {
      res.statusCode = 403;
      res.end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
    if (!existsSync(file) && existsSync(`${file}.html`)) file = `${file}.html`;
    if (!existsSync(file)) {
      if (process.env.PHLOX_DEBUG) console.error(`404 ${path}`);
      res.statusCode = 404;
      res.end("not found");
      return;
    }
    res.setHeader("content-type", TYPES[extname(file)] ?? "application/octet-stream");
    res.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const a = server.address();
  const port = typeof a === "object" && a !== null ? a.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Launches headless Chromium with no network beyond loopback. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
  });
}

/** What one example page showed after Run. */
export interface PageRun {
  id: string;
  /** Rows of the summary table. */
  rows: number;
  /** First row's label and mean as shown. */
  first: string[];
  /** Progress values seen while running (fractions in [0, 1]). */
  progress: number[];
  /** Number of plots (svg elements) shown. */
  plots: number;
  /** Seconds from the click to the table. */
  seconds: number;
  /** Errors the page printed (console errors, page errors). */
  errors: string[];
}

/** Opens `/examples/<id>.html`, clicks Run, waits for the summary table and reads what the page shows. */
export async function runExamplePage(
  browser: Browser,
  base: string,
  id: string,
  timeout = 180_000,
): Promise<PageRun> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("response", (r) => {
    if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`);
  });
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  try {
    await page.goto(`${base}/examples/${id}.html`);
    const button = page.locator(".phlox-run-button");
    await button.waitFor({ state: "visible" });
    // wait for hydration: VitePress hydrates after load, and the click must reach the Vue handler
    await page.waitForFunction(
      () => (document.querySelector("#app") as { __vue_app__?: unknown } | null)?.__vue_app__ !== undefined,
    );
    // record every progress value the component shows (its root's data-progress attribute)
    await page.evaluate(() => {
      const root = document.querySelector(".phlox-run") as HTMLElement;
      const seen: number[] = [];
      (window as unknown as { __progress: number[] }).__progress = seen;
      new MutationObserver(() => seen.push(Number(root.dataset.progress))).observe(root, {
        attributes: true,
        attributeFilter: ["data-progress"],
      });
    });
    const t0 = Date.now();
    await button.click();
    try {
      await page.locator(".phlox-summary tbody tr").first().waitFor({ state: "visible", timeout });
    } catch (err) {
      const shown = await page
        .locator(".phlox-run")
        .textContent()
        .catch(() => "");
      throw new Error(
        `${id}: no summary table (${(err as Error).message}); the page shows: ${shown}; errors: ${errors.join(" | ")}`,
      );
    }
    const progress = await page.evaluate(() => (window as unknown as { __progress: number[] }).__progress);
    const seconds = (Date.now() - t0) / 1000;
    const rows = await page.locator(".phlox-summary tbody tr").count();
    const first = await page.locator(".phlox-summary tbody tr").first().locator("td").allInnerTexts();
    const plots = await page.locator(".phlox-plot svg").count();
    return { id, rows, first, progress, plots, seconds, errors };
  } finally {
    await page.close();
  }
}
