import { pathToFileURL } from "node:url";

/** Runs `main` when the file is the process entry point (`node examples/dist/<name>.js`), not when imported. */
export function runIfMain(meta: ImportMeta, main: () => Promise<unknown>): void {
  if (process.argv[1] && meta.url === pathToFileURL(process.argv[1]).href) {
    main().catch((err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    });
  }
}
