/**
 * Model-level `scan` (NumPyro's `numpyro.contrib.control_flow.scan`): a recursion over time whose body may
 * contain `sample` and `deterministic` sites, compiled as one loop by `@phlox/tensor`'s `scan`.
 */
import type { Distribution } from "@phlox/distributions";
import * as T from "@phlox/tensor";
import { type ScanEnumInfo, ScanEnumPlan, type ScanEnumReducer, tensorTree } from "../enum/scan-enum.js";
import { Block } from "../handlers/block.js";
import { Seed } from "../handlers/seed.js";
import { TraceMessenger } from "../handlers/trace.js";
import { HandlerError } from "../internal/errors.js";
import { type Key, split2, type Tensor } from "../internal/ops.js";
import { fmtShape } from "../internal/util.js";
import { type CondIndepStackFrame, type InferConfig, Message, type MessageType } from "../message.js";
import { type Messenger, Messenger as MessengerBase } from "../messenger.js";
import { Plate } from "../primitives/plate.js";
import { applyStack, handlerStack, stackIsEmpty } from "../stack.js";
import { CONTROL_FLOW, type ScanStepContext, scanHandlers } from "./scan-context.js";
import { ScannedDistribution } from "./scanned-distribution.js";

/** Options of the model-level {@link scan}. */
export interface ModelScanOptions {
  /** Number of steps; required when `xs` is null. */
  readonly length?: number;
  /** Run the steps last to first. Default false. */
  readonly reverse?: boolean;
  /**
   * NumPyro's `history`: how many previous steps enumerated discrete sites may depend on. It changes nothing
   * for a body without enumerated sites (any non-negative integer is accepted then, as in NumPyro); with
   * enumerated sites (under `enumerate`, which sums them out step by step) it must be at least 1, and the
   * carry may hold their values of the last `history` steps (a chain of order `history`, K^history states).
   */
  readonly history?: number;
}

/** @internal What the body's trace says about one site (shapes and support; values and log densities are stacked). */
export interface SiteMeta {
  name: string;
  type: MessageType;
  fn: Distribution | null;
  isObserved: boolean;
  infer: InferConfig;
  condIndepStack: CondIndepStackFrame[];
  sampleShape: readonly number[];
}

/** Thrown by the discovery pass once it has seen which per-step values the body reads. */
class Discovered {
  constructor(
    readonly ids: Map<string, Tensor>,
    readonly carry: unknown,
    readonly fused: readonly Tensor[] | null,
  ) {}
}

/** The plan of an enumerated scan whose steps a reducer folds inside the loop (else null). */
function fusedPlan(msg: Message): ScanEnumPlan | null {
  const p = msg.infer.scanEnumPlan;
  return p instanceof ScanEnumPlan && p.reducer !== null && p.chains.size > 0 ? p : null;
}

/** One step's sample sites of an enumerated scan body, as a {@link ScanEnumReducer} reads them. */
function stepSites(plan: ScanEnumPlan, r: BodyResult): Message[] {
  const out: Message[] = [];
  const info = plan.info(1);
  const enumDims = plan.enumDims();
  let lp = 0;
  r.meta.forEach((m, k) => {
    if (m.type !== "sample" || m.fn === null) return;
    const value = r.values[k] as Tensor;
    const logProb = plan.padLogProb(r.logProbs[lp++] as Tensor, m.name);
    const site = new Message("sample", m.name);
    site.value = value;
    site.fn = new ScannedDistribution(m.name, m.fn, null, value, logProb, m.sampleShape);
    site.isObserved = m.isObserved;
    site.infer = { ...m.infer, scanned: true, scanEnum: info, enumDims };
    site.condIndepStack = m.condIndepStack;
    out.push(site);
  });
  return out;
}

/** Keys for draws handlers make in the body fold these numbers into the step's key (Seed splits it instead). */
const HANDLER_DRAWS = 0x5ca7_0000;

/** Set when a sample site in the body is about to draw (it reached the bottom of the stack with no value). */
let drew = false;

/** Sits just above the body's Block: a sample site still without a value here draws with the step's key. */
class DrawSpy extends MessengerBase {
  override processMessage(msg: Message): void {
    if (msg.type === "sample" && msg.value === null) drew = true;
  }
}

/** @internal What one traced run of a control-flow body gives: its result and its sites. */
export interface BodyResult {
  out: unknown;
  meta: SiteMeta[];
  values: Tensor[];
  logProbs: Tensor[];
}

/**
 * @internal Runs `thunk` under block + trace (+ seed with `subkey`) and the in-body handlers, collecting
 * its sample and deterministic sites with their log densities.
 */
export function runBody(
  thunk: () => unknown,
  subkey: Key | null,
  factories: ReturnType<typeof scanHandlers>,
  ctx: ScanStepContext,
): BodyResult {
  const tr = new TraceMessenger();
  const ms: Messenger[] = [new Block(), new DrawSpy(), tr];
  if (subkey !== null) ms.push(new Seed(subkey));
  // factories are listed innermost handler first: push the outermost first to keep the nesting
  for (let k = factories.length - 1; k >= 0; k--) {
    const m = (factories[k] as (c: ScanStepContext) => Messenger | null)(ctx);
    if (m !== null) ms.push(m);
  }
  const enter = (k: number): unknown => {
    if (k === ms.length) return thunk();
    return (ms[k] as Messenger).run(() => enter(k + 1));
  };
  const out = enter(0);
  const meta: SiteMeta[] = [];
  const values: Tensor[] = [];
  const logProbs: Tensor[] = [];
  for (const site of tr.trace.values()) {
    if (site.type !== "sample" && site.type !== "deterministic") continue;
    if (site.value === null) continue;
    meta.push({
      name: site.name,
      type: site.type,
      fn: site.fn,
      isObserved: site.isObserved,
      infer: { ...site.infer },
      condIndepStack: site.condIndepStack.slice(),
      sampleShape: site.sampleShape,
    });
    values.push(site.value);
    if (site.type === "sample" && site.fn !== null) {
      let lp = site.fn.logProb(site.value);
      const s = site.scale;
      if (s !== null && s !== 1) lp = T.mul(lp, s);
      logProbs.push(lp);
    }
  }
  return { out, meta, values, logProbs };
}

/** The `[newCarry, y]` of a scan body's result, checked. */
function carryAndY(out: unknown): [unknown, unknown] {
  if (!Array.isArray(out) || out.length !== 2)
    throw new HandlerError(
      "scan-body-result",
      `scan: the body must return [newCarry, y] (an array of two), got ${Array.isArray(out) ? `an array of ${out.length}` : typeof out}.`,
    );
  return [out[0], out[1]];
}

/** @internal Re-emits a body's sites through the handler stack (stacked along `length` steps, or not: null). */
export function emitSites(
  meta: SiteMeta[],
  values: Tensor[],
  logProbs: Tensor[],
  length: number | null,
  extra: InferConfig = {},
): void {
  let lp = 0;
  meta.forEach((m, k) => {
    const site = new Message(m.type, m.name);
    const value = values[k] as Tensor;
    site.value = value;
    if (m.type === "sample" && m.fn !== null) {
      site.fn = new ScannedDistribution(m.name, m.fn, length, value, logProbs[lp++] as Tensor, m.sampleShape);
      site.isObserved = m.isObserved;
    }
    site.infer = { ...m.infer, ...extra, scanned: true };
    site.condIndepStack = m.condIndepStack;
    applyStack(site);
  });
}

/**
 * Scans `f` over the leading axis of `xs` with a carry, inside a model (NumPyro's
 * `numpyro.contrib.control_flow.scan`): `[carry, y_t] = f(carry, x_t)`. Sample and deterministic sites in
 * the body appear once in the model's trace, with a leading time axis of `length` (values `[T, ...]`,
 * log densities summed per step). The body is traced once and compiled as one JavaScript loop, so a model
 * with a recursion over T steps costs one loop, not T copies of the body. It works under `seed` (each step
 * gets its own key), `trace`, `substitute`/`condition` (a value with a leading axis of `length` is sliced
 * per step; a sample site's series of fewer steps gives the first steps and the rest are drawn, as in
 * NumPyro), `mask`, `scale`, `reparam`, and in `initializeModel`/NUTS/HMC, `Predictive`,
 * `logLikelihood` and SVI. Put `plate`s inside `f`: a scan inside a plate is an error, as in NumPyro.
 * Under `enumerate` (NUTS, `TraceEnumELBO`, `inferDiscrete` on a model with discrete sites), the body's
 * discrete latent sites are enumerated as a first-order chain (NumPyro's `scan_enum`): each takes its support
 * along a dimension of its own, the carry holds the previous step's values along another, and `@phlox/infer`
 * sums them out with a forward recursion compiled as one loop.
 * @param f - `(carry, x) => [newCarry, y]`; the new carry must match `init` in structure, shapes and dtypes.
 * @param init - the initial carry (a pytree of tensors).
 * @param xs - per-step inputs with a leading axis of `length`, or null.
 * @param options - `length`, `reverse`, `history` (see {@link ModelScanOptions}).
 * @returns `[finalCarry, ys]` with the `y_t` stacked along a new leading axis.
 * @throws HandlerError (`scan-history`) for a negative or fractional `history`, or `history` 0 with
 *   enumerated sites; (`scan-enum-history`) for a carry that depends on an enumerated value `history` steps
 *   back; (`scan-in-plate`) inside a plate; the errors of `@phlox/tensor`'s `scan`
 *   for mismatched carries, unequal xs lengths and JS `if`s on traced values.
 * @example
 * const model = (y: Tensor) => {
 *   const [, xs] = scan((x: Tensor, yt: Tensor) => {
 *     const xt = sample("x", new Normal(x, 1));
 *     sample("y", new Normal(xt, 1), { obs: yt });
 *     return [xt, xt];
 *   }, tensor(0), y);
 *   return xs;
 * };
 * trace(seed(model, 0)).getTrace(tensor([0.5, 1, 1.5])).get("x")?.value?.shape; // → [3]
 */
export function scan<C, X, Y>(
  f: (carry: C, x: X) => readonly [C, Y] | [C, Y],
  init: C,
  xs: X | null = null,
  options: ModelScanOptions = {},
): [C, Y] {
  const history = options.history ?? 1;
  if (!Number.isInteger(history) || history < 0)
    throw new HandlerError("scan-history", `scan: history must be a non-negative integer, got ${history}.`);
  if (handlerStack.some((m) => m instanceof Plate))
    throw new HandlerError(
      "scan-in-plate",
      "scan: called inside a plate. As in NumPyro, aligning the time axis with an enclosing plate is " +
        'ambiguous and not supported: put the plate inside the body, e.g. scan((c, x) => plate("N", 10, () => f(c, x)), init, xs).',
    );
  const tensorOpts = { length: options.length, reverse: options.reverse, name: "scan" };
  if (stackIsEmpty()) return T.scan(f, init, xs, tensorOpts) as [C, Y];
  const msg = new Message(CONTROL_FLOW, "");
  msg.infer.scanHistory = history;
  applyStack(msg);
  const factories = scanHandlers(msg);
  const xsLeaves = T.treeFlatten(xs).leaves;
  const length = options.length ?? (xsLeaves[0]?.shape[0] as number | undefined);
  if (length === undefined)
    throw new HandlerError("scan-length", "scan: pass xs with a leading axis or options.length.");
  const index = T.arange(0, length, 1, "int32");
  const fn = f as (carry: unknown, x: unknown) => unknown;

  // Pass 1: trace the body once to learn which per-step values the handlers read (they become xs).
  const ids = new Map<string, Tensor>();
  let outCarry: unknown = null;
  let fusedAvals: readonly Tensor[] | null = null;
  drew = false;
  const discover = (carry0: unknown): void => {
    try {
      T.scan(
        (wc: { key?: Tensor; carry: unknown }, wx: { xs: unknown; index: Tensor }) => {
          const sub = wc.key === undefined ? null : split2(wc.key)[1];
          let draws = 0;
          const ctx: ScanStepContext = {
            index: wx.index,
            length,
            step: (id, full) => {
              ids.set(id, full);
              return T.zeros(full.shape.slice(1), full.dtype);
            },
            drawKey: () => {
              drew = true;
              return sub === null ? null : T.foldIn(sub, HANDLER_DRAWS + draws++);
            },
          };
          const r = runBody(() => fn(wc.carry, wx.xs), sub, factories, ctx);
          const fp = fusedPlan(msg);
          const st =
            fp === null ? null : (fp.reducer as ScanEnumReducer).step(stepSites(fp, r), null, wx.index);
          throw new Discovered(ids, carryAndY(r.out)[0], st);
        },
        msg.key === null ? { carry: carry0 } : { key: msg.key, carry: carry0 },
        { xs, index },
        tensorOpts,
      );
    } catch (e) {
      if (!(e instanceof Discovered)) throw e;
      outCarry = e.carry;
      fusedAvals = e.fused;
    }
  };
  discover(init);
  // Enumerated discrete sites in the body: the carry holds the previous step's enumerated values.
  const planned = msg.infer.scanEnumPlan;
  const plan = planned instanceof ScanEnumPlan && planned.chains.size > 0 ? planned : null;
  let carryInit: unknown = init;
  let carryShapes: number[][] = [];
  if (plan !== null) {
    if (history === 0) {
      const first = [...plan.chains.keys()][0];
      throw new HandlerError(
        "scan-history",
        `scan: history 0 with the enumerated site "${first}": under enumeration a scan's discrete sites form a ` +
          `Markov chain, which needs history ≥ 1 (how many steps back a step's sites may depend on).`,
      );
    }
    if (options.reverse === true) {
      throw new HandlerError(
        "scan-enum-reverse",
        `scan: reverse with the enumerated site "${[...plan.chains.keys()][0]}": enumeration through scan runs ` +
          "the steps forwards. Reverse xs yourself and scan forwards, or write the loop over markov(range).",
      );
    }
    const initFlat = T.treeFlatten(tensorTree(init));
    const initLeaves = initFlat.leaves;
    // with history h, a carry leaf may take its enumerated axes only after up to h steps: trace again until
    // the carry's shapes settle
    for (let pass = 0; ; pass++) {
      const outLeaves = T.treeFlatten(tensorTree(outCarry)).leaves;
      const shapes = plan.carryShapes(initLeaves, outLeaves);
      const settled = shapes.every((sh, i) => fmtShape(sh) === fmtShape(carryShapes[i] ?? []));
      carryShapes = shapes;
      carryInit = T.treeUnflatten(
        initFlat.treedef,
        initLeaves.map((a, i) => {
          const dt = (outLeaves[i] as Tensor).dtype;
          const b = T.broadcastTo(a, carryShapes[i] as number[]);
          return b.dtype === dt ? b : T.cast(b, dt);
        }),
      );
      if (settled || pass >= history) break;
      discover(carryInit);
    }
  }
  const fused = plan !== null && fusedAvals !== null ? plan : null;
  const fusedInit = (fusedAvals as readonly Tensor[] | null)?.map((a) => T.zeros(a.shape, a.dtype)) ?? [];
  // Carry a key only when some site draws: split per step is a traced threefry, not free.
  const key = drew ? msg.key : null;
  const stepIds = [...ids.keys()];
  const fulls = [...ids.values()];

  // Pass 2: the scan itself.
  let meta: SiteMeta[] = [];
  const [wcFinal, outs] = T.scan(
    (
      wc: { key?: Tensor; carry: unknown; fused?: Tensor[] },
      wx: { xs: unknown; index: Tensor; steps: Tensor[] },
    ) => {
      let next: Tensor | undefined;
      let sub: Tensor | null = null;
      if (wc.key !== undefined) [next, sub] = split2(wc.key);
      let draws = 0;
      const ctx: ScanStepContext = {
        index: wx.index,
        length,
        drawKey: () => (sub === null ? null : T.foldIn(sub, HANDLER_DRAWS + draws++)),
        step: (id) => {
          const j = stepIds.indexOf(id);
          if (j < 0)
            throw new HandlerError(
              "scan-step-value",
              `scan: a handler read the per-step value "${id}" only on the second trace of the body; handlers must read the same values every time.`,
            );
          return wx.steps[j] as Tensor;
        },
      };
      const r = runBody(() => fn(wc.carry, wx.xs), sub, factories, ctx);
      let [c, y] = carryAndY(r.out);
      meta = r.meta;
      if (plan !== null) {
        const flat = T.treeFlatten(tensorTree(c));
        c = T.treeUnflatten(
          flat.treedef,
          flat.leaves.map((a, i) => plan.fitCarry(a, carryShapes[i] as number[], i)),
        );
        let s = 0;
        r.logProbs = r.logProbs.map((lp) => {
          while (meta[s]?.type !== "sample" || meta[s]?.fn === null) s++;
          return plan.padLogProb(lp, (meta[s++] as SiteMeta).name);
        });
      }
      const wcOut: { key?: Tensor; carry: unknown; fused?: Tensor[] } =
        next === undefined ? { carry: c } : { key: next, carry: c };
      if (fused !== null && wc.fused !== undefined)
        wcOut.fused = (fused.reducer as ScanEnumReducer).step(stepSites(fused, r), wc.fused, wx.index);
      return [wcOut, { y, values: r.values, logProbs: r.logProbs }];
    },
    {
      ...(key === null ? { carry: carryInit } : { key, carry: carryInit }),
      ...(fused === null ? {} : { fused: fusedInit }),
    },
    { xs, index, steps: fulls },
    tensorOpts,
  );
  const stacked = outs as unknown as { y: Y; values: Tensor[]; logProbs: Tensor[] };
  const carry = (wcFinal as { carry: unknown }).carry as C;
  if (plan === null) emitSites(meta, stacked.values, stacked.logProbs, length);
  else {
    const finalState = (wcFinal as { fused?: Tensor[] }).fused;
    const info: ScanEnumInfo =
      fused === null || finalState === undefined
        ? plan.info(length)
        : { ...plan.info(length), fused: { reducer: fused.reducer as ScanEnumReducer, state: finalState } };
    const enumDims = [...plan.enumDims(), { name: info.time, dim: info.timeDim, size: length }];
    emitSites(meta, stacked.values, stacked.logProbs, length, { scanEnum: info, enumDims });
  }
  return [carry, stacked.y];
}
