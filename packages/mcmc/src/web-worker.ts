/**
 * Starts one browser Web Worker for a parallel chain. This file sits beside `worker-browser.ts` in src/ and
 * beside `worker-browser.js` in dist/ (both builds), so the relative URL names the worker entry in every
 * layout, and a bundler (Vite, webpack) sees the `new Worker(new URL(...))` pattern and bundles the worker
 * with its imports; esbuild and Rollup take `dist/worker-browser.js` as a second entry point (README).
 */

/** The part of the DOM `Worker` a chain uses. */
export interface ChainWebWorker {
  onmessage: ((e: { data: unknown }) => void) | null;
  onerror: ((e: { message?: string }) => void) | null;
  postMessage(message: unknown): void;
  terminate(): void;
}

/** A new module Web Worker running `worker-browser.ts`. */
export function startChainWebWorker(): ChainWebWorker {
  return new Worker(new URL("./worker-browser.js", import.meta.url), { type: "module" }) as ChainWebWorker;
}
