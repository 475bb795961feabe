import { createHash } from "node:crypto";
import { stat } from "node:fs/promises";
import {
  fromMCMC,
  InferenceData,
  type McmcSource,
  readJSON,
  readNetCDF,
  readZarr,
  type TensorLike,
} from "@phlox/arviz-io";
import type { Constraint } from "@phlox/distributions";
import { tensor } from "@phlox/tensor";
import { ServeError } from "./errors.js";

/** Draws of one site, `[numDraws, ...shape]` with chains merged chain-major. */
export interface DrawArray {
  readonly data: ArrayLike<number>;
  readonly shape: readonly number[];
}

/**
 * Where a posterior comes from: a file path (netCDF `.nc`/`.h5`, `.json`, or a zarr directory, as
 * `@phlox/arviz-io` writes them and ArviZ reads them), an `InferenceData` (e.g. `fromSVI(guideDraws)`), an
 * `MCMC` run (anything with `getSamples({ groupByChain: true })`), or draws by site `{ draws: { mu } }` with
 * each a `Tensor` (e.g. `guide.samplePosterior(...)`) or `{ data, shape: [numDraws, ...] }`; or a function that returns (a promise of) one of these, called at each load (a
 * posterior fetched from elsewhere, say).
 */
export type PosteriorSource =
  | PosteriorSourceValue
  | (() => PosteriorSourceValue | Promise<PosteriorSourceValue>);

/** A {@link PosteriorSource} other than a loader function. */
export type PosteriorSourceValue =
  | string
  | InferenceData
  | McmcSource
  | { readonly draws: Readonly<Record<string, DrawArray | TensorLike>> };

/** A latent site the model needs from the posterior: its per-draw shape and its support. */
export interface LatentSite {
  readonly name: string;
  readonly shape: readonly number[];
  readonly size: number;
  /** The site distribution's support (draws outside it are refused), or null when it has none. */
  readonly support: Constraint | null;
}

/** One site's draws in a loaded posterior: `data` holds `numDraws` rows of `size` values. */
export interface PosteriorSite {
  readonly name: string;
  readonly shape: readonly number[];
  readonly size: number;
  readonly data: Float64Array;
}

/** A posterior that passed the checks: the latent sites the model needs, and where it came from. */
export interface Posterior {
  /** Content hash of the sites served (sha-256 of names, shapes and values, first 16 hex digits). */
  readonly id: string;
  /** A label of the source: the file path, `"InferenceData"`, `"MCMC"` or `"draws"`. */
  readonly source: string;
  readonly numChains: number;
  /** Draws per chain. */
  readonly drawsPerChain: number;
  /** All draws (chains × draws per chain). */
  readonly numDraws: number;
  /** The latent sites, in the model's order. */
  readonly sites: readonly PosteriorSite[];
  /** ISO time it was loaded. */
  readonly loadedAt: string;
}

async function readFile(path: string): Promise<InferenceData> {
  let isDir: boolean;
  try {
    isDir = (await stat(path)).isDirectory();
  } catch (e) {
    throw new ServeError("bad-posterior", `posterior ${path}: cannot read it (${(e as Error).message}).`);
  }
  try {
    if (isDir) return await readZarr(path);
    if (/\.json$/i.test(path)) return await readJSON(path);
    return await readNetCDF(path);
  } catch (e) {
    throw new ServeError(
      "bad-posterior",
      `posterior ${path}: not a readable InferenceData file: ${(e as Error).message}`,
    );
  }
}

function isMcmcSource(x: unknown): x is McmcSource {
  return typeof x === "object" && x !== null && typeof (x as McmcSource).getSamples === "function";
}

/** The chains and the draws of a source, with chain and draw merged. */
async function collect(
  source: PosteriorSource,
  names: readonly string[],
): Promise<{
  label: string;
  numChains: number;
  drawsPerChain: number;
  get(name: string): DrawArray | undefined;
}> {
  let idata: InferenceData;
  let label: string;
  if (typeof source === "function") {
    let value: PosteriorSourceValue;
    try {
      value = await source();
    } catch (e) {
      throw new ServeError("bad-posterior", `posterior loader failed: ${(e as Error).message ?? String(e)}`);
    }
    if (typeof value === "function")
      throw new ServeError(
        "bad-posterior",
        "posterior loader returned a function; return a path, InferenceData, MCMC run or draws.",
      );
    return collect(value, names);
  }
  if (typeof source === "string") {
    idata = await readFile(source);
    label = source;
  } else if (source instanceof InferenceData) {
    idata = source;
    label = "InferenceData";
  } else if (isMcmcSource(source)) {
    try {
      idata = fromMCMC(source, { logLikelihood: false });
    } catch (e) {
      throw new ServeError("bad-posterior", `posterior from MCMC: ${(e as Error).message}`);
    }
    label = "MCMC";
  } else if (typeof source === "object" && source !== null && typeof source.draws === "object") {
    const draws = source.draws;
    const first = names.map((n) => draws[n]).find((d) => d !== undefined);
    return {
      label: "draws",
      numChains: 1,
      drawsPerChain: first?.shape[0] ?? 0,
      get: (n) => {
        const d = draws[n];
        if (d === undefined || !("dataSync" in d)) return d;
        return { data: d.dataSync(), shape: d.shape };
      },
    };
  } else {
    throw new ServeError(
      "bad-posterior",
      "posterior: pass a file path, an InferenceData, an MCMC run or { draws: { site: { data, shape } } }.",
    );
  }
  if (!idata.has("posterior"))
    throw new ServeError("bad-posterior", `posterior ${label}: the InferenceData has no posterior group.`);
  let shape: { numChains: number; numDraws: number };
  try {
    shape = idata.sampleShape("posterior");
  } catch (e) {
    throw new ServeError("bad-posterior", `posterior ${label}: ${(e as Error).message}`);
  }
  const vars = idata.get("posterior").variables;
  return {
    label,
    numChains: shape.numChains,
    drawsPerChain: shape.numDraws,
    get(n) {
      if (!Object.hasOwn(vars, n)) return undefined;
      try {
        return idata.extract(n);
      } catch (e) {
        throw new ServeError("bad-posterior", `posterior ${label}: site "${n}": ${(e as Error).message}`);
      }
    },
  };
}

/**
 * Loads a posterior and checks it against the latent sites the model needs: every site present, with the
 * same number of draws and the site's shape per draw, every value finite and inside the site's support.
 * Anything else is refused (nothing partial is returned).
 * @param source - a file path, InferenceData, MCMC run or draws ({@link PosteriorSource}).
 * @param latents - the model's latent sites (names, per-draw shapes, supports).
 * @returns the checked posterior.
 * @throws ServeError `bad-posterior` naming the source, the site and what was wrong.
 */
export async function loadPosterior(
  source: PosteriorSource,
  latents: readonly LatentSite[],
): Promise<Posterior> {
  const c = await collect(
    source,
    latents.map((l) => l.name),
  );
  const where = `posterior ${c.label}`;
  const numDraws = c.numChains * c.drawsPerChain;
  if (!(numDraws > 0)) throw new ServeError("bad-posterior", `${where}: it holds no draws.`);
  const hash = createHash("sha256");
  const sites: PosteriorSite[] = [];
  for (const l of latents) {
    const d = c.get(l.name);
    if (d === undefined) {
      throw new ServeError(
        "bad-posterior",
        `${where}: site "${l.name}" is missing; the model needs ${latents.map((x) => `"${x.name}"`).join(", ")}.`,
      );
    }
    const want = [numDraws, ...l.shape];
    if (
      d.shape.length !== want.length ||
      d.shape.some((x, i) => x !== want[i]) ||
      d.data.length !== numDraws * l.size
    ) {
      throw new ServeError(
        "bad-posterior",
        `${where}: site "${l.name}" has draws of shape [${d.shape.join(", ")}], expected [${want.join(", ")}] ` +
          `(${numDraws} draws of the model's shape [${l.shape.join(", ")}]).`,
      );
    }
    const data = Float64Array.from(d.data);
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i])) {
        throw new ServeError(
          "bad-posterior",
          `${where}: site "${l.name}" has a non-finite value ${data[i]} at draw ${Math.floor(i / l.size)}.`,
        );
      }
    }
    if (l.support !== null) {
      const ok = l.support.check(tensor(data, { shape: want })).dataSync() as ArrayLike<number | boolean>;
      for (let i = 0; i < ok.length; i++) {
        if (!ok[i]) {
          const per = ok.length / numDraws;
          throw new ServeError(
            "bad-posterior",
            `${where}: site "${l.name}" at draw ${Math.floor(i / per)} is outside its support ${l.support.toString()}.`,
          );
        }
      }
    }
    hash.update(`${l.name}[${l.shape.join(",")}]`);
    hash.update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    sites.push({ name: l.name, shape: [...l.shape], size: l.size, data });
  }
  return {
    id: hash.digest("hex").slice(0, 16),
    source: c.label,
    numChains: c.numChains,
    drawsPerChain: c.drawsPerChain,
    numDraws,
    sites,
    loadedAt: new Date().toISOString(),
  };
}
