/**
 * Model-level `cond` (NumPyro's `numpyro.contrib.control_flow.cond`): branch on a possibly traced predicate
 * with sample sites inside the branches, compiled as one `cond` primitive.
 */
import * as T from "@phlox/tensor";
import { HandlerError } from "../internal/errors.js";
import type { Tensor, TensorLike } from "../internal/ops.js";
import { Message } from "../message.js";
import { applyStack, stackIsEmpty } from "../stack.js";
import { emitSites, runBody, type SiteMeta } from "./scan.js";
import { CONTROL_FLOW, type ScanStepContext, scanHandlers } from "./scan-context.js";

/**
 * Applies `trueFn(...operands)` when `pred` holds, else `falseFn(...operands)`, inside a model (NumPyro's
 * `numpyro.contrib.control_flow.cond`). Both branches are traced and must have the same sample and
 * deterministic sites (names, shapes) and return the same structure; the chosen branch's values and log
 * densities appear in the trace, so the branch may depend on a latent value under NUTS.
 * @throws HandlerError (`cond-sites`) when the branches have different sites.
 * @example
 * const model = () => {
 *   const c = sample("c", new Normal(0, 1));
 *   cond(c.gt(0), () => sample("x", new Normal(4, 1)), () => sample("x", new Normal(0, 1)));
 * };
 * trace(seed(model, 0)).getTrace().get("x")?.value?.shape; // → []
 */
export function cond<R>(
  pred: TensorLike,
  trueFn: (...operands: never[]) => R,
  falseFn: (...operands: never[]) => R,
  ...operands: unknown[]
): R {
  if (stackIsEmpty()) return T.cond(pred, trueFn, falseFn, ...operands);
  const msg = new Message(CONTROL_FLOW, "");
  applyStack(msg);
  const factories = scanHandlers(msg);
  const ctx: ScanStepContext = {
    index: T.tensor(0, { dtype: "int32" }),
    length: -1,
    step: (_id, full) => full,
    drawKey: () => null,
  };
  const metas: SiteMeta[][] = [[], []];
  const branch =
    (fn: (...ops: never[]) => R, k: number) =>
    (...ops: unknown[]): unknown => {
      const r = runBody(() => (fn as (...a: unknown[]) => R)(...ops), msg.key, factories, ctx);
      metas[k] = r.meta;
      return [r.out, r.values, r.logProbs];
    };
  const [out, values, logProbs] = T.cond(pred, branch(trueFn, 1), branch(falseFn, 0), ...operands) as [
    R,
    Tensor[],
    Tensor[],
  ];
  const names = metas.map((m) => m.map((s) => `${s.type}:${s.name}`).join(", "));
  if (names[0] !== names[1])
    throw new HandlerError(
      "cond-sites",
      `cond: the branches must have the same sample and deterministic sites; the true branch has [${names[1]}], the false branch [${names[0]}].`,
    );
  emitSites(metas[1] as SiteMeta[], values, logProbs, null);
  return out;
}
