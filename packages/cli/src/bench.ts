import { AutoNormal } from "@phlox/autoguide";
import { summaryArviz } from "@phlox/diagnostics";
import { key } from "@phlox/tensor";
import { Adam, SVI, TraceELBO } from "@phlox/vi";
import { CliError } from "./errors.js";
import type { DataRecord } from "./files.js";
import { fixed, table } from "./format.js";
import { type SiteDraws, toDraws } from "./internal/draws.js";
import { arvizLabel } from "./labels.js";
import { type ModelModule, withModel } from "./model-module.js";
import { type FitOptions, fitNuts } from "./run.js";

/** Options of {@link benchModel}. */
export interface BenchOptions extends FitOptions {
  /** SVI steps (default 5000). */
  sviSteps?: number;
  /** Adam's learning rate (default 0.01). */
  learningRate?: number;
  /** Draws taken from the fitted guide (default 1000). */
  numDraws?: number;
}

/** One posterior element compared between NUTS and SVI. */
export interface AgreementRow {
  readonly label: string;
  readonly nutsMean: number;
  readonly nutsSd: number;
  readonly sviMean: number;
  readonly sviSd: number;
  /** (SVI mean − NUTS mean) / NUTS sd. */
  readonly zMean: number;
  /** SVI sd / NUTS sd (mean-field guides usually come out below 1). */
  readonly sdRatio: number;
}

/** What {@link benchModel} measured. */
export interface BenchResult {
  readonly nuts: {
    readonly seconds: number;
    readonly numChains: number;
    readonly numDraws: number;
    /** Smallest bulk ESS over the latent elements, and where. */
    readonly minEssBulk: number;
    readonly minEssLabel: string;
    /** minEssBulk / seconds. */
    readonly essPerSecond: number;
    readonly divergences: number;
  };
  readonly svi: {
    readonly seconds: number;
    readonly steps: number;
    /** Mean loss (−ELBO) over the last 10% of the steps. */
    readonly finalLoss: number;
    /** Independent draws from the guide (their ESS is their number). */
    readonly numDraws: number;
    /** numDraws / seconds (fit and draws). */
    readonly essPerSecond: number;
  };
  readonly agreement: readonly AgreementRow[];
}

function meanSd(x: Float64Array, stride: number, offset: number, n: number): [number, number] {
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i * stride + offset];
  const m = s / n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (x[i * stride + offset] - m) ** 2;
  return [m, Math.sqrt(v / (n - 1))];
}

/**
 * Benchmarks NUTS against SVI with an `AutoNormal` guide on one model and data: wall time of each, ESS per
 * second (NUTS: the smallest bulk ESS over the latent elements; SVI: independent guide draws), and how well the
 * SVI posterior agrees with NUTS's, element by element (standardised mean difference, sd ratio).
 * @param mod - the model module.
 * @param data - the data JSON.
 * @param options - NUTS options (as `phlox run`), SVI steps, learning rate, draws.
 * @returns the measurements.
 * @throws CliError `bad-option` for out-of-range options.
 */
export async function benchModel(
  mod: ModelModule,
  data: DataRecord,
  options: BenchOptions = {},
): Promise<BenchResult> {
  const steps = options.sviSteps ?? 5000;
  const lr = options.learningRate ?? 0.01;
  const numDraws = options.numDraws ?? 1000;
  if (!Number.isInteger(steps) || steps < 1)
    throw new CliError("bad-option", `phlox bench: --svi-steps must be a positive integer, got ${steps}.`);
  if (!(lr > 0)) throw new CliError("bad-option", `phlox bench: --lr must be positive, got ${lr}.`);
  if (!Number.isInteger(numDraws) || numDraws < 2)
    throw new CliError("bad-option", `phlox bench: --draws must be an integer ≥ 2, got ${numDraws}.`);
  const fit = await fitNuts(mod, data, { numWarmup: 500, ...options });
  const { numChains, numDraws: nutsDraws } = fit.idata.sampleShape("posterior");
  const guide = new AutoNormal(mod.model as (...a: unknown[]) => unknown);
  const args = mod.args(data);
  const svi = new SVI(mod.model as (...a: unknown[]) => unknown, guide, new Adam(lr), new TraceELBO());
  const seed = options.seed ?? 0;
  const t0 = performance.now();
  const run = await withModel(mod, "phlox bench", () => svi.run(key(seed + 1), steps, ...args));
  const draws = guide.samplePosterior(key(seed + 2), run.params, { sampleShape: [numDraws] }) as Record<
    string,
    SiteDraws
  >;
  const sviSeconds = (performance.now() - t0) / 1000;
  const sites = guide.latentSites
    .map((l) => l.name)
    .filter((s) => Object.hasOwn(fit.idata.get("posterior").variables, s));
  const rows = summaryArviz(fit.idata.draws("posterior", sites));
  const minRow = rows.reduce((m, r) => (r.essBulk < m.essBulk ? r : m), rows[0]);
  const minLabel = arvizLabel(fit.idata, "posterior", minRow.variable, minRow.index);
  const post = fit.idata.draws("posterior", sites);
  const agreement: AgreementRow[] = [];
  for (const r of rows) {
    const p = post[r.variable];
    const size = p.shape.slice(2).reduce((a, b) => a * b, 1);
    const offset = r.index.reduce((acc, i, k) => acc * p.shape[2 + k] + i, 0);
    const [nm, ns] = meanSd(p.data, size, offset, numChains * nutsDraws);
    const d = toDraws(draws[r.variable]);
    const [sm, ss] = meanSd(d.data, size, offset, numDraws);
    agreement.push({
      label: arvizLabel(fit.idata, "posterior", r.variable, r.index),
      nutsMean: nm,
      nutsSd: ns,
      sviMean: sm,
      sviSd: ss,
      zMean: (sm - nm) / ns,
      sdRatio: ss / ns,
    });
  }
  const tail = Math.max(1, Math.floor(steps / 10));
  let loss = 0;
  for (let i = steps - tail; i < steps; i++) loss += run.losses[i];
  const div =
    fit.idata.has("sample_stats") && "diverging" in fit.idata.get("sample_stats").variables
      ? fit.idata.draws("sample_stats", ["diverging"]).diverging.data.reduce((a, b) => a + b, 0)
      : 0;
  return {
    nuts: {
      seconds: fit.seconds,
      numChains,
      numDraws: nutsDraws,
      minEssBulk: minRow.essBulk,
      minEssLabel: minLabel,
      essPerSecond: minRow.essBulk / fit.seconds,
      divergences: div,
    },
    svi: {
      seconds: sviSeconds,
      steps,
      finalLoss: loss / tail,
      numDraws,
      essPerSecond: numDraws / sviSeconds,
    },
    agreement,
  };
}

/**
 * The lines `phlox bench` prints.
 * @param r - from {@link benchModel}.
 * @param name - the model's name.
 * @returns the lines.
 */
export function formatBench(r: BenchResult, name: string): string[] {
  const maxZ = r.agreement.reduce((m, a) => (Math.abs(a.zMean) > Math.abs(m.zMean) ? a : m), r.agreement[0]);
  const ratios = r.agreement.map((a) => a.sdRatio);
  return [
    `${name}: NUTS against SVI (AutoNormal)`,
    "",
    ...table(
      ["", "seconds", "draws", "min_ess_bulk", "ess_per_s", "divergences"],
      [
        [
          "NUTS",
          fixed(r.nuts.seconds, 3),
          `${r.nuts.numChains}×${r.nuts.numDraws}`,
          `${fixed(r.nuts.minEssBulk, 0)} (${r.nuts.minEssLabel})`,
          fixed(r.nuts.essPerSecond, 0),
          String(r.nuts.divergences),
        ],
        [
          "SVI",
          fixed(r.svi.seconds, 3),
          String(r.svi.numDraws),
          `${r.svi.numDraws} (independent)`,
          fixed(r.svi.essPerSecond, 0),
          "-",
        ],
      ],
    ),
    `SVI: ${r.svi.steps} steps of Adam, final loss (−ELBO, mean of the last 10%) ${fixed(r.svi.finalLoss, 3)}`,
    "",
    "posterior agreement (SVI against NUTS):",
    ...table(
      ["", "nuts_mean", "nuts_sd", "svi_mean", "svi_sd", "z_mean", "sd_ratio"],
      r.agreement.map((a) => [
        a.label,
        fixed(a.nutsMean, 3),
        fixed(a.nutsSd, 3),
        fixed(a.sviMean, 3),
        fixed(a.sviSd, 3),
        fixed(a.zMean, 2),
        fixed(a.sdRatio, 2),
      ]),
    ),
    `max |z_mean| ${fixed(Math.abs(maxZ.zMean), 2)} (${maxZ.label}); sd_ratio from ${fixed(Math.min(...ratios), 2)} to ${fixed(Math.max(...ratios), 2)}`,
  ];
}
