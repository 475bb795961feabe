/**
 * The VJP rules of the built-in primitives, attached to them when autodiff first needs one. Each rule sits
 * beside its primitive (`primitives/*.ts`, exported as `<name>VjpRule`) but the primitive object does not
 * reference it: only this table does, and only the autodiff modules import this table, so an app that never
 * differentiates (e.g. `new Normal(0, 1).logProb(x)`) does not bundle the rules nor the ops they use.
 */
import type { Primitive, PrimitiveName, VjpRule } from "../core/primitive.js";
import { absP, absVjpRule } from "../primitives/abs.js";
import { addP, addVjpRule } from "../primitives/add.js";
import { broadcastToP, broadcastToVjpRule } from "../primitives/broadcast-to.js";
import { castP, castVjpRule } from "../primitives/cast.js";
import { choleskyP, choleskyVjpRule } from "../primitives/cholesky.js";
import { concatenateP, concatenateVjpRule } from "../primitives/concatenate.js";
import { cosP, cosVjpRule } from "../primitives/cos.js";
import { cumsumP, cumsumVjpRule } from "../primitives/cumsum.js";
import { digammaP, digammaVjpRule } from "../primitives/digamma.js";
import { divP, divVjpRule } from "../primitives/div.js";
import { erfP, erfVjpRule } from "../primitives/erf.js";
import { erfcP, erfcVjpRule } from "../primitives/erfc.js";
import { expP, expVjpRule } from "../primitives/exp.js";
import { expm1P, expm1VjpRule } from "../primitives/expm1.js";
import { gatherP, gatherVjpRule } from "../primitives/gather.js";
import { lgammaP, lgammaVjpRule } from "../primitives/lgamma.js";
import { logP, logVjpRule } from "../primitives/log.js";
import { log1pP, log1pVjpRule } from "../primitives/log1p.js";
import { logisticP, logisticVjpRule } from "../primitives/logistic.js";
import { matmulP, matmulVjpRule } from "../primitives/matmul.js";
import { maximumP, maximumVjpRule } from "../primitives/maximum.js";
import { minimumP, minimumVjpRule } from "../primitives/minimum.js";
import { mulP, mulVjpRule } from "../primitives/mul.js";
import { ndtriP, ndtriVjpRule } from "../primitives/ndtri.js";
import { negP, negVjpRule } from "../primitives/neg.js";
import { padP, padVjpRule } from "../primitives/pad.js";
import { polygammaP, polygammaVjpRule } from "../primitives/polygamma.js";
import { powP, powVjpRule } from "../primitives/pow.js";
import { reduceMaxP, reduceMaxVjpRule } from "../primitives/reduce-max.js";
import { reduceMinP, reduceMinVjpRule } from "../primitives/reduce-min.js";
import { reduceProdP, reduceProdVjpRule } from "../primitives/reduce-prod.js";
import { reduceSumP, reduceSumVjpRule } from "../primitives/reduce-sum.js";
import { reshapeP, reshapeVjpRule } from "../primitives/reshape.js";
import { rsqrtP, rsqrtVjpRule } from "../primitives/rsqrt.js";
import { scatterAddP, scatterAddVjpRule } from "../primitives/scatter-add.js";
import { selectP, selectVjpRule } from "../primitives/select.js";
import { sinP, sinVjpRule } from "../primitives/sin.js";
import { sliceP, sliceVjpRule } from "../primitives/slice.js";
import { sqrtP, sqrtVjpRule } from "../primitives/sqrt.js";
import { subP, subVjpRule } from "../primitives/sub.js";
import { tanP, tanVjpRule } from "../primitives/tan.js";
import { tanhP, tanhVjpRule } from "../primitives/tanh.js";
import { transposeP, transposeVjpRule } from "../primitives/transpose.js";
import { triangularSolveP, triangularSolveVjpRule } from "../primitives/triangular-solve.js";

let installed = false;

/**
 * Attaches each built-in primitive's VJP rule to it (as `vjp`), once; a rule set by a third party beforehand
 * stays. Autodiff calls this before it looks up a rule.
 */
export function installVjpRules(): void {
  if (installed) return;
  installed = true;
  const table: [Primitive<PrimitiveName>, VjpRule<PrimitiveName>][] = [
    [absP, absVjpRule],
    [addP, addVjpRule],
    [broadcastToP, broadcastToVjpRule],
    [castP, castVjpRule],
    [choleskyP, choleskyVjpRule],
    [concatenateP, concatenateVjpRule],
    [cosP, cosVjpRule],
    [cumsumP, cumsumVjpRule],
    [digammaP, digammaVjpRule],
    [divP, divVjpRule],
    [erfP, erfVjpRule],
    [erfcP, erfcVjpRule],
    [expP, expVjpRule],
    [expm1P, expm1VjpRule],
    [gatherP, gatherVjpRule],
    [lgammaP, lgammaVjpRule],
    [logP, logVjpRule],
    [log1pP, log1pVjpRule],
    [logisticP, logisticVjpRule],
    [matmulP, matmulVjpRule],
    [maximumP, maximumVjpRule],
    [minimumP, minimumVjpRule],
    [mulP, mulVjpRule],
    [ndtriP, ndtriVjpRule],
    [negP, negVjpRule],
    [padP, padVjpRule],
    [polygammaP, polygammaVjpRule],
    [powP, powVjpRule],
    [reduceMaxP, reduceMaxVjpRule],
    [reduceMinP, reduceMinVjpRule],
    [reduceProdP, reduceProdVjpRule],
    [reduceSumP, reduceSumVjpRule],
    [reshapeP, reshapeVjpRule],
    [rsqrtP, rsqrtVjpRule],
    [scatterAddP, scatterAddVjpRule],
    [selectP, selectVjpRule],
    [sinP, sinVjpRule],
    [sliceP, sliceVjpRule],
    [sqrtP, sqrtVjpRule],
    [subP, subVjpRule],
    [tanP, tanVjpRule],
    [tanhP, tanhVjpRule],
    [transposeP, transposeVjpRule],
    [triangularSolveP, triangularSolveVjpRule],
  ] as unknown as [Primitive<PrimitiveName>, VjpRule<PrimitiveName>][];
  for (const [prim, rule] of table) {
    if (prim.vjp === undefined) (prim as { vjp?: VjpRule<PrimitiveName> }).vjp = rule;
  }
}
