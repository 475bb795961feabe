/**
 * Opens all twenty example pages of a built docs site in headless Chromium, clicks Run on each and prints
 * how long the in-browser fit took (click to summary table), the table's rows and the page's errors.
 *
 * Run (from apps/docs, after `pnpm docs:build`):
 *   node --conditions=@phlox/source --import tsx bench/example-pages.ts [.vitepress/dist] [ids...]
 */
import { join } from "node:path";
import { exampleIds } from "@phlox/examples/gallery";
import { launchChromium, runExamplePage, serveDir } from "../test/serve.js";

const [dirArg, ...idArgs] = process.argv.slice(2);
const dir = join(process.cwd(), dirArg ?? ".vitepress/dist");
const ids = idArgs.length > 0 ? idArgs : exampleIds;
const server = await serveDir(dir);
const browser = await launchChromium();
let failed = 0;
try {
  console.log(`${"example".padEnd(24)} ${"seconds".padStart(8)} ${"rows".padStart(5)}  errors`);
  for (const id of ids) {
    try {
      const r = await runExamplePage(browser, server.url, id);
      if (r.errors.length > 0 || r.rows === 0) failed++;
      console.log(
        `${id.padEnd(24)} ${r.seconds.toFixed(1).padStart(8)} ${String(r.rows).padStart(5)}  ${r.errors.join(" | ")}`,
      );
    } catch (err) {
      failed++;
      console.log(`${id.padEnd(24)} ${"-".padStart(8)} ${"-".padStart(5)}  ${(err as Error).message}`);
    }
  }
} finally {
  await browser.close();
  await server.close();
}
console.log(
  failed === 0 ? `all ${ids.length} pages showed a summary table` : `${failed} of ${ids.length} pages failed`,
);
process.exitCode = failed === 0 ? 0 : 1;
