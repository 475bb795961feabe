/** AutoSemiDAIS's prototype: the subsample plate, the local and global sites, and the parameter layout. */
import { type Message, seed, substitute, trace } from "@phlox/handlers";
import { initializeModel, potentialEnergy } from "@phlox/infer";
import { PhloxError, reshape, slice, type Tensor, tensor } from "@phlox/tensor";
import type { GuideSetup } from "@phlox/vi";
import type { Bound } from "../auto-guide-types.js";
import type { AutoSemiDAIS } from "../auto-semi-dais.js";
import type { ParamSpec } from "./family.js";
import {
  type ChainShape,
  chainInit,
  chainOffsets,
  chainSpecs,
  type GlobalSite,
  type LocalSite,
  unpackLocal,
} from "./semi-dais-chain.js";
import {
  type ChainBase,
  checkLocalGuideSites,
  type LocalGuideInfo,
  localGuideArgs,
  localGuideBase,
  prototypeLocalGuide,
} from "./semi-dais-local-guide.js";

/** A model or guide function of any arguments. */
export type AnyModel = (...a: never[]) => unknown;

/** What AutoSemiDAIS keeps after `setup`: the plate, the sites, the parameter layout and the potential. */
export interface SemiDAISState {
  args: readonly unknown[];
  shape: ChainShape;
  plateName: string;
  full: boolean;
  global: Bound | null;
  globalSetup: GuideSetup | null;
  numGlobal: number;
  globalNoise: number;
  dimGlobal: number;
  numLocal: number;
  localSpecs: ParamSpec[];
  localSites: LocalSite[];
  globalSites: GlobalSite[];
  u0: Float64Array;
  /** The local guide (its parameters follow the chain's in the local block, from `chainSize`). */
  localGuide: LocalGuideInfo | null;
  chainSize: number;
  base: ((key: Tensor) => (u: Tensor, zg: Tensor, idx: Tensor) => ChainBase) | null;
  U: (zg: Tensor, zl: Tensor, idx: Tensor) => Tensor;
  withIndices: (idx: Tensor) => AnyModel;
}

/**
 * Finds the subsample plate and the local sites (NumPyro's `_setup_prototype`), sets up the global guide and
 * lays out the parameters, for `guide`'s settings at key `k` and the model's `args`.
 */
export function semiDaisPrototype(
  guide: AutoSemiDAIS,
  k: Uint32Array,
  args: readonly unknown[],
): SemiDAISState {
  const call = guide.model as (...a: readonly unknown[]) => unknown;
  const kt = tensor(Uint32Array.of(k[0], k[1]), { dtype: "uint32" });
  const tr = trace(seed(() => call(...args), kt)).getTrace();
  const all = [...(tr.values() as Iterable<Message>)];
  const plates = all.filter((m) => m.type === "plate");
  let sub = plates.filter((m) => m.args[1] < m.args[0]);
  if (guide.subsamplePlate !== undefined) {
    const p = plates.find((m) => m.name === guide.subsamplePlate);
    if (p === undefined)
      throw new PhloxError(
        "autoguide-semidais-plates",
        `AutoSemiDAIS: the model has no plate named "${guide.subsamplePlate}" (subsamplePlate).`,
      );
    if (!sub.includes(p)) sub = [...sub, p];
  } else if (sub.length === 0) sub = plates;
  if (sub.length !== 1)
    throw new PhloxError(
      "autoguide-semidais-plates",
      `AutoSemiDAIS assumes that the model contains exactly 1 plate with data subsampling but got ${sub.length}` +
        (sub.length ? ` (${sub.map((p) => `"${p.name}"`).join(", ")})` : "") +
        "; name the one to use with subsamplePlate.",
    );
  const plateName = sub[0].name;
  const [N, B] = sub[0].args as [number, number];
  const full = B >= N;
  const localInfo = new Map<string, { axis: number }>();
  for (const m of all) {
    if (m.type !== "sample" || m.isObserved) continue;
    const f = m.condIndepStack.find((fr) => fr.name === plateName);
    if (f === undefined) continue;
    const cshape = (m.value as Tensor).shape;
    const eventDim = (m.fn as { eventDim?: number } | null)?.eventDim ?? 0;
    localInfo.set(m.name, { axis: cshape.length + f.dim - eventDim });
  }
  if (localInfo.size === 0)
    throw new PhloxError(
      "autoguide-semidais-no-local",
      `AutoSemiDAIS: there are no local variables in the \`${plateName}\` plate. AutoSemiDAIS is appropriate ` +
        "for models with local variables; use AutoDAIS or an autoguide with subsampling otherwise.",
    );
  const withIndices =
    (idx: Tensor): AnyModel =>
    (...a: readonly unknown[]) =>
      substitute(() => call(...a), { [plateName]: idx })();
  const firstIdx = tensor(
    Int32Array.from({ length: B }, (_, i) => i),
    { dtype: "int32" },
  );
  const info = initializeModel([k[0], k[1]], withIndices(firstIdx), args);
  const localSites: LocalSite[] = [];
  const globalFull: { name: string; size: number }[] = [];
  let col = 0;
  for (const l of info.layout) {
    const li = localInfo.get(l.name);
    if (li === undefined) {
      globalFull.push({ name: l.name, size: l.size });
      continue;
    }
    const rowSize = l.size / B;
    localSites.push({ name: l.name, shape: [...l.shape], axis: li.axis, rowSize, col });
    col += rowSize;
  }
  const D = col;
  let global: Bound | null = null;
  let globalSetup: GuideSetup | null = null;
  const globalSites: GlobalSite[] = [];
  if (guide.globalGuide !== null) {
    globalSetup = guide.globalGuide.setup(k, args);
    global = guide.globalGuide.composedBound("AutoSemiDAIS");
    for (const l of global.layout)
      globalSites.push({ name: l.name, shape: [...l.shape], offset: l.offset, size: l.size });
  }
  for (const g of globalFull) {
    if (!globalSites.some((s) => s.name === g.name))
      throw new PhloxError(
        "autoguide-semidais-global-latent",
        `AutoSemiDAIS: the global latent site "${g.name}" is not sampled by the global guide` +
          (guide.globalGuide === null ? " (globalGuide is null)" : "") +
          "; give a globalGuide over the global part of the model.",
      );
  }
  const shape: ChainShape = {
    N,
    B,
    D,
    K: guide.K,
    etaMax: guide.etaMax,
    sharedDynamics: guide.useGlobalDaisParams,
    ownBase: guide.localGuide === null,
  };
  const localSpecs = chainSpecs(guide.prefix, shape);
  const chainSize = chainOffsets(shape).size;
  const localArgs = localGuideArgs(guide.globalGuide?.model, globalSites, args, kt);
  let localGuide: LocalGuideInfo | null = null;
  if (guide.localGuide !== null)
    localGuide = prototypeLocalGuide(
      guide.localGuide as (...a: readonly unknown[]) => unknown,
      localArgs(null),
      kt,
    );
  if (localGuide) checkLocalGuideSites(localGuide.latent, localSites, plateName);
  const numLocal = chainSize + (localGuide?.size ?? 0);
  const u0 = new Float64Array(numLocal);
  chainInit(shape, guide.etaInit, guide.gammaInit, guide.initScale, u0);
  if (localGuide) u0.set(localGuide.init, chainSize);
  const base =
    localGuide === null
      ? null
      : (key: Tensor) =>
          (u: Tensor, zg: Tensor, idx: Tensor): ChainBase =>
            localGuideBase(
              localGuide,
              localSites,
              plateName,
              N,
              B,
              localArgs(zg),
              slice(u, [chainSize], [numLocal]),
              idx,
              key,
            );
  const U = (zg: Tensor, zl: Tensor, idx: Tensor): Tensor => {
    const values: Record<string, Tensor> = unpackLocal(localSites, B, zl);
    for (const s of globalSites)
      values[s.name] = reshape(slice(zg, [s.offset], [s.offset + s.size]), s.shape);
    return potentialEnergy(withIndices(idx) as (...a: unknown[]) => unknown, [...args], values);
  };
  return {
    args,
    shape,
    plateName,
    full,
    global,
    globalSetup,
    numGlobal: global?.family.numParams ?? 0,
    globalNoise: global?.family.noiseDim ?? 0,
    dimGlobal: global?.family.dim ?? 0,
    numLocal,
    localSpecs,
    localSites,
    globalSites,
    u0,
    localGuide,
    chainSize,
    base,
    U,
    withIndices,
  };
}
