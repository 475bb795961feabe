import { PhloxError } from "@phlox/tensor";
/**
 * `chainMethod: "parallel"` in Node: one `worker_threads` Worker per chain, whose entry is a small CommonJS
 * string (eval: true, so no extra file has to ship) that imports `worker-main`:
 * - built package: `dist/internal/worker-main.js`, plain JS;
 * - running from source (vitest; Node 20 has no `--experimental-strip-types`): this package's `src/*.ts`
 *   are transpiled (esbuild, or TypeScript's `transpileModule` where esbuild is not installed) into a mirror of `.js` files under the package's
 *   `node_modules/.cache` (keyed by a hash of the sources, so later runs reuse it), and the worker also
 *   registers `ts-loader.mjs` (module hooks) with `--conditions=@phlox/source` so a potential module that is
 *   TypeScript in another workspace package still loads.
 *
 * Node-only: the package's `#node-threads` import names this file under the `node` condition only, so
 * browser bundles never see its `node:` imports (they get `node-threads-unavailable.ts`).
 */
import type { WorkerPotentialSpec } from "../kernel.js";
import {
  type ErrorMessage,
  guard,
  onWorkerMessage,
  type ParallelControl,
  type ParallelResult,
} from "./chain-workers.js";
import type { ChainProgress } from "./run-chain.js";
import type { WorkerJob, WorkerMessage } from "./worker-main.js";

const ENTRY = `
const { parentPort, workerData } = require("node:worker_threads");
(async () => {
  try {
    if (workerData.loader) require("node:module").register(workerData.loader);
    const { workerMain } = await import(workerData.main);
    await workerMain(workerData.job, (m) => parentPort.postMessage(m));
  } catch (e) {
    parentPort.postMessage({ type: "error", message: String((e && e.message) || e), stack: e && e.stack });
  }
})();
`;

let mirror: Promise<{ srcUrl: string; outUrl: string }> | undefined;

/**
 * Types erased by esbuild where it resolves (the workspace has it; tens of times faster than TypeScript's
 * `transpileModule` on a cold cache), else by TypeScript: the workers' `ts-loader.mjs` transpiler.
 */
async function transpiler(): Promise<(source: string, fileName: string) => string> {
  const loader = new URL("./ts-loader.mjs", import.meta.url).href;
  const m = (await import(/* @vite-ignore */ loader)) as {
    transpiler(): Promise<(source: string, fileName: string) => string>;
  };
  return m.transpiler();
}

/**
 * Transpiles this package's non-test sources into `.js` files (once per process; reused across runs while
 * the sources are unchanged, keyed by a hash of their contents).
 */
function sourceMirror(): Promise<{ srcUrl: string; outUrl: string }> {
  mirror ??= (async () => {
    const fs = await import("node:fs/promises");
    const path = await import("node:path");
    const { createHash } = await import("node:crypto");
    const { fileURLToPath, pathToFileURL } = await import("node:url");
    const srcDir = fileURLToPath(new URL("../", import.meta.url));
    const files: { rel: string; text: string }[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const e of (await fs.readdir(dir, { withFileTypes: true })).sort((x, y) =>
        x.name < y.name ? -1 : 1,
      )) {
        const full = path.join(dir, e.name);
        if (e.isDirectory()) await walk(full);
        else if (e.name.endsWith(".ts") && !e.name.endsWith(".test.ts")) {
          files.push({ rel: path.relative(srcDir, full), text: await fs.readFile(full, "utf8") });
        }
      }
    };
    await walk(srcDir);
    const hash = createHash("sha256");
    for (const f of files) hash.update(f.rel).update("\0").update(f.text).update("\0");
    // Inside the package's node_modules, so bare specifiers in the mirror resolve as they do from src/.
    const cacheDir = path.join(srcDir, "..", "node_modules", ".cache");
    const name = `phlox-mcmc-worker-${hash.digest("hex").slice(0, 16)}`;
    const outDir = path.join(cacheDir, name);
    const done = path.join(outDir, ".complete");
    const exists = await fs.stat(done).then(
      () => true,
      () => false,
    );
    if (!exists) {
      const transpile = await transpiler();
      const tmp = `${outDir}.${process.pid}.tmp`;
      for (const f of files) {
        const out = { outputText: transpile(f.text, path.join(srcDir, f.rel)) };
        const target = path.join(tmp, f.rel.replace(/\.ts$/, ".js"));
        await fs.mkdir(path.dirname(target), { recursive: true });
        // The mirror sits under node_modules/, outside this package's scope, so its `#node-threads`
        // import (package.json "imports") is written as the relative path it names in Node.
        let rel = path.relative(
          path.dirname(path.join(srcDir, f.rel)),
          path.join(srcDir, "internal/node-threads.js"),
        );
        if (!rel.startsWith(".")) rel = `./${rel}`;
        await fs.writeFile(
          target,
          out.outputText.replaceAll('"#node-threads"', JSON.stringify(rel.replaceAll("\\", "/"))),
        );
      }
      await fs.writeFile(path.join(tmp, ".complete"), "");
      // Drop mirrors of older sources, then publish this one atomically (another process may race us).
      for (const old of await fs.readdir(cacheDir)) {
        if (old.startsWith("phlox-mcmc-worker-") && old !== name && !old.endsWith(".tmp")) {
          await fs.rm(path.join(cacheDir, old), { recursive: true, force: true });
        }
      }
      await fs.rename(tmp, outDir).catch(() => fs.rm(tmp, { recursive: true, force: true }));
    }
    return { srcUrl: pathToFileURL(srcDir).href, outUrl: pathToFileURL(`${outDir}/`).href };
  })();
  return mirror;
}

/**
 * The worker entry beside this module, or, when this module was bundled into the package's dist/index.js
 * (scripts/bundle-package.mjs), tsc's copy under dist/internal/.
 */
async function workerMainUrl(): Promise<string> {
  const here = new URL("./worker-main.js", import.meta.url);
  const { existsSync } = await import("node:fs");
  const { fileURLToPath } = await import("node:url");
  return existsSync(fileURLToPath(here))
    ? here.href
    : new URL("./internal/worker-main.js", import.meta.url).href;
}

/**
 * A bare specifier (`@phlox/backend-js`) is resolved here, in the main thread, to an absolute URL when this
 * package can see it, because a worker resolves bare specifiers from a different place.
 * @param specifier - a module specifier from a worker spec.
 * @returns an absolute URL, or `specifier` unchanged when it is already a URL or path, or unresolvable.
 */
export function resolveFromHere(specifier: string): string {
  if (/^(?:[a-z][a-z0-9+.-]*:|\.{0,2}\/)/i.test(specifier)) return specifier;
  try {
    return import.meta.resolve(specifier);
  } catch {
    return specifier;
  }
}

/**
 * Runs each job in its own `worker_threads` Worker. Never rejects: results come back in job order, a failed
 * chain as `{ ok: false, error }` naming the chain and why.
 */
export async function runInThreads(
  jobs: WorkerJob[],
  onProgress: (p: ChainProgress) => void,
  control: ParallelControl = {},
): Promise<ParallelResult[]> {
  const { Worker } = await import("node:worker_threads");
  const fromSource = import.meta.url.endsWith(".ts");
  let main = fromSource ? "" : await workerMainUrl();
  let loader: string | undefined;
  let mapSpec = (s: WorkerPotentialSpec) => s;
  if (fromSource) {
    const m = await sourceMirror();
    const toMirror = (u: string) =>
      u.startsWith(m.srcUrl) && u.endsWith(".ts") ? `${m.outUrl}${u.slice(m.srcUrl.length, -3)}.js` : u;
    main = `${m.outUrl}internal/worker-main.js`;
    loader = new URL("./ts-loader.mjs", import.meta.url).href;
    mapSpec = (s) => ({ ...s, module: toMirror(s.module) });
  }
  // From source, the first worker fills the loader's transpile cache before the others start, so they do
  // not all load TypeScript and transpile the same files at once.
  let firstReady: Promise<void> = Promise.resolve();
  let signalReady = () => {};
  if (fromSource) firstReady = new Promise<void>((r) => (signalReady = r));
  return Promise.all(
    jobs.map(async (job, index) => {
      if (index > 0) await firstReady;
      return new Promise<ParallelResult>((resolve) => {
        let settled = false;
        let disarm = () => {};
        const finish = (r: ParallelResult) => {
          if (index === 0) signalReady();
          if (settled) return;
          settled = true;
          disarm();
          resolve(r);
          void worker.terminate();
        };
        const fail = (why: string) =>
          finish({
            ok: false,
            error: new PhloxError(
              "mcmc-chain-failed",
              `MCMC chain ${job.chain} failed in its worker: ${why}`,
            ),
          });
        const worker = new Worker(ENTRY, {
          eval: true,
          workerData: { job: { ...job, kernelSpec: mapSpec(job.kernelSpec) }, main, loader },
          execArgv: fromSource ? ["--conditions=@phlox/source"] : [],
        });
        worker.on("message", (m: WorkerMessage | ErrorMessage) => {
          if (index === 0) signalReady();
          onWorkerMessage(m, onProgress, finish, fail);
        });
        worker.on("error", (e) => fail(e.message));
        worker.on("exit", (code) => fail(`worker exited with code ${code} before finishing`));
        disarm = guard(job.chain, control, fail);
      });
    }),
  );
}
