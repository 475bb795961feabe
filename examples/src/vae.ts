/**
 * A variational autoencoder (NumPyro's examples/vae.py): a decoder network in the model, an encoder network in
 * the guide, both registered with `nnModule` and trained by SVI. The data are small synthetic binary images
 * (4×4, four bar prototypes, 10% of pixels flipped) instead of MNIST, so the example needs no download.
 * Run: `node examples/dist/vae.js`.
 */
import { Bernoulli, Normal } from "@phlox/distributions";
import { plate, sample } from "@phlox/handlers";
import {
  Dense,
  initializers,
  moduleParams,
  nnModule,
  Parallel,
  Sequential,
  sigmoid,
  softplus,
} from "@phlox/nn";
import { abs, cast, exp, key, lt, mean, type Tensor, take, tensor } from "@phlox/tensor";
import { Adam, SVI, TraceELBO } from "@phlox/vi";
import { runIfMain } from "./run-main.js";
import { uniforms } from "./simulate.js";

/** Sizes of the networks and the run (NumPyro's vae.py arguments, scaled to the small dataset). */
export interface VaeConfig {
  /** Hidden units of the encoder and the decoder. */
  hidden: number;
  /** Latent dimension. */
  zDim: number;
  /** SVI steps (full batch). */
  steps: number;
  /** Adam's learning rate. */
  lr: number;
}

export const DEFAULT_CONFIG: VaeConfig = { hidden: 32, zDim: 2, steps: 1000, lr: 0.01 };

// stax's default initialisers: Glorot-normal kernels, Normal(0, 1e-6) biases
const dense = (n: number): Dense =>
  new Dense(n, { kernelInit: initializers.glorotNormal(), biasInit: initializers.normal(1e-6) });

/** The encoder: Dense → softplus → { loc: Dense, scale: Dense → exp } (stax's FanOut + parallel). */
export function encoder(hidden: number, zDim: number) {
  return new Sequential([
    dense(hidden),
    softplus,
    new Parallel({ loc: dense(zDim), scale: new Sequential([dense(zDim), exp]) }),
  ]);
}

/** The decoder: Dense → softplus → Dense → sigmoid (pixel probabilities). */
export function decoder(hidden: number, outDim: number): Sequential {
  return new Sequential([dense(hidden), softplus, dense(outDim), sigmoid]);
}

/** The model and the guide for images `[batch, pixels]` (NumPyro's vae.py `model` and `guide`). */
export function vae(config: Pick<VaeConfig, "hidden" | "zDim"> = DEFAULT_CONFIG) {
  const { hidden, zDim } = config;
  function model(batch: Tensor): void {
    const [B, D] = batch.shape as [number, number];
    const decode = nnModule("decoder", decoder(hidden, D), { inputShape: [B, zDim] });
    plate("batch", B, () => {
      const z = sample("z", new Normal(0, 1).expand([zDim]).toEvent(1));
      sample("obs", new Bernoulli({ probs: decode(z) }).toEvent(1), { obs: batch });
    });
  }
  function guide(batch: Tensor): void {
    const B = batch.shape[0] as number;
    const encode = nnModule("encoder", encoder(hidden, zDim), { inputShape: batch.shape });
    const { loc, scale } = encode(batch);
    plate("batch", B, () => sample("z", new Normal(loc, scale).toEvent(1)));
  }
  return { model, guide };
}

/** `n` binary 4×4 images: a random prototype (top, bottom, left or right half lit), pixels flipped w.p. `flip`. */
export function simulate(n = 200, flip = 0.1): Tensor {
  const protos = tensor([
    [1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0],
    [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1],
    [1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0],
    [0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1],
  ]);
  const u = uniforms(11, [n]).dataSync() as Float64Array;
  const labels = tensor(
    Int32Array.from(u, (v) => Math.floor(v * 4)),
    { dtype: "int32" },
  );
  const x = take(protos, labels, 0);
  const flips = cast(lt(uniforms(12, [n, 16]), flip), "float64");
  return abs(x.sub(flips));
}

/** What {@link fit} measures on the trained networks. */
export interface VaeFit {
  /** Trained parameters by site name. */
  params: Record<string, Tensor>;
  /** −ELBO per step, per data point. */
  losses: number[];
  /** The ELBO per data point at the trained parameters (Trace_ELBO with `evalParticles` particles). */
  elboPerPoint: number;
  /** mean |x − decoder(encoder loc(x))|. */
  reconError: number;
}

/** Trains the VAE by SVI (Adam, full batch) and scores it. */
export function fit(
  x: Tensor,
  options: Partial<VaeConfig> & { seed?: number; evalParticles?: number } = {},
): VaeFit {
  const cfg = { ...DEFAULT_CONFIG, ...options };
  const { model, guide } = vae(cfg);
  const N = x.shape[0] as number;
  const svi = new SVI(model, guide, new Adam(cfg.lr), new TraceELBO());
  const { params, losses } = svi.run(key(options.seed ?? 0), cfg.steps, x);
  const evalSvi = new SVI(
    model,
    guide,
    new Adam(cfg.lr),
    new TraceELBO({ numParticles: options.evalParticles ?? 200 }),
  );
  const st = evalSvi.initWith(key(100 + (options.seed ?? 0)), [x], params);
  const elboPerPoint = -evalSvi.evaluate(st, x) / N;
  const enc = encoder(cfg.hidden, cfg.zDim);
  const dec = decoder(cfg.hidden, x.shape[1] as number);
  const { loc } = enc.apply(moduleParams(params, "encoder", enc, { inputShape: x.shape }), x);
  const recon = dec.apply(moduleParams(params, "decoder", dec, { inputShape: [N, cfg.zDim] }), loc);
  const reconError = mean(abs(x.sub(recon))).item();
  return { params, losses: Array.from(losses, (l) => l / N), elboPerPoint, reconError };
}

/** Fits the VAE on simulated images and prints the ELBO and the reconstruction error. */
export async function main(options: Partial<VaeConfig> & { quiet?: boolean } = {}): Promise<VaeFit> {
  const x = simulate();
  const r = fit(x, options);
  if (!options.quiet) {
    console.log(
      `ELBO per image: ${r.elboPerPoint.toFixed(3)} (collapsed solution: ${(-16 * Math.LN2).toFixed(3)})`,
    );
    console.log(`reconstruction error: ${r.reconError.toFixed(3)} (pixel flip rate 0.1)`);
  }
  return r;
}

runIfMain(import.meta, main);
