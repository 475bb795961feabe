import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { type BuildOptions, build } from "esbuild";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** Chromium's executable: `PHLOX_CHROMIUM`, else Debian's `/usr/bin/chromium`. */
const CHROMIUM_PATH = process.env.PHLOX_CHROMIUM ?? "/usr/bin/chromium";
const HERE = dirname(fileURLToPath(import.meta.url));

// Runs in a dedicated Worker of the page: a logistic potential over 33,000 rows (above THREAD_MIN_ROWS),
// compiled with one thread and with setThreads(2); posts both values and gradients and what the pool did.
const WORKER_SOURCE = `
import { compileValueAndGrad } from "./potential.ts";
import { setThreads, disposeThreads, threadsReady } from "./threads.ts";
import { poolOf } from "./internal/threads.ts";
import { logisticRegression } from "./testing/densities.ts";
if (location.pathname.startsWith("/broken/")) {
  // the pool's worker entry is missing: threadsReady rejects instead of waiting
  setThreads(2);
  try {
    await threadsReady();
    postMessage({ readyError: "none" });
  } catch (e) {
    postMessage({ readyError: e.code, message: e.message });
  }
  await new Promise(() => {});
}
const c = logisticRegression(33_000, 4, true);
const evalAt = (fn) => { const g = new Float64Array(c.dim); const v = fn(c.z, g); return [v, ...g]; };
try {
  const one = compileValueAndGrad(c.logp, c.dim, { threads: 1 });
  setThreads(2);
  const two = compileValueAndGrad(c.logp, c.dim);
  const ref = evalAt(one.fn);
  // the first call starts the workers; they start only once this thread returns to its event loop, so it
  // runs alone rather than block
  const early = evalAt(two.fn);
  const jobsEarly = poolOf(2)?.jobs() ?? 0;
  await threadsReady();
  const got = evalAt(two.fn);
  const again = evalAt(two.fn);
  postMessage({
    isolated: globalThis.crossOriginIsolated === true,
    sharedLoops: two.compiled.source.split("__par.run(").length - 1,
    pool: poolOf(2) !== null,
    jobs: poolOf(2)?.jobs() ?? 0,
    ref, got, again, early, jobsEarly,
  });
  await disposeThreads();
} catch (e) {
  postMessage({ error: String(e && e.stack || e) });
}
`;

const ISOLATION = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
  "Cross-Origin-Resource-Policy": "same-origin",
};

interface Result {
  error?: string;
  readyError?: string;
  message?: string;
  isolated: boolean;
  sharedLoops: number;
  pool: boolean;
  /** Jobs the pool's workers ran (shared loops run across the threads). */
  jobs: number;
  ref: number[];
  got: number[];
  again: number[];
  /** The first call, made before the workers were ready, and the pool's jobs after it. */
  early: number[];
  jobsEarly: number;
}

describe("threaded potentials in headless Chromium", () => {
  let server: Server;
  let origin = "";
  let files: Record<string, string> = {};

  beforeAll(async () => {
    const common: BuildOptions = {
      bundle: true,
      format: "esm",
      platform: "browser",
      conditions: ["@phlox/source"],
      write: false,
      logLevel: "silent",
    };
    const [worker, pool] = await Promise.all([
      build({ ...common, stdin: { contents: WORKER_SOURCE, resolveDir: HERE, loader: "ts" } }),
      build({ ...common, entryPoints: [`${HERE}/internal/thread-worker-browser.ts`] }),
    ]);
    files = {
      "/index.html": "<!doctype html><title>threads</title>",
      "/test-worker.js": worker.outputFiles?.[0]?.text as string,
      "/thread-worker-browser.js": pool.outputFiles?.[0]?.text as string,
    };
    // /iso/...: cross-origin isolated (COOP + COEP); /plain/...: the same files without the headers
    server = createServer((req, res) => {
      const url = req.url ?? "/";
      const isolated = !url.startsWith("/plain/");
      const path = url.replace(/^\/(iso|plain|broken)/, "");
      const body = url.startsWith("/broken/thread-worker-browser") ? undefined : files[path];
      if (body === undefined) {
        res.writeHead(404).end();
        return;
      }
      const type = url.endsWith(".html") ? "text/html" : "text/javascript";
      res.writeHead(200, { "Content-Type": type, ...(isolated ? ISOLATION : {}) }).end(body);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 120_000);

  afterAll(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

  async function runIn(prefix: "iso" | "plain" | "broken"): Promise<Result> {
    const browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [
        "--no-sandbox",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
      ],
    });
    try {
      const page = await browser.newPage();
      await page.goto(`${origin}/${prefix}/index.html`);
      return (await page.evaluate(
        (src) =>
          new Promise<unknown>((resolve) => {
            const w = new Worker(src, { type: "module" });
            w.onmessage = (e) => resolve(e.data);
            w.onerror = (e) => resolve({ error: e.message });
          }),
        `/${prefix}/test-worker.js`,
      )) as Result;
    } finally {
      await browser.close();
    }
  }

  function expectAgree(r: Result): void {
    expect(r.error).toBeUndefined();
    expect(r.sharedLoops).toBeGreaterThan(0);
    expect(r.got.length).toBe(r.ref.length);
    for (let i = 0; i < r.ref.length; i++) {
      const want = r.ref[i] as number;
      expect(Math.abs((r.got[i] as number) - want)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(want)));
    }
    expect(r.again).toEqual(r.got);
    expect(r.jobsEarly).toBe(0);
    for (let i = 0; i < r.ref.length; i++) {
      const want = r.ref[i] as number;
      expect(Math.abs((r.early[i] as number) - want)).toBeLessThanOrEqual(
        1e-12 * Math.max(1, Math.abs(want)),
      );
    }
  }

  it("a cross-origin-isolated page's Worker shares the rows with a second thread", {
    timeout: 120_000,
  }, async () => {
    const r = await runIn("iso");
    expect(r.isolated).toBe(true);
    expectAgree(r);
    expect(r.pool).toBe(true);
    // each call runs its shared loops as jobs of the pool: the two calls of `two`, at least one job each
    expect(r.jobs).toBeGreaterThanOrEqual(2 * r.sharedLoops);
  });

  it("a page that is not isolated runs on one thread with the same result", {
    timeout: 120_000,
  }, async () => {
    const r = await runIn("plain");
    expect(r.isolated).toBe(false);
    expectAgree(r);
    expect(r.pool).toBe(false);
    expect(r.jobs).toBe(0);
  });

  it("a missing worker entry makes threadsReady throw a PhloxError, never wait", {
    timeout: 120_000,
  }, async () => {
    const r = await runIn("broken");
    expect(r.readyError).toBe("threads-worker-failed");
    expect(r.message).toMatch(/thread-worker-browser\.js/);
  });
});
