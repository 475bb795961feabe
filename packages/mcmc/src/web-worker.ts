/**
 * Starts one browser Web Worker for a parallel chain. This file sits beside `worker-browser.ts` in src/ and
 * is bundled into dist/index.js beside tsc's `dist/worker-browser.js`, so the relative URL names the worker
 * entry in both layouts, and a bundler (Vite, webpack) sees the `new Worker(new URL(...))` pattern and
 * bundles the worker with its imports.
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
