/**
 * The Run button's Web Worker: loads one gallery example by id, fits it (progress posted as it goes), then
 * draws its trace and posterior plots with @phlox/plots and posts the summary, the plots and the extra numbers.
 */
import { loadExample, type RunProgress } from "@phlox/examples/gallery";
import { plotPosterior, plotTrace } from "@phlox/plots";

/** What the page sends: the example id and optional run lengths. */
export interface RunRequest {
  id: string;
  numWarmup?: number;
  numSamples?: number;
  numChains?: number;
}

/** What the worker posts back. */
export type RunMessage =
  | ({ type: "progress" } & RunProgress)
  | {
      type: "done";
      summary: {
        label: string;
        mean: number;
        std: number;
        median: number;
        hpdiLower: number;
        hpdiUpper: number;
        nEff: number;
        rHat: number;
      }[];
      numDivergences: number;
      extra: Record<string, number | number[] | string>;
      trace: string;
      posterior: string;
      seconds: number;
    }
  | { type: "error"; message: string };

const post = (m: RunMessage) => (self as unknown as Worker).postMessage(m);

self.onmessage = async (e: MessageEvent<RunRequest>) => {
  const { id, ...lengths } = e.data;
  try {
    const t0 = performance.now();
    const ex = await loadExample(id);
    let last = -1;
    const r = await ex.run({
      ...lengths,
      onProgress: (p) => {
        if (p.fraction - last >= 0.005 || p.fraction >= 1) {
          last = p.fraction;
          post({ type: "progress", ...p });
        }
      },
    });
    const seconds = (performance.now() - t0) / 1000;
    const draws = Object.fromEntries(
      ex.meta.plotSites.map((s) => [s, r.draws[s] as NonNullable<(typeof r.draws)[string]>]),
    );
    post({
      type: "done",
      summary: r.summary.map((row) => ({
        label: row.label,
        mean: row.mean,
        std: row.std,
        median: row.median,
        hpdiLower: row.hpdiLower,
        hpdiUpper: row.hpdiUpper,
        nEff: row.nEff,
        rHat: row.rHat,
      })),
      numDivergences: r.numDivergences,
      extra: r.extra,
      trace: plotTrace(draws, { output: "string" }),
      posterior: plotPosterior(draws, { output: "string" }),
      seconds,
    });
  } catch (err) {
    post({ type: "error", message: err instanceof Error ? err.message : String(err) });
  }
};
