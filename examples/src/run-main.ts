/**
 * Runs `main` when the file is the process entry point (`node examples/dist/<name>.js`), not when imported.
 * Browser-safe: without `process` (a bundle in a page or a Web Worker) it does nothing.
 */
export function runIfMain(meta: ImportMeta, main: () => Promise<unknown>): void {
  if (typeof process === "undefined" || !process.argv?.[1]) return;
  const file =
    (meta as ImportMeta & { filename?: string }).filename ?? decodeURIComponent(new URL(meta.url).pathname);
  if (file === process.argv[1]) {
    main().catch((err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    });
  }
}
