/**
 * The README example built for the browser by each bundler the way its docs suggest, from an npm project's
 * installed @phlox packages. Each build returns its output folder (with an index.html) and every warning the
 * bundler reported. esbuild and Rollup do not follow `new Worker(new URL(...))`, so @phlox/mcmc's worker entry
 * is their second entry point, written as worker-browser.js beside the app (as @phlox/mcmc's README says);
 * Vite and webpack emit the worker themselves.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";

/** One bundler's build. */
export interface BundleResult {
  outDir: string;
  warnings: string[];
  /** webpack's performance hints (bundle size), kept apart from warnings. */
  sizeHints?: string[];
}

const MODULE_PAGE = '<!doctype html><meta charset="utf-8"><script type="module" src="./app.js"></script>\n';
const CLASSIC_PAGE = '<!doctype html><meta charset="utf-8"><script src="./app.js"></script>\n';

function workerEntry(appDir: string): string {
  return join(appDir, "node_modules/@phlox/mcmc/dist/worker-browser.js");
}

/** `esbuild --bundle --platform=browser --format=esm --splitting --minify` with the worker as an entry. */
export async function buildWithEsbuild(appDir: string, entry: string, outDir: string): Promise<BundleResult> {
  const { build } = await import("esbuild");
  const r = await build({
    absWorkingDir: appDir,
    entryPoints: { app: entry, "worker-browser": workerEntry(appDir) },
    bundle: true,
    platform: "browser",
    format: "esm",
    splitting: true,
    minify: true,
    outdir: outDir,
    logLevel: "silent",
  });
  writeFileSync(join(outDir, "index.html"), MODULE_PAGE);
  return { outDir, warnings: r.warnings.map((w) => w.text) };
}

/** `vite build` of an index.html whose module script is the app (Vite's defaults otherwise). */
export async function buildWithVite(appDir: string, entry: string, outDir: string): Promise<BundleResult> {
  const { build, createLogger } = await import("vite");
  const warnings: string[] = [];
  const logger = createLogger("warn", { allowClearScreen: false });
  // Rolldown's PLUGIN_TIMINGS note reports how long plugins took on a slow machine, not a problem in the
  // build; every other warning counts.
  const keep = (msg: string) => !msg.includes("[PLUGIN_TIMINGS]") && void warnings.push(msg);
  logger.warn = keep;
  logger.warnOnce = keep;
  logger.error = (msg) => void warnings.push(`error: ${msg}`);
  writeFileSync(join(appDir, "index.html"), MODULE_PAGE.replace("./app.js", `./${entry}`));
  await build({
    root: appDir,
    configFile: false,
    customLogger: logger,
    logLevel: "warn",
    build: { outDir, emptyOutDir: true },
  });
  return { outDir, warnings };
}

/** Rollup with @rollup/plugin-node-resolve (`browser: true`), ES output, the worker as a second input. */
export async function buildWithRollup(appDir: string, entry: string, outDir: string): Promise<BundleResult> {
  const { rollup } = await import("rollup");
  const { nodeResolve } = await import("@rollup/plugin-node-resolve");
  const warnings: string[] = [];
  const bundle = await rollup({
    input: { app: join(appDir, entry), "worker-browser": workerEntry(appDir) },
    plugins: [nodeResolve({ browser: true, rootDir: appDir })],
    onwarn: (w) => void warnings.push(w.message),
  });
  await bundle.write({ dir: outDir, format: "es", entryFileNames: "[name].js" });
  await bundle.close();
  writeFileSync(join(outDir, "index.html"), MODULE_PAGE);
  return { outDir, warnings };
}

/**
 * webpack's size hints (assets over 244 KiB, runtimeChunk advice): not problems in the build, but a measure
 * of the app, which `pnpm bench:size` tracks. Returned apart from the warnings.
 */
const SIZE_HINT = /^(asset size limit|entrypoint size limit|webpack performance recommendations)/;

/** webpack in production mode with its defaults (target web); size hints are reported apart. */
export async function buildWithWebpack(appDir: string, entry: string, outDir: string): Promise<BundleResult> {
  const webpack = (await import("webpack")).default;
  const stats = await new Promise<import("webpack").Stats>((resolve, reject) =>
    webpack(
      {
        mode: "production",
        context: appDir,
        entry: `./${entry}`,
        output: { path: outDir, filename: "app.js" },
      },
      (err, s) => (err || !s ? reject(err ?? new Error("webpack: no stats")) : resolve(s)),
    ),
  );
  const info = stats.toJson({ all: false, errors: true, warnings: true });
  const warnings = [
    ...(info.warnings ?? []),
    ...(info.errors ?? []).map((e) => ({ ...e, message: `error: ${e.message}` })),
  ];
  writeFileSync(join(outDir, "index.html"), CLASSIC_PAGE);
  const messages = warnings.map((w) => w.message);
  return {
    outDir,
    warnings: messages.filter((m) => !SIZE_HINT.test(m)),
    sizeHints: messages.filter((m) => SIZE_HINT.test(m)),
  };
}
