/**
 * Parallel chains whose compiled potential splits its rows across threads, in a cross-origin-isolated page of
 * headless Chromium: each chain's Web Worker must run every evaluation on the program's threads, from the
 * first one. esbuild bundles the page, the chain worker (`worker-browser.ts`, wrapped so that its progress
 * reports say how many jobs the worker's thread pool ran) and the pool's worker entry.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { CHROMIUM_PATH, openBuiltPageInChromium } from "@phlox/test-utils/browser";
import { type BuildOptions, build } from "esbuild";
import { describe, expect, it } from "vitest";

const HERE = dirname(fileURLToPath(import.meta.url));

// The page: a logistic regression over 4,096 rows compiled with setThreads(2) (its row loop is shared), one
// NUTS chain in a Web Worker; the last progress report carries the pool's job count.
const PAGE_SOURCE = `
import { Bernoulli, Normal } from "@phlox/distributions";
import { plate, sample } from "@phlox/handlers";
import { setThreads } from "@phlox/backend-js";
import { matmul, tensor } from "@phlox/tensor";
import { MCMC, NUTS } from "./index.ts";
const n = 4096, d = 2;
let s = 7;
const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
const X = tensor(Array.from({ length: n * d }, () => rnd() * 2 - 1), { shape: [n, d] });
const y = tensor(Array.from({ length: n }, () => (rnd() < 0.4 ? 1 : 0)));
function model(X, y) {
  const beta = sample("beta", new Normal(0, 1).expand([d]).toEvent(1));
  plate("data", n, () => sample("y", new Bernoulli({ logits: matmul(X, beta) }), { obs: y }));
}
async function main() {
  setThreads(2, { minRows: 2049 });
  let diagnostics = "";
  const mcmc = new MCMC(new NUTS(model, { stepSize: 0.02 }), {
    numWarmup: 0, numSamples: 12, numChains: 1, chainMethod: "parallel", progressBar: false,
    extraFields: ["numSteps"], onProgress: (p) => { diagnostics = p.diagnostics; },
  });
  await mcmc.run(1, X, y);
  const steps = Array.from(mcmc.getExtraFields().numSteps.dataSync());
  return { isolated: crossOriginIsolated === true, steps: steps.reduce((a, b) => a + b, 0), diagnostics };
}
main().then(
  (r) => { window.__phlox = r; },
  (e) => { window.__phlox = { error: String((e && e.stack) || e) }; },
);
`;

// The chain worker: the real entry, its progress messages stamped with the pool's job count.
const WORKER_SOURCE = `
import "./worker-browser.ts";
import { poolOf } from "../../backend-js/src/internal/threads.ts";
const post = self.postMessage.bind(self);
self.postMessage = (m) => {
  if (m && m.type === "progress") m.progress.diagnostics = "jobs=" + (poolOf(2)?.jobs() ?? 0);
  post(m);
};
`;

interface PageResult {
  error?: string;
  isolated: boolean;
  steps: number;
  diagnostics: string;
}

if (existsSync(CHROMIUM_PATH)) {
  describe("threaded potentials in parallel chains (headless Chromium)", () => {
    it("a chain's Web Worker runs its first evaluation on the potential's threads", {
      timeout: 120_000,
    }, async () => {
      const common: BuildOptions = {
        bundle: true,
        format: "esm",
        platform: "browser",
        conditions: ["@phlox/source"],
        write: false,
        logLevel: "silent",
      };
      const source = (contents: string) => ({ contents, resolveDir: HERE, loader: "ts" as const });
      const [page, worker, pool] = await Promise.all([
        build({ ...common, stdin: source(PAGE_SOURCE) }),
        // the package says sideEffects: false; the wrapper's bare import of the entry must be kept
        build({ ...common, ignoreAnnotations: true, stdin: source(WORKER_SOURCE) }),
        build({
          ...common,
          entryPoints: [join(HERE, "../../backend-js/src/internal/thread-worker-browser.ts")],
        }),
      ]);
      const dir = mkdtempSync(join(tmpdir(), "phlox-mcmc-threads-"));
      try {
        writeFileSync(
          join(dir, "index.html"),
          '<!doctype html><script type="module" src="./main.js"></script>',
        );
        writeFileSync(join(dir, "main.js"), page.outputFiles?.[0]?.text ?? "");
        writeFileSync(join(dir, "worker-browser.js"), worker.outputFiles?.[0]?.text ?? "");
        writeFileSync(join(dir, "thread-worker-browser.js"), pool.outputFiles?.[0]?.text ?? "");
        const r = (await openBuiltPageInChromium(dir, {
          crossOriginIsolated: true,
          timeout: 90_000,
        })) as PageResult;
        expect(r.error, r.error).toBeUndefined();
        expect(r.isolated).toBe(true);
        expect(r.steps).toBeGreaterThan(0);
        // one leapfrog step = one evaluation = one job of the pool (the program has one shared loop)
        expect(r.diagnostics).toBe(`jobs=${r.steps}`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
