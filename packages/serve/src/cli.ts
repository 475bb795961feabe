import { parseArgs } from "node:util";
import { ServeError } from "./errors.js";
import { type PhloxServer, serve } from "./server.js";

/** The `phlox-serve` usage text. */
export const USAGE = `usage: phlox-serve <model-module> <posterior> [options]

  <model-module>   a .js/.mjs (or .ts, with tsx installed) module whose default export is a servable model
  <posterior>      an InferenceData file: netCDF (.nc), JSON (.json) or a zarr directory

options:
  --host <host>            interface to listen on (default 127.0.0.1)
  --port <port>            port (default 8080; 0 for any free port)
  --max-draws <n>          most draws a request may ask for (default 4000)
  --default-draws <n>      draws when a request names none (default 1000)
  --max-batch-rows <n>     most rows per POST /predict/batch (default 10000)
  --body-limit <bytes>     largest request body (default 4194304)
  --log-level <level>      fatal, error, warn, info, debug (default info)
  -h, --help               this text

Send SIGHUP to reload the posterior file (swapped in only once it is read and checked).`;

const positiveInt = (name: string, v: string | undefined, allowZero = false): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < (allowZero ? 0 : 1))
    throw new ServeError(
      "bad-option",
      `phlox-serve: --${name} must be a ${allowZero ? "non-negative" : "positive"} integer, got "${v}".`,
    );
  return n;
};

/**
 * Runs the `phlox-serve` command line: parses the arguments, loads the model module and the posterior, and
 * listens. The caller owns the process (signals, exit); the `bin/phlox-serve.mjs` script wires SIGHUP to a
 * posterior reload and SIGINT/SIGTERM to `close()`.
 * @param argv - the arguments after the script name.
 * @param print - where the usage text and the listening address go (default `console.log`).
 * @returns the listening server, or null when only the help was asked for.
 * @throws ServeError `bad-option` on unknown or malformed arguments; `bad-model`/`bad-posterior` as `serve`.
 */
export async function runCli(
  argv: readonly string[],
  print: (line: string) => void = console.log,
): Promise<PhloxServer | null> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (e) {
    throw new ServeError("bad-option", `phlox-serve: ${(e as Error).message}\n\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    print(USAGE);
    return null;
  }
  if (positionals.length !== 2)
    throw new ServeError(
      "bad-option",
      `phlox-serve: expected <model-module> <posterior>, got ${positionals.length} argument(s).\n\n${USAGE}`,
    );
  const server = await serve({
    model: positionals[0],
    posterior: positionals[1],
    host: values.host ?? "127.0.0.1",
    port: positiveInt("port", values.port, true) ?? 8080,
    maxDraws: positiveInt("max-draws", values["max-draws"]),
    defaultDraws: positiveInt("default-draws", values["default-draws"]),
    maxBatchRows: positiveInt("max-batch-rows", values["max-batch-rows"]),
    bodyLimit: positiveInt("body-limit", values["body-limit"]),
    logger: { level: values["log-level"] ?? "info" },
  });
  print(
    `phlox-serve: model "${server.predictor.spec.name}", posterior ${server.posterior.id} (${server.posterior.numDraws} draws), listening on ${server.url}`,
  );
  return server;
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      host: { type: "string" },
      port: { type: "string" },
      "max-draws": { type: "string" },
      "default-draws": { type: "string" },
      "max-batch-rows": { type: "string" },
      "body-limit": { type: "string" },
      "log-level": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
}
