/**
 * Runs a page in headless Chromium for the browser-path tests: Vite builds a folder (its index.html and the
 * modules it imports, workspace packages from source), a local server serves the build, Chromium opens it,
 * and the page's `window.__phlox` (set when it finishes) is the result.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { extname, join } from "node:path";
import { chromium } from "playwright-core";
import { build, defaultClientConditions } from "vite";

/** Chromium's executable: `PHLOX_CHROMIUM`, else Debian's `/usr/bin/chromium`. */
export const CHROMIUM_PATH = process.env.PHLOX_CHROMIUM ?? "/usr/bin/chromium";

const TYPES: Record<string, string> = {
  ".html": "text/html",
  ".js": "text/javascript",
  ".wasm": "application/wasm",
  ".css": "text/css",
};

function serve(
  dir: string,
  headers: Readonly<Record<string, string>> = {},
): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
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

/** Options of {@link runPageInChromium}. */
export interface PageRunOptions {
  /** Extra Chromium switches (e.g. `--enable-unsafe-webgpu`). */
  args?: readonly string[];
  /** How long the page may take to set `window.__phlox`, in ms. Default 45 000. */
  timeout?: number;
  /**
   * Serve the page cross-origin isolated (COOP `same-origin`, COEP `require-corp`), so that it and its
   * workers have `SharedArrayBuffer` (threaded programs). Default false.
   */
  crossOriginIsolated?: boolean;
}

/** The response headers that make a page cross-origin isolated. */
const ISOLATION = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
  "Cross-Origin-Resource-Policy": "same-origin",
};

/**
 * Builds `root` with Vite (resolving workspace packages through the `@phlox/source` condition), serves it,
 * opens it in headless Chromium and returns what the page stored in `window.__phlox`.
 * @param root - a folder with an index.html whose module script sets `window.__phlox` when done.
 * @returns the page's result (JSON-serialisable).
 * @throws Error if Chromium is missing, the build fails or the page does not finish within the timeout.
 * @example
 * const r = await runPageInChromium(join(here, "../browser"));
 */
export async function runPageInChromium(root: string, options: PageRunOptions = {}): Promise<unknown> {
  const out = mkdtempSync(join(tmpdir(), "phlox-browser-"));
  try {
    await build({
      root,
      logLevel: "error",
      resolve: { conditions: ["@phlox/source", ...defaultClientConditions] },
      worker: { format: "es" },
      build: { outDir: out, emptyOutDir: true, target: "esnext", assetsInlineLimit: 0 },
    });
    return await openBuiltPageInChromium(out, options);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/**
 * Serves an already built page (a folder with index.html and its scripts) on a loopback port, opens it in
 * headless Chromium and returns what the page stored in `window.__phlox` (for pages built by another bundler
 * than {@link runPageInChromium}'s Vite, e.g. from published bundles).
 * @param dir - the built folder.
 * @param options - Chromium switches and the timeout.
 * @returns the page's result (JSON-serialisable).
 * @throws Error if Chromium is missing or the page does not finish within the timeout.
 * @example
 * const r = await openBuiltPageInChromium(outDir, { timeout: 90_000 });
 */
export async function openBuiltPageInChromium(dir: string, options: PageRunOptions = {}): Promise<unknown> {
  const { server, url } = await serve(dir, options.crossOriginIsolated ? ISOLATION : {});
  try {
    const browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [
        "--no-sandbox",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        ...(options.args ?? []),
      ],
    });
    try {
      const page = await browser.newPage();
      await page.goto(url);
      await page.waitForFunction(
        () => (window as unknown as { __phlox?: unknown }).__phlox !== undefined,
        null,
        { timeout: options.timeout ?? 45_000 },
      );
      return await page.evaluate(() => (window as unknown as { __phlox: unknown }).__phlox);
    } finally {
      await browser.close();
    }
  } finally {
    server.close();
  }
}
