/**
 * Hand-written guides: a plain function that declares its parameters with `param` and its latent draws
 * with `sample` (NumPyro's guide callable). SVI wraps it in a {@link FunctionGuide}, whose per-particle loss
 * runs the guide and the model (replayed against the guide's draws) under the handlers, and differentiates
 * −(log p(x, z) − log q(z)) with respect to the flat unconstrained parameters by `@phlox/tensor` autodiff —
 * compiled once with `@phlox/backend-js` (the PRNG key as a non-differentiated input), eager when the
 * model or guide does not trace.
 */
import { compileValueAndGrad } from "@phlox/backend-js";
import {
  bijectTo,
  type Constraint,
  type Distribution,
  klDivergence,
  type Transform,
} from "@phlox/distributions";
import { type Message, Messenger, replay, seed, substitute, type Trace, trace } from "@phlox/handlers";
import { enumLogDensity, maxPlateNesting, siteLogProb } from "@phlox/infer";
import {
  PhloxError,
  reshape,
  slice,
  split,
  stopGradient,
  sum,
  type Tensor,
  tensor,
  valueAndGrad,
} from "@phlox/tensor";
import type { Guide, GuideSetup, Params, ParamValue, ParticleMode } from "./guide.js";
import { type KeyLike, toKeyPair } from "./random.js";

/** A guide (or model) function. */
export type GuideFn = (...args: never[]) => unknown;

interface ParamSite {
  name: string;
  shape: number[];
  uShape: number[];
  offset: number;
  size: number;
  transform: Transform | null;
}

const call = (fn: GuideFn, args: readonly unknown[]): unknown =>
  (fn as (...a: readonly unknown[]) => unknown)(...args);
const keyTensor = (k0: number, k1: number): Tensor => tensor(Uint32Array.of(k0, k1), { dtype: "uint32" });
const dataOf = (t: Tensor): Float64Array => Float64Array.from(t.dataSync() as ArrayLike<number>);
const isLatentSample = (s: Message): boolean => s.type === "sample" && !s.isObserved;

/**
 * Draws the guide's latent sites with `rsample` where the distribution has one, so the ELBO's gradient
 * flows through the draw (the reparameterisation trick; `Distribution.sample` stops gradients).
 */
class Reparameterize extends Messenger {
  override processMessage(msg: Message): void {
    if (msg.type !== "sample" || msg.value !== null || msg.key === null || msg.fn === null || msg.isObserved)
      return;
    const fn = msg.fn as Distribution;
    if (fn.hasRsample) msg.value = fn.rsample(msg.key, msg.sampleShape);
  }
}

function transformFor(site: Message): Transform | null {
  const c = site.constraint as Constraint | undefined | null;
  if (c === undefined || c === null) return null;
  const t = bijectTo(c);
  return t;
}

/** Options of {@link FunctionGuide}. */
export interface FunctionGuideOptions {
  /** Compile the loss with `@phlox/backend-js` (default true; eager autodiff when compiling fails). */
  jit?: boolean;
}

/**
 * A guide given as a function using `param` and `sample` (wrapped automatically when SVI receives a
 * function). Parameters of both the guide and the model are optimized, as in NumPyro.
 * @example
 * import { param, sample, plate } from "@phlox/handlers";
 * import { Normal, positive } from "@phlox/distributions";
 * function model(x: Tensor) {
 *   const mu = sample("mu", new Normal(0, 1));
 *   plate("data", x.shape[0], () => sample("x", new Normal(mu, 1), { obs: x }));
 * }
 * function guide() {
 *   const loc = param("loc", tensor(0));
 *   const scale = param("scale", tensor(1), { constraint: positive });
 *   sample("mu", new Normal(loc, scale));
 * }
 * const svi = new SVI(model, guide, new Adam(0.05), new TraceELBO());
 * const { params } = svi.run(key(0), 1000, x); // params.loc, params.scale
 */
export class FunctionGuide implements Guide {
  /**
   * @param model - the model function.
   * @param guide - the guide function (same arguments as the model).
   */
  constructor(
    readonly model: GuideFn,
    readonly guide: GuideFn,
    readonly options: FunctionGuideOptions = {},
  ) {}

  setup(key: KeyLike, args: readonly unknown[]): GuideSetup {
    const [k0, k1] = toKeyPair(key, "FunctionGuide.setup");
    const [kg, km] = split(keyTensor(k0, k1), 2);
    const gt = trace(seed(() => call(this.guide, args), kg)).getTrace();
    const mt = trace(
      replay(
        seed(() => call(this.model, args), km),
        gt,
      ),
    ).getTrace();
    const sites: ParamSite[] = [];
    let P = 0;
    const init: Tensor[] = [];
    for (const tr of [gt, mt]) {
      for (const s of tr.values()) {
        if (s.type !== "param" || s.value === null || sites.some((p) => p.name === s.name)) continue;
        const t = transformFor(s);
        const u = t === null ? s.value : t.inverse(s.value);
        sites.push({
          name: s.name,
          shape: [...s.value.shape],
          uShape: [...u.shape],
          offset: P,
          size: u.size,
          transform: t,
        });
        init.push(u);
        P += u.size;
      }
    }
    const u0 = new Float64Array(P);
    for (let i = 0; i < sites.length; i++) u0.set(dataOf(init[i]), sites[i].offset);
    const constrained = (u: Tensor): Record<string, Tensor> => {
      const out: Record<string, Tensor> = Object.create(null);
      for (const s of sites) {
        const v = reshape(slice(u, [s.offset], [s.offset + s.size]), s.uShape);
        out[s.name] = s.transform === null ? v : s.transform.forward(v);
      }
      return out;
    };
    const { model, guide } = this;
    // plate dimensions of the model (for enumeration, NumPyro's max_plate_nesting)
    const nesting = maxPlateNesting(mt);
    const baselines = new Map<string, number>();
    /** −ELBO for one particle; in "graph" mode plus zero-valued score-function terms. */
    const loss = (u: Tensor, k: Tensor, mode: ParticleMode, costOut?: { v: number }): Tensor => {
      const params = constrained(u);
      const [kq, kp] = split(k, 2);
      const reparam = new Reparameterize();
      const qt: Trace = trace(() =>
        reparam.run(() =>
          substitute(
            seed(() => call(guide, args), kq),
            params,
          )(),
        ),
      ).getTrace();
      if (mode === "enum") {
        // the model's log density with its unguided discrete sites summed out; guide values substituted
        const values: Record<string, Tensor> = { ...params };
        for (const q of qt.values()) if (isLatentSample(q) && q.value !== null) values[q.name] = q.value;
        let lq: Tensor = tensor(0);
        for (const q of qt.values()) {
          if (isLatentSample(q) && q.fn !== null && q.value !== null) lq = lq.add(sum(siteLogProb(q)));
        }
        const lp = enumLogDensity(model as (...a: unknown[]) => unknown, [...args], values, {
          maxPlateNesting: nesting,
        }).logJoint;
        return lq.sub(lp);
      }
      const pt: Trace = trace(
        replay(
          substitute(
            seed(() => call(model, args), kp),
            params,
          ),
          qt,
        ),
      ).getTrace();
      let elbo: Tensor = tensor(0);
      const analytic = new Set<string>();
      if (mode === "meanfield") {
        for (const q of qt.values()) {
          const p = pt.get(q.name);
          if (!isLatentSample(q) || p === undefined || p.fn === null || q.fn === null) continue;
          try {
            const kl = klDivergence(q.fn as Distribution, p.fn as Distribution);
            const s = q.scale;
            elbo = elbo.sub(sum(s === null || s === 1 ? kl : kl.mul(s)));
            analytic.add(q.name);
          } catch {
            // no closed form registered for this pair: keep the Monte Carlo terms
          }
        }
      }
      for (const s of pt.values()) {
        if (s.type === "sample" && s.fn !== null && s.value !== null && !analytic.has(s.name)) {
          elbo = elbo.add(sum(siteLogProb(s)));
        }
      }
      const scoreSites: Tensor[] = [];
      const scoreNames: string[] = [];
      for (const s of qt.values()) {
        if (!isLatentSample(s) || s.fn === null || s.value === null || analytic.has(s.name)) continue;
        const lq = sum(siteLogProb(s));
        elbo = elbo.sub(lq);
        if (mode === "graph" && !(s.fn as Distribution).hasRsample) {
          scoreSites.push(lq);
          scoreNames.push(s.name);
        }
      }
      let out = elbo.neg();
      if (scoreSites.length > 0) {
        const cost = (out.dataSync() as ArrayLike<number>)[0];
        if (costOut) costOut.v = cost;
        scoreSites.forEach((lq, i) => {
          const b = baselines.get(scoreNames[i]) ?? cost;
          // ∇[lq·(cost − b)] with value 0: the REINFORCE term with a moving-average baseline
          const term = lq.mul(cost - b);
          out = out.add(term.sub(stopGradient(term)));
          baselines.set(scoreNames[i], 0.9 * b + 0.1 * cost);
        });
      }
      return out;
    };

    const eager = (mode: ParticleMode) => {
      const vg = valueAndGrad((u: Tensor, k: Tensor) => loss(u, k, mode));
      return (u: Float64Array, grad: Float64Array, k0: number, k1: number): number => {
        const [v, g] = vg(tensor(Float64Array.from(u)), keyTensor(k0, k1)) as unknown as [Tensor, Tensor];
        grad.set(dataOf(g));
        return dataOf(v)[0];
      };
    };
    const compiled = new Map<
      ParticleMode,
      (u: Float64Array, g: Float64Array, k0: number, k1: number) => number
    >();
    const keyBuf = new Uint32Array(2);
    const fnFor = (mode: ParticleMode) => {
      let f = compiled.get(mode);
      if (f !== undefined) return f;
      const ev = eager(mode);
      f = ev;
      // "graph" mode updates baselines from concrete values, so it stays eager
      if (mode !== "graph" && P > 0 && this.options.jit !== false) {
        try {
          const c = compileValueAndGrad((u: Tensor, k: Tensor) => loss(u, k, mode), P, {
            extraInputs: [{ shape: [2], dtype: "uint32" }],
          }).fn;
          // guard: the compiled and eager losses must agree at the initial point
          const g1 = new Float64Array(P);
          const g2 = new Float64Array(P);
          keyBuf[0] = 1;
          keyBuf[1] = 2;
          const a = c(u0, g1, keyBuf);
          const b = ev(u0, g2, 1, 2);
          let same = Math.abs(a - b) <= 1e-8 * Math.max(1, Math.abs(b));
          for (let i = 0; i < P && same; i++)
            same = Math.abs(g1[i] - g2[i]) <= 1e-8 * Math.max(1, Math.abs(g2[i]));
          if (same) {
            f = (u, g, k0, k1) => {
              keyBuf[0] = k0;
              keyBuf[1] = k1;
              return c(u, g, keyBuf);
            };
          }
        } catch {
          // the guide or model does not trace (e.g. it branches on a value, or draws from a host-side
          // sampler such as gamma that reads its key): eager autodiff
        }
      }
      compiled.set(mode, f);
      return f;
    };

    const toValue = (t: Tensor): ParamValue => ({ data: dataOf(t), shape: [...t.shape] });
    return {
      numParams: P,
      noiseDim: 0,
      initialParams: () => Float64Array.from(u0),
      constrainParams(u: Float64Array): Params {
        const c = constrained(tensor(Float64Array.from(u)));
        const out: Params = {};
        for (const s of sites) out[s.name] = toValue(c[s.name]);
        return out;
      },
      unconstrainParams(p: Readonly<Params>): Float64Array {
        const u = Float64Array.from(u0);
        for (const [name, v] of Object.entries(p)) {
          const s = sites.find((x) => x.name === name);
          if (s === undefined) {
            throw new PhloxError(
              "unknown-param",
              `FunctionGuide.unconstrainParams: unknown parameter "${name}"; known: ${sites.map((x) => x.name).join(", ")}.`,
            );
          }
          const t = tensor(Float64Array.from(v.data), { shape: [...v.shape] });
          u.set(dataOf(s.transform === null ? t : s.transform.inverse(t)), s.offset);
        }
        return u;
      },
      particle(u, _eps, grad, mode, k0, k1) {
        return fnFor(mode)(u, grad, k0, k1);
      },
    };
  }
}
