/**
 * `AutoGuideList` with hand-written parts (NumPyro's `AutoGuideList.append` of a custom guide callable): the
 * custom parts run as they are, and the automatic parts (AutoNormal, AutoDelta) run in their function form over
 * the latent sites the custom parts leave, exactly as NumPyro's `AutoNormal.__call__` / `AutoDelta.__call__`
 * (per-site `<site>_<prefix>_loc` / `_scale` params, the draw pushed through `biject_to(support)`). The whole
 * list is then one guide function, optimised by `@phlox/vi`'s `FunctionGuide`.
 */
import {
  bijectTo,
  type Constraint,
  Delta,
  type Distribution,
  Normal,
  softplusPositive,
  TransformedDistribution,
} from "@phlox/distributions";
import { type Message, param, sample, seed, trace } from "@phlox/handlers";
import { ChainRandom, full, PhloxError, type Tensor, tensor } from "@phlox/tensor";
import { type GuideFn, toKeyPair } from "@phlox/vi";

/** A part of the list: a hand-written guide function, or an automatic guide in its function form. */
export type ListEntry =
  | { kind: "custom"; fn: GuideFn }
  | {
      kind: "normal" | "delta";
      name: string;
      prefix: string;
      initScale: number;
      sites: readonly string[] | null;
    }
  | { kind: "other"; name: string; sites: readonly string[] | null };

interface AutoSite {
  name: string;
  support: Constraint;
  /** Constrained (value) shape. */
  shape: number[];
  /** Initial unconstrained location. */
  uInit: Tensor;
}

const call = (fn: GuideFn, args: readonly unknown[]): unknown =>
  (fn as (...a: readonly unknown[]) => unknown)(...args);
const isLatent = (m: Message): boolean => m.type === "sample" && !m.isObserved;

function latentSites(fn: GuideFn, args: readonly unknown[], k: [number, number]): Message[] {
  const key = tensor(Uint32Array.of(k[0], k[1]), { dtype: "uint32" });
  const tr = trace(seed(() => call(fn, args), key)).getTrace();
  return [...tr.values()].filter(isLatent);
}

function subsampledPlates(fn: GuideFn, args: readonly unknown[], k: [number, number]): Set<string> {
  const key = tensor(Uint32Array.of(k[0], k[1]), { dtype: "uint32" });
  const tr = trace(seed(() => call(fn, args), key)).getTrace();
  const out = new Set<string>();
  for (const m of tr.values()) {
    const a = m.args as readonly number[] | undefined;
    if (m.type === "plate" && a !== undefined && a[1] < a[0]) out.add(m.name);
  }
  return out;
}

/**
 * Builds the list's guide function: custom parts first-come, then the automatic parts' sites.
 * @throws PhloxError when parts' sites overlap, a site is unknown or uncovered, an automatic part is not an
 *   AutoNormal/AutoDelta, or an automatic part would cover a local site of a subsampled plate.
 */
export function customListGuide(
  model: unknown,
  entries: readonly ListEntry[],
  key: Parameters<typeof toKeyPair>[0],
  args: readonly unknown[],
): GuideFn {
  if (typeof model !== "function") {
    throw new PhloxError(
      "guide-list-custom-needs-model-fn",
      "AutoGuideList: a hand-written guide part needs the model as a function (got a potential); " +
        "construct the list with the model function.",
    );
  }
  const kp = toKeyPair(key, "AutoGuideList.setup");
  const k: [number, number] = [kp[0], kp[1]];
  const owner = new Map<string, string>();
  entries.forEach((e, i) => {
    if (e.kind !== "custom") return;
    for (const m of latentSites(e.fn, args, [k[0], (k[1] + i + 1) >>> 0])) {
      const prev = owner.get(m.name);
      if (prev !== undefined) {
        throw new PhloxError(
          "guide-list-site-overlap",
          `AutoGuideList: latent site "${m.name}" is sampled by part ${i} (a guide function) and by ${prev}; ` +
            "each site must belong to exactly one part.",
        );
      }
      owner.set(m.name, `part ${i} (a guide function)`);
    }
  });
  const modelFn = model as GuideFn;
  const modelSites = latentSites(modelFn, args, k);
  const local = subsampledPlates(modelFn, args, k);
  const names = modelSites.map((m) => m.name);
  for (const [site, who] of owner) {
    if (!names.includes(site)) {
      throw new PhloxError(
        "guide-list-unknown-site",
        `AutoGuideList: ${who} samples "${site}", which is not a latent site of the model (${names.join(", ")}).`,
      );
    }
  }
  entries.forEach((e, i) => {
    if (e.kind === "custom") return;
    for (const s of e.sites ?? []) {
      if (!names.includes(s)) {
        throw new PhloxError(
          "guide-list-unknown-site",
          `AutoGuideList: site "${s}" is not a latent site of the model (${names.join(", ")}).`,
        );
      }
      const prev = owner.get(s);
      if (prev !== undefined) {
        throw new PhloxError(
          "guide-list-site-overlap",
          `AutoGuideList: latent site "${s}" is given to part ${i} (${e.name}) and sampled by ${prev}; ` +
            "each site must belong to exactly one part.",
        );
      }
      owner.set(s, `part ${i} (${e.name})`);
    }
  });
  const rng = new ChainRandom([k[0] ^ 0x5bd1e995, k[1]]);
  const parts: { entry: ListEntry; sites: AutoSite[] }[] = [];
  let restTaken = false;
  entries.forEach((e, i) => {
    if (e.kind === "custom") {
      parts.push({ entry: e, sites: [] });
      return;
    }
    let mine: Message[];
    if (e.sites === null) {
      if (restTaken)
        throw new PhloxError(
          "guide-list-two-rest",
          "AutoGuideList: only one part may omit `sites` (it takes the remaining sites).",
        );
      restTaken = true;
      mine = modelSites.filter((m) => !owner.has(m.name));
      for (const m of mine) owner.set(m.name, `part ${i} (${e.name})`);
    } else {
      const wanted = e.sites;
      mine = modelSites.filter((m) => wanted.includes(m.name));
    }
    if (mine.length === 0) return;
    if (e.kind === "other") {
      throw new PhloxError(
        "guide-list-custom-unsupported",
        `AutoGuideList: beside a hand-written guide part, automatic parts must be AutoNormal or AutoDelta ` +
          `(they run as guide functions, as in NumPyro); part ${i} is a ${e.name}.`,
      );
    }
    const sites: AutoSite[] = [];
    for (const m of mine) {
      const inLocal = m.condIndepStack.find((f) => local.has(f.name));
      if (inLocal) {
        throw new PhloxError(
          "guide-list-custom-local-site",
          `AutoGuideList: site "${m.name}" is inside the subsampled plate "${inLocal.name}" and given to part ` +
            `${i} (${e.name}); beside a hand-written part, automatic parts cover global sites only — sample ` +
            `"${m.name}" in a hand-written part (e.g. an amortised guide inside the same plate).`,
        );
      }
      const support = (m.fn as Distribution).support;
      const t = bijectTo(support);
      const v = m.value as Tensor;
      const u = t.inverse(v);
      const init = Float64Array.from({ length: u.size }, () => 4 * rng.uniform() - 2);
      sites.push({
        name: m.name,
        support,
        shape: [...v.shape],
        uInit: tensor(init, { shape: [...u.shape] }),
      });
    }
    parts.push({ entry: e, sites });
  });
  const missing = names.filter((n) => !owner.has(n));
  if (missing.length > 0) {
    throw new PhloxError(
      "guide-list-uncovered-sites",
      `AutoGuideList: no part covers the latent sites ${missing.join(", ")}; append a guide without \`sites\`.`,
    );
  }
  return (...a: never[]): void => {
    for (const { entry, sites } of parts) {
      if (entry.kind === "custom") {
        call(entry.fn, a);
        continue;
      }
      if (entry.kind === "other") continue;
      for (const s of sites) {
        const t = bijectTo(s.support);
        if (entry.kind === "normal") {
          const loc = param(`${s.name}_${entry.prefix}_loc`, s.uInit);
          const scale = param(`${s.name}_${entry.prefix}_scale`, full([...s.uInit.shape], entry.initScale), {
            constraint: softplusPositive,
          });
          const nd = s.uInit.shape.length;
          const base: Distribution = nd > 0 ? new Normal(loc, scale).toEvent(nd) : new Normal(loc, scale);
          sample(s.name, new TransformedDistribution(base, t));
        } else {
          const loc = param(`${s.name}_${entry.prefix}_loc`, t.forward(s.uInit), { constraint: s.support });
          sample(s.name, new Delta(loc, 0, s.shape.length));
        }
      }
    }
  };
}
