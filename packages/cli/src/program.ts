import { writeFile } from "node:fs/promises";
import { basename } from "node:path";
import { PHLOX_VERSION } from "@phlox/arviz-io";
import type { IcScale } from "@phlox/diagnostics";
import { plotPpc, report } from "@phlox/plots";
import { runCli as runServeCli } from "@phlox/serve";
import { PhloxError } from "@phlox/tensor";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { benchModel, formatBench } from "./bench.js";
import { compareRuns, formatCompare } from "./compare.js";
import { diagnoseRun, formatArvizSummary, formatDiagnose } from "./diagnose.js";
import { CliError } from "./errors.js";
import { type DataRecord, readData, readRun, writeRun } from "./files.js";
import type { CliIO } from "./io.js";
import { loadModelModule, withModel } from "./model-module.js";
import { formatPriorCheck, priorCheck } from "./prior-check.js";
import { fitNuts } from "./run.js";

/**
 * Exit statuses of the `phlox` command: 0 success; 1 `diagnose` found a threshold crossed; 2 bad usage or
 * input (unknown option, missing file, bad JSON, a model module without a model; every PhloxError); 3 an
 * unexpected failure (a bug: please report it with the message).
 */
export const EXIT = { ok: 0, checksFailed: 1, usage: 2, internal: 3 } as const;

const num = (name: string) => (v: string) => {
  const n = Number(v);
  if (v.trim() === "" || !Number.isFinite(n)) throw new InvalidArgumentError(`--${name} must be a number.`);
  return n;
};
const int =
  (name: string, min = 0) =>
  (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min)
      throw new InvalidArgumentError(`--${name} must be an integer ≥ ${min}.`);
    return n;
  };
const list = (v: string, prev: string[] = []) => [
  ...prev,
  ...v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean),
];

interface FitFlags {
  data?: string;
  warmup: number;
  samples: number;
  chains: number;
  seed: number;
  chainMethod: "sequential" | "vectorized" | "parallel";
  targetAccept: number;
  maxTreeDepth: number;
}

function fitOptions(cmd: Command, warmup = 1000): Command {
  return cmd
    .option(
      "-d, --data <data.json>",
      "data file: a JSON object mapped to the model's arguments by its args(data)",
    )
    .option("--warmup <n>", "warmup iterations per chain", int("warmup"), warmup)
    .option("--samples <n>", "draws kept per chain", int("samples", 4), 1000)
    .option("--chains <n>", "number of chains", int("chains", 1), 4)
    .option("--seed <n>", "PRNG seed", int("seed"), 0)
    .addOption(
      new Option("--chain-method <method>", "how chains run")
        .choices(["sequential", "vectorized", "parallel"])
        .default("sequential"),
    )
    .option("--target-accept <p>", "NUTS target acceptance probability", num("target-accept"), 0.8)
    .option("--max-tree-depth <n>", "NUTS maximum tree depth", int("max-tree-depth", 1), 10);
}

const fitFrom = (o: FitFlags) => ({
  numWarmup: o.warmup,
  numSamples: o.samples,
  numChains: o.chains,
  seed: o.seed,
  chainMethod: o.chainMethod,
  targetAcceptProb: o.targetAccept,
  maxTreeDepth: o.maxTreeDepth,
});

async function dataOf(path: string | undefined, who: string): Promise<DataRecord> {
  return path === undefined ? {} : readData(path, who);
}

const MODULES = `Model modules (.ts, .mts, .js, .mjs; TypeScript loads without a build step) export the model
function as \`model\` (or as the default export) and, optionally, \`args(data)\` returning the model's
arguments from the data JSON; without it the model gets one object of Tensors, one per data entry.`;

/**
 * Builds the `phlox` command tree (commander): `diagnose`, `compare`, `prior-check`, `bench`, `run`, `serve`.
 * @param io - where output goes.
 * @param setExit - receives each command's exit status.
 * @returns the program, ready for `parseAsync`.
 */
export function buildProgram(io: CliIO, setExit: (code: number) => void): Command {
  const program = new Command("phlox")
    .description(
      "Phlox on the command line: diagnose and compare ArviZ runs, check priors, fit, benchmark and serve models.",
    )
    .version(PHLOX_VERSION, "-V, --version")
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.out(s.replace(/\n$/, "")),
      writeErr: (s) => io.err(s.replace(/\n$/, "")),
    })
    .showHelpAfterError("(add --help for usage)")
    .addHelpText(
      "after",
      `\nExit status: 0 ok; 1 diagnose thresholds failed; 2 bad usage or input (a model failing on the data included); 3 unexpected failure.\n\n${MODULES}`,
    );

  program
    .command("diagnose")
    .description(
      "Summarise an MCMC run as az.summary and flag R-hat, ESS, divergences and E-BFMI; exits 1 when a threshold fails",
    )
    .argument("<run>", "InferenceData file: netCDF (.nc), ArviZ JSON (.json) or zarr directory (.zarr)")
    .option("--rhat-max <x>", "largest acceptable R-hat", num("rhat-max"), 1.01)
    .option("--ess-min <n>", "smallest acceptable bulk and tail ESS", num("ess-min"), 400)
    .option("--divergences-max <n>", "most divergent transitions accepted", int("divergences-max"), 0)
    .option("--bfmi-min <x>", "smallest acceptable E-BFMI per chain", num("bfmi-min"), 0.3)
    .option("--var-names <names>", "variables to summarise, comma-separated (default all)", list)
    .option("--hdi-prob <p>", "HDI probability", num("hdi-prob"), 0.94)
    .option("--html <file>", "also write an offline HTML report (summary, trace, rank, energy, pair plots)")
    .option("--json", "print the result as JSON instead of tables")
    .action(async (file: string, o) => {
      const idata = await readRun(file, "phlox diagnose");
      const result = diagnoseRun(idata, {
        rhatMax: o.rhatMax,
        essMin: o.essMin,
        divergencesMax: o.divergencesMax,
        bfmiMin: o.bfmiMin,
        varNames: o.varNames,
        hdiProb: o.hdiProb,
      });
      if (o.html) {
        await writeFile(
          o.html,
          report(idata, {
            title: `phlox diagnose ${basename(file)}`,
            varNames: o.varNames,
            rhatThreshold: o.rhatMax,
            essThreshold: o.essMin,
          }),
        );
      }
      if (o.json) io.out(JSON.stringify({ file, ...result }, null, 1));
      else {
        for (const line of formatDiagnose(result, file)) io.out(line);
        if (o.html) io.out(`wrote ${o.html}`);
      }
      setExit(result.ok ? EXIT.ok : EXIT.checksFailed);
    });

  program
    .command("compare")
    .description(
      "Compare models by PSIS-LOO (default) or WAIC as az.compare: ranks, elpd, weights, Pareto k warnings",
    )
    .argument("<runs...>", "two or more InferenceData files with a log_likelihood group")
    .addOption(new Option("--ic <ic>", "information criterion").choices(["loo", "waic"]).default("loo"))
    .addOption(
      new Option("--method <method>", "model weights")
        .choices(["stacking", "pseudo-BMA"])
        .default("stacking"),
    )
    .addOption(
      new Option("--scale <scale>", "scale of elpd")
        .choices(["log", "negative_log", "deviance"])
        .default("log"),
    )
    .option("--var-name <name>", "the log_likelihood variable, when a run has several")
    .option("--names <names>", "model names, comma-separated (default: the file names)", list)
    .option("--json", "print the result as JSON instead of a table")
    .action(async (files: string[], o) => {
      const names: string[] =
        o.names ?? files.map((f) => basename(f.replace(/[\\/]+$/, "")).replace(/\.[^.]+$/, ""));
      if (names.length !== files.length)
        throw new CliError(
          "bad-option",
          `phlox compare: --names gives ${names.length} names for ${files.length} runs.`,
        );
      if (new Set(names).size !== names.length)
        throw new CliError(
          "bad-option",
          `phlox compare: two runs share a name (${names.join(", ")}); give distinct ones with --names a,b,...`,
        );
      const runs: Record<string, Awaited<ReturnType<typeof readRun>>> = {};
      for (let i = 0; i < files.length; i++) runs[names[i]] = await readRun(files[i], "phlox compare");
      const result = compareRuns(runs, {
        ic: o.ic,
        method: o.method,
        scale: o.scale as IcScale,
        varName: o.varName,
      });
      if (o.json) io.out(JSON.stringify(result, null, 1));
      else for (const line of formatCompare(result)) io.out(line);
      setExit(EXIT.ok);
    });

  program
    .command("prior-check")
    .description("Prior predictive check: draw data from the prior and compare it with the observed data")
    .argument("<model>", "model module (.ts/.js)")
    .option("-d, --data <data.json>", "data file (holds the observations)")
    .option("--samples <n>", "prior predictive draws", int("samples", 2), 500)
    .option("--seed <n>", "PRNG seed", int("seed"), 0)
    .option("--prob <p>", "mass of the reported intervals", num("prob"), 0.94)
    .option("-o, --out <file>", "write the prior predictive plot (.svg or .png)")
    .option("--json", "print the result as JSON instead of tables")
    .action(async (path: string, o) => {
      const data = await dataOf(o.data, "phlox prior-check");
      const mod = await loadModelModule(path, "phlox prior-check");
      const result = await withModel(mod, "phlox prior-check", () =>
        priorCheck(mod, data, { numSamples: o.samples, seed: o.seed, prob: o.prob }),
      );
      if (o.out) {
        if (!/\.(svg|png)$/i.test(o.out))
          throw new CliError(
            "bad-option",
            `phlox prior-check: --out must end in .svg or .png, got "${o.out}".`,
          );
        const svg = plotPpc(result.idata, {
          group: "prior",
          output: "string",
          title: `${mod.name}: prior predictive`,
        });
        if (/\.png$/i.test(o.out)) {
          const { toPNG } = await import("@phlox/plots/png");
          await writeFile(o.out, toPNG(svg));
        } else await writeFile(o.out, svg);
      }
      if (o.json) {
        const { idata: _, ...rest } = result;
        io.out(JSON.stringify(rest, null, 1));
      } else {
        for (const line of formatPriorCheck(result, mod.name)) io.out(line);
        if (o.out) io.out(`wrote ${o.out}`);
      }
      setExit(EXIT.ok);
    });

  fitOptions(
    program
      .command("bench")
      .description(
        "NUTS against SVI with an AutoNormal guide: wall time, ESS per second, posterior agreement",
      )
      .argument("<model>", "model module (.ts/.js)"),
    500,
  )
    .option("--svi-steps <n>", "SVI steps", int("svi-steps", 1), 5000)
    .option("--lr <x>", "Adam learning rate", num("lr"), 0.01)
    .option("--draws <n>", "draws taken from the fitted guide", int("draws", 2), 1000)
    .option("--json", "print the result as JSON instead of tables")
    .action(async (path: string, o) => {
      const data = await dataOf(o.data, "phlox bench");
      const mod = await loadModelModule(path, "phlox bench");
      const result = await benchModel(mod, data, {
        ...fitFrom(o),
        sviSteps: o.sviSteps,
        learningRate: o.lr,
        numDraws: o.draws,
      });
      if (o.json) io.out(JSON.stringify(result, null, 1));
      else for (const line of formatBench(result, mod.name)) io.out(line);
      setExit(EXIT.ok);
    });

  fitOptions(
    program
      .command("run")
      .description(
        "Fit a model with NUTS and write the run as InferenceData (posterior, sample_stats, log_likelihood, observed_data)",
      )
      .argument("<model>", "model module (.ts/.js)"),
  )
    .requiredOption("-o, --out <file>", "output: .nc (netCDF-4), .json (ArviZ JSON) or .zarr (directory)")
    .option("--quiet", "print only the output path")
    .action(async (path: string, o) => {
      const data = await dataOf(o.data, "phlox run");
      const mod = await loadModelModule(path, "phlox run");
      const fit = await fitNuts(mod, data, fitFrom(o));
      const format = await writeRun(fit.idata, o.out);
      if (!o.quiet) {
        const r = diagnoseRun(fit.idata, { essMin: 0, bfmiMin: 0, divergencesMax: Number.MAX_SAFE_INTEGER });
        io.out(
          `${mod.name}: NUTS, ${r.numChains} chains × (${o.warmup} warmup + ${r.numDraws}) in ${fit.seconds.toFixed(2)} s`,
        );
        io.out("");
        for (const line of formatArvizSummary(r.rows, r.hdiProb)) io.out(line);
        io.out("");
        if (r.divergences) io.out(`divergences: ${r.divergences.reduce((a, b) => a + b, 0)}`);
      }
      io.out(`wrote ${o.out} (${format})`);
      setExit(EXIT.ok);
    });

  program
    .command("serve")
    .description(
      "Serve a model's posterior predictive over HTTP (@phlox/serve): POST /predict, /predict/batch, GET /health, /model, /openapi.json",
    )
    .argument("<model>", "model module exporting a servable model (defineServable) as `servable` or default")
    .requiredOption("-p, --posterior <run>", "posterior: InferenceData file (.nc, .json, .zarr)")
    .option("--host <host>", "interface to listen on", "127.0.0.1")
    .option("--port <port>", "port (0: any free port)", int("port"), 8080)
    .option("--max-draws <n>", "most draws a request may ask for", int("max-draws", 1))
    .option("--default-draws <n>", "draws when a request names none", int("default-draws", 1))
    .option("--max-batch-rows <n>", "most rows per POST /predict/batch", int("max-batch-rows", 1))
    .option("--body-limit <bytes>", "largest request body", int("body-limit", 1))
    .addOption(
      new Option("--log-level <level>", "log level")
        .choices(["fatal", "error", "warn", "info", "debug"])
        .default("info"),
    )
    .action(async (path: string, o) => {
      const argv = [path, o.posterior, "--host", o.host, "--port", String(o.port), "--log-level", o.logLevel];
      for (const k of ["maxDraws", "defaultDraws", "maxBatchRows", "bodyLimit"] as const)
        if (o[k] !== undefined)
          argv.push(`--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, String(o[k]));
      const server = await runServeCli(argv, (line) => io.out(line.replace(/^phlox-serve/, "phlox serve")));
      if (!server) return;
      await new Promise<void>((done) => {
        const stop = () => {
          process.off("SIGHUP", reload);
          server.close().then(done, done);
        };
        const reload = () => {
          server.reloadPosterior().catch(() => {}); // a refused posterior is logged by the server
        };
        process.on("SIGHUP", reload);
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      });
      setExit(EXIT.ok);
    });

  return program;
}

/**
 * Runs the `phlox` command line and returns its exit status (the `phlox` bin sets `process.exitCode` to it).
 * Input problems (a PhloxError: missing file, bad JSON, a module without a model, an unreadable run) and usage
 * errors print one message on `io.err` and give 2; `diagnose` gives 1 when a threshold fails.
 * @param argv - the arguments after `phlox`.
 * @param io - where output goes (default: stdout and stderr).
 * @returns the exit status (see {@link EXIT}).
 * @example
 * const status = await main(["diagnose", "run.nc", "--rhat-max", "1.05"]); // 0 when the run passes
 */
export async function main(argv: readonly string[], io?: CliIO): Promise<number> {
  const sink: CliIO = io ?? {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  };
  let code: number = EXIT.ok;
  const program = buildProgram(sink, (c) => {
    code = c;
  });
  try {
    await program.parseAsync([...argv], { from: "user" });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === "commander.helpDisplayed" || e.code === "commander.version") return EXIT.ok;
      return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (e instanceof PhloxError) {
      sink.err(`${e.message}${e instanceof CliError ? "" : ` [${e.name} ${e.code}]`}`);
      return EXIT.usage;
    }
    sink.err(`phlox: unexpected failure: ${(e as Error)?.stack ?? String(e)}`);
    return EXIT.internal;
  }
}
