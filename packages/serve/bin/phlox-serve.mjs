#!/usr/bin/env node
// phlox-serve <model-module> <posterior> [options]: serves a model's posterior predictive over HTTP.
// SIGHUP reloads the posterior (atomically; a bad file is refused and logged); SIGINT/SIGTERM stop the server.
import { runCli } from "../dist/index.node.js";

let server;
try {
  server = await runCli(process.argv.slice(2));
} catch (e) {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(e?.code === "bad-option" ? 2 : 1);
}
if (server) {
  process.on("SIGHUP", () => {
    server.reloadPosterior().catch(() => {}); // refused posteriors are logged by the server
  });
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.once(signal, () => {
      server.close().then(() => process.exit(0));
    });
  }
}
