/**
 * NumPyro's `local_guide` for `AutoSemiDAIS`: a guide function over the local latent sites whose draws, under
 * the minibatch's plate indices, start each row's DAIS chain (instead of the learned Normal base
 * `z_0_loc`/`z_0_scale`). Its `param` sites join the guide's parameters (unconstrained by `bijectTo` of their
 * constraints); its log density at an unconstrained row vector z is −(B/N)·potential(local guide) — NumPyro's
 * `base_z_dist_log_prob`: the guide's potential on the minibatch (plate-scaled by N/B, Jacobians included)
 * divided by that scale.
 */
import { bijectTo, type Constraint, type Distribution, real, type Transform } from "@phlox/distributions";
import { block, type Message, Messenger, seed, substitute, trace } from "@phlox/handlers";
import { constrainFn, potentialEnergy } from "@phlox/infer";
import {
  ConstraintError,
  concatenate,
  grad,
  PhloxError,
  reshape,
  ShapeError,
  slice,
  type Tensor,
  tensor,
  transpose,
} from "@phlox/tensor";

import { type GlobalSite, type LocalSite, unpackLocal } from "./semi-dais-chain.js";

type Fn = (...a: readonly unknown[]) => unknown;

/** A parameter of the local guide: its place in the local guide's block of the flat vector. */
export interface LocalGuideParam {
  name: string;
  /** Constrained shape (as initialised by the guide). */
  shape: number[];
  /** Unconstrained shape. */
  uShape: number[];
  offset: number;
  size: number;
  transform: Transform;
  constraint: Constraint;
}

/** The local guide's parameters, found by one traced run (NumPyro's `prototype_local_guide_trace`). */
export interface LocalGuideInfo {
  fn: Fn;
  params: LocalGuideParam[];
  /** Names of the guide's latent sample sites. */
  latent: string[];
  size: number;
  /** Initial unconstrained values, `size` numbers. */
  init: Float64Array;
}

/** The chain's starting point: z₀ `[B, D]`, log q(z₀), and ∇ log q. */
export interface ChainBase {
  z0: Tensor;
  logq0: Tensor;
  gradLogq: (z: Tensor) => Tensor;
}

/** Draws the guide's latent sites with `rsample` where the distribution has one (so gradients flow). */
class Rsample extends Messenger {
  override processMessage(msg: Message): void {
    if (msg.type !== "sample" || msg.value !== null || msg.key === null || msg.fn === null || msg.isObserved)
      return;
    const fn = msg.fn as Distribution;
    if (fn.hasRsample) msg.value = fn.rsample(msg.key, msg.sampleShape);
  }
}

/** Traces the local guide once (seeded, blocked) and lays out its `param` sites. */
export function prototypeLocalGuide(fn: Fn, args: readonly unknown[], key: Tensor): LocalGuideInfo {
  let inner: Iterable<Message> = [];
  block(() => {
    inner = trace(seed(() => fn(...args), key))
      .getTrace()
      .values() as Iterable<Message>;
  })();
  const params: LocalGuideParam[] = [];
  const chunks: Float64Array[] = [];
  const latent: string[] = [];
  let offset = 0;
  for (const m of inner) {
    if (m.type === "sample" && !m.isObserved) latent.push(m.name);
    if (m.type !== "param" || m.value === null) continue;
    const constraint = (m.constraint ?? null) as Constraint | null;
    const transform = bijectTo(constraint ?? real);
    const u = transform.inverse(m.value);
    const data = Float64Array.from(u.dataSync() as ArrayLike<number>);
    params.push({
      name: m.name,
      shape: [...m.value.shape],
      uShape: [...u.shape],
      offset,
      size: data.length,
      transform,
      constraint: constraint ?? real,
    });
    chunks.push(data);
    offset += data.length;
  }
  const init = new Float64Array(offset);
  let o = 0;
  for (const c of chunks) {
    init.set(c, o);
    o += c.length;
  }
  return { fn, params, latent, size: offset, init };
}

/** The constrained local guide parameters from their unconstrained block `u`. */
export function localGuideParams(info: LocalGuideInfo, u: Tensor): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const p of info.params)
    out[p.name] = reshape(
      p.transform.forward(reshape(slice(u, [p.offset], [p.offset + p.size]), p.uShape)),
      p.shape,
    );
  return out;
}

/** Row vectors `[B, D]` from the local sites' unconstrained values (the inverse of `unpackLocal`). */
function packLocal(sites: readonly LocalSite[], B: number, values: Record<string, Tensor>): Tensor {
  const cols: Tensor[] = [];
  for (const l of sites) {
    const v = values[l.name];
    if (v === undefined)
      throw new PhloxError(
        "autoguide-semidais-local-guide",
        `AutoSemiDAIS: the localGuide does not sample the local latent site "${l.name}"; it must draw every ` +
          "latent site of the subsampled plate.",
      );
    if (v.shape.length !== l.shape.length || v.shape.some((d, i) => d !== l.shape[i]))
      throw new ShapeError(
        "autoguide-semidais-local-guide",
        `AutoSemiDAIS: the localGuide's site "${l.name}" has unconstrained shape [${v.shape}] under the ` +
          `minibatch, the model's has [${l.shape}]; draw it under the same plate (size ${B} on the minibatch).`,
      );
    const perm = [l.axis, ...l.shape.map((_, i) => i).filter((i) => i !== l.axis)];
    cols.push(reshape(transpose(v, perm), [B, l.rowSize]));
  }
  return cols.length === 1 ? cols[0] : concatenate(cols, 1);
}

/**
 * The base of the chain from the local guide at unconstrained parameters `u` (its block), on the minibatch
 * `idx` of plate `plateName` (size N, minibatch B), the guide's args `args` and PRNG key `key`.
 */
export function localGuideBase(
  info: LocalGuideInfo,
  sites: readonly LocalSite[],
  plateName: string,
  N: number,
  B: number,
  args: readonly unknown[],
  u: Tensor,
  idx: Tensor,
  key: Tensor,
): ChainBase {
  const params = localGuideParams(info, u);
  const guide = (): unknown =>
    substitute(
      substitute(() => info.fn(...args), params),
      { [plateName]: idx },
    )();
  const draws = trace(() => new Rsample().run(() => seed(guide, key)())).getTrace();
  const latent: Record<string, Tensor> = {};
  for (const m of draws.values() as Iterable<Message>) {
    if (m.type !== "sample" || m.isObserved || m.value === null || m.fn === null) continue;
    latent[m.name] = bijectTo((m.fn as Distribution).support).inverse(m.value);
  }
  checkLocalGuideSites(Object.keys(latent), sites, plateName);
  const z0 = packLocal(sites, B, latent);
  const logq = (z: Tensor): Tensor =>
    potentialEnergy(guide as (...a: unknown[]) => unknown, [], unpackLocal(sites, B, z)).mul(-B / N);
  return { z0, logq0: logq(z0), gradLogq: grad(logq) as (z: Tensor) => Tensor };
}

/**
 * Checks constrained values for the local guide's parameters and writes their unconstrained values into `u`
 * at `base` (used by `unconstrainParams`).
 * @throws ShapeError for a wrong size; ConstraintError for a value outside the parameter's support.
 */
export function unconstrainLocalGuideParam(
  p: LocalGuideParam,
  data: ArrayLike<number>,
  u: Float64Array,
  base: number,
): void {
  const who = "AutoSemiDAIS.unconstrainParams";
  if (data.length !== p.size)
    throw new ShapeError(
      "autoguide-param-shape",
      `${who}: parameter "${p.name}" must have shape [${p.shape}] (${p.size} values), got ${data.length}.`,
    );
  const t = tensor(Float64Array.from(data), { shape: p.shape });
  const ok = p.constraint.check(t).dataSync() as ArrayLike<number | boolean>;
  for (let i = 0; i < ok.length; i++)
    if (!ok[i])
      throw new ConstraintError(
        "autoguide-param-value",
        `${who}: parameter "${p.name}" has a value outside its constraint (element ${i}).`,
      );
  u.set(p.transform.inverse(t).dataSync() as ArrayLike<number>, base + p.offset);
}

/**
 * The local guide's arguments as a function of the global latent vector z_g (NumPyro's `local_args`): the
 * global model's return value with its sites set to z_g (constrained), or the model's `args` without a
 * global guide; `null` for z_g draws the global model once (for the prototype trace).
 */
export function localGuideArgs(
  globalModel: unknown,
  globalSites: readonly GlobalSite[],
  args: readonly unknown[],
  key: Tensor,
): (zg: Tensor | null) => readonly unknown[] {
  if (typeof globalModel !== "function") return () => args;
  const gm = globalModel as (...a: unknown[]) => unknown;
  return (zg) => {
    if (zg === null) return [block(seed(() => gm(...args), key))()];
    const unc: Record<string, Tensor> = {};
    for (const s of globalSites) unc[s.name] = reshape(slice(zg, [s.offset], [s.offset + s.size]), s.shape);
    const cons = constrainFn(gm, [...args], unc);
    return [block(substitute(() => gm(...args), cons))()];
  };
}

/**
 * Checks that the local guide samples exactly the local latent sites of the subsampled plate.
 * @throws PhloxError (`autoguide-semidais-local-guide`) naming the extra or missing site.
 */
export function checkLocalGuideSites(
  latent: readonly string[],
  sites: readonly LocalSite[],
  plateName: string,
): void {
  const names = sites.map((s) => `"${s.name}"`).join(", ");
  for (const name of latent)
    if (!sites.some((s) => s.name === name))
      throw new PhloxError(
        "autoguide-semidais-local-guide",
        `AutoSemiDAIS: the localGuide samples "${name}", which is not a local latent site of the subsampled ` +
          `plate "${plateName}" (those are ${names}).`,
      );
  for (const s of sites)
    if (!latent.includes(s.name))
      throw new PhloxError(
        "autoguide-semidais-local-guide",
        `AutoSemiDAIS: the localGuide does not sample the local latent site "${s.name}"; it must draw every ` +
          `latent site of the subsampled plate "${plateName}" (${names}).`,
      );
}
