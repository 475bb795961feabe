/**
 * Tensor variable elimination (Pyro/NumPyro's `contract_to_tensor`, funsor's `sum_product` with plates): log
 * factors whose axes are labelled by enumerated variables and plates are multiplied (added in log space) and
 * the variables summed out with log-sum-exp (or maxed out, for MAP), plate by plate from the innermost
 * outwards. Inside one plate context the elimination order is chosen greedily: at each step the variable
 * whose elimination touches the smallest tensor goes first, so a chain (an HMM under `markov`) costs
 * O(T·K²). Everything is built from Tensor ops, so `jit` and `grad` see one differentiable program.
 */
import * as T from "@phlox/tensor";
import { PhloxError, type Tensor } from "../internal/ops.js";

/** A log factor: a tensor whose axes are named, in the order of {@link LabelOrder}. */
export interface Factor {
  readonly t: Tensor;
  /** One label per axis: an enumerated site's name or a plate's name. */
  readonly labels: readonly string[];
}

/** The dimension each label lives at (a tie is broken by name): it orders the axes of every factor. */
export type LabelOrder = ReadonlyMap<string, number>;

/** How a variable is eliminated: summed out (marginal density) or maxed out (MAP, max-product). */
export type ContractMode = "sum" | "max";

/** One elimination step, as {@link sumProduct} reports it to `record`: the variable and the product it left. */
export interface Elimination {
  readonly variable: string;
  /** The product of every factor that held the variable, before it was eliminated. */
  readonly product: Factor;
}

function compareLabels(order: LabelOrder, a: string, b: string): number {
  const d = (order.get(a) ?? 0) - (order.get(b) ?? 0);
  return d !== 0 ? d : a < b ? -1 : a > b ? 1 : 0;
}

function sizesOf(f: Factor, sizes: Map<string, number>): void {
  for (let i = 0; i < f.labels.length; i++) sizes.set(f.labels[i], f.t.shape[i]);
}

/** The product (sum of logs) of factors, broadcast over the union of their labels. */
export function productOf(fs: readonly Factor[], order: LabelOrder): Factor {
  if (fs.length === 1) return fs[0];
  const sizes = new Map<string, number>();
  for (const f of fs) sizesOf(f, sizes);
  const labels = [...sizes.keys()].sort((a, b) => compareLabels(order, a, b));
  let acc: Tensor | null = null;
  for (const f of fs) {
    const shape = labels.map((l) => (f.labels.includes(l) ? (sizes.get(l) as number) : 1));
    const same = shape.length === f.t.shape.length;
    const t = same ? f.t : T.reshape(f.t, shape);
    acc = acc === null ? t : T.add(acc, t);
  }
  const full = labels.map((l) => sizes.get(l) as number);
  const out = acc as Tensor;
  const t = out.shape.every((s, i) => s === full[i]) ? out : T.broadcastTo(out, full);
  return { t, labels };
}

/** Eliminates `vars` from a factor: log-sum-exp (mode `"sum"`) or max (mode `"max"`) over their axes. */
export function eliminate(f: Factor, vars: readonly string[], mode: ContractMode): Factor {
  const axes: number[] = [];
  f.labels.forEach((l, i) => {
    if (vars.includes(l)) axes.push(i);
  });
  if (axes.length === 0) return f;
  const t = mode === "sum" ? T.logSumExp(f.t, axes) : T.max(f.t, axes);
  return { t, labels: f.labels.filter((l) => !vars.includes(l)) };
}

/** Multiplies a factor over plates (sums its log values along their axes). */
function reducePlates(f: Factor, plates: ReadonlySet<string>): Factor {
  const axes: number[] = [];
  f.labels.forEach((l, i) => {
    if (plates.has(l)) axes.push(i);
  });
  if (axes.length === 0) return f;
  return { t: T.sum(f.t, axes), labels: f.labels.filter((l) => !plates.has(l)) };
}

const key = (s: ReadonlySet<string>): string => [...s].sort().join("\u0000");

/**
 * Eliminates variables from a set of factors that share one plate context, greedily (smallest product
 * first), and returns the factors that remain (no label of `vars` left).
 */
function eliminateGreedy(
  factors: readonly Factor[],
  vars: ReadonlySet<string>,
  order: LabelOrder,
  mode: ContractMode,
  record: ((e: Elimination) => void) | undefined,
): Factor[] {
  const live = new Map<number, Factor>();
  const holders = new Map<string, Set<number>>();
  let next = 0;
  const addFactor = (f: Factor): void => {
    const id = next++;
    live.set(id, f);
    for (const l of f.labels) if (vars.has(l)) holders.get(l)?.add(id);
  };
  for (const v of vars) holders.set(v, new Set());
  for (const f of factors) addFactor(f);
  const cost = (v: string): number => {
    const sizes = new Map<string, number>();
    for (const id of holders.get(v) as Set<number>) sizesOf(live.get(id) as Factor, sizes);
    let c = 1;
    for (const s of sizes.values()) c *= s;
    return c;
  };
  const costs = new Map<string, number>();
  for (const v of vars) costs.set(v, cost(v));
  while (costs.size > 0) {
    let best = "";
    let bestCost = Number.POSITIVE_INFINITY;
    for (const [v, c] of costs) {
      if (c < bestCost) {
        best = v;
        bestCost = c;
      }
    }
    const ids = [...(holders.get(best) as Set<number>)];
    const fs = ids.map((id) => live.get(id) as Factor);
    const product = productOf(fs, order);
    record?.({ variable: best, product });
    const touched = new Set<string>();
    for (const id of ids) {
      for (const l of (live.get(id) as Factor).labels) {
        if (l !== best && vars.has(l)) {
          holders.get(l)?.delete(id);
          touched.add(l);
        }
      }
      live.delete(id);
    }
    costs.delete(best);
    holders.delete(best);
    addFactor(eliminate(product, [best], mode));
    for (const l of touched) if (costs.has(l)) costs.set(l, cost(l));
  }
  return [...live.values()];
}

/** Connected components of factors linked by shared variables of `vars`. */
function partition(
  factors: readonly Factor[],
  vars: ReadonlySet<string>,
): { fs: Factor[]; vars: Set<string> }[] {
  const parent = factors.map((_, i) => i);
  const find = (i: number): number => {
    let r = i;
    while (parent[r] !== r) r = parent[r];
    parent[i] = r;
    return r;
  };
  const owner = new Map<string, number>();
  factors.forEach((f, i) => {
    for (const l of f.labels) {
      if (!vars.has(l)) continue;
      const o = owner.get(l);
      if (o === undefined) owner.set(l, i);
      else parent[find(i)] = find(o);
    }
  });
  const groups = new Map<number, { fs: Factor[]; vars: Set<string> }>();
  factors.forEach((f, i) => {
    const r = find(i);
    let g = groups.get(r);
    if (g === undefined) {
      g = { fs: [], vars: new Set() };
      groups.set(r, g);
    }
    g.fs.push(f);
    for (const l of f.labels) if (vars.has(l)) g.vars.add(l);
  });
  return [...groups.values()];
}

/**
 * Contracts log factors to a scalar: Σ over `sumVars` (log-sum-exp, or max in mode `"max"`) of the product
 * over `plates` of the product of the factors — funsor's `sum_product(logaddexp, add, …)` with every variable
 * and plate eliminated. A variable is local to the plates that every factor holding it shares; factors are
 * processed from the deepest plate context outwards.
 * @param factors - log factors; each one's plate labels are its plate context.
 * @param sumVars - the enumerated variables to eliminate.
 * @param plates - the plate labels.
 * @param order - the axis order of labels.
 * @param mode - `"sum"` (default) or `"max"`.
 * @param record - called with each elimination (for backward sampling / MAP decoding).
 * @returns a scalar tensor.
 * @throws PhloxError (`enum-intractable`) when a variable local to fewer plates depends on a plate in a way
 *   that cannot be contracted exactly (NumPyro's "intractable!" case).
 * @example
 * // p(z) = [0.3, 0.7], log p(y | z) = [-1, -2]: log Σ_z p(z) p(y | z)
 * const f = [
 *   { t: log(tensor([0.3, 0.7])), labels: ["z"] },
 *   { t: tensor([-1, -2]), labels: ["z"] },
 * ];
 * Math.abs(sumProduct(f, new Set(["z"]), new Set(), new Map([["z", -1]])).item() - Math.log(0.3 * Math.exp(-1) + 0.7 * Math.exp(-2))) < 1e-15; // → true
 */
export function sumProduct(
  factors: readonly Factor[],
  sumVars: ReadonlySet<string>,
  plates: ReadonlySet<string>,
  order: LabelOrder,
  mode: ContractMode = "sum",
  record?: (e: Elimination) => void,
): Tensor {
  return T.sum(contractFactors(factors, sumVars, plates, order, mode, record).t);
}

/**
 * @internal {@link sumProduct} that keeps every label that is neither in `sumVars` nor in `plates` (a plate
 * treated as a batch dimension): the result is a factor over those labels.
 */
export function contractFactors(
  factors: readonly Factor[],
  sumVars: ReadonlySet<string>,
  plates: ReadonlySet<string>,
  order: LabelOrder,
  mode: ContractMode = "sum",
  record?: (e: Elimination) => void,
): Factor {
  const varPlates = new Map<string, Set<string>>();
  const byOrdinal = new Map<string, { plates: Set<string>; fs: Factor[] }>();
  const push = (ps: Set<string>, f: Factor): void => {
    const k = key(ps);
    let g = byOrdinal.get(k);
    if (g === undefined) {
      g = { plates: ps, fs: [] };
      byOrdinal.set(k, g);
    }
    g.fs.push(f);
  };
  for (const f of factors) {
    const ps = new Set(f.labels.filter((l) => plates.has(l)));
    push(ps, f);
    for (const l of f.labels) {
      if (!sumVars.has(l)) continue;
      const cur = varPlates.get(l);
      varPlates.set(l, cur === undefined ? new Set(ps) : new Set([...cur].filter((p) => ps.has(p))));
    }
  }
  const results: Factor[] = [];
  while (byOrdinal.size > 0) {
    let leafKey = "";
    let leaf: { plates: Set<string>; fs: Factor[] } | null = null;
    for (const [k, g] of byOrdinal) {
      if (leaf === null || g.plates.size > leaf.plates.size) {
        leaf = g;
        leafKey = k;
      }
    }
    const cur = leaf as { plates: Set<string>; fs: Factor[] };
    byOrdinal.delete(leafKey);
    const leafVars = new Set<string>();
    for (const [v, ps] of varPlates) if (key(ps) === leafKey) leafVars.add(v);
    for (const group of partition(cur.fs, leafVars)) {
      const rest = eliminateGreedy(group.fs, group.vars, order, mode, record);
      const f = productOf(rest, order);
      const remaining = f.labels.filter((l) => sumVars.has(l));
      if (remaining.length === 0) {
        results.push(reducePlates(f, cur.plates));
        continue;
      }
      const newPlates = new Set<string>();
      for (const v of remaining) for (const p of varPlates.get(v) as Set<string>) newPlates.add(p);
      if (newPlates.size === cur.plates.size) {
        throw new PhloxError(
          "enum-intractable",
          `enumeration: the variables ${remaining.map((v) => `"${v}"`).join(", ")} cannot be summed out exactly ` +
            `inside plates ${[...cur.plates].map((p) => `"${p}"`).join(", ")}: an enumerated variable outside a plate ` +
            `depends on one inside it in a way tensor variable elimination cannot contract. Move the sites into the ` +
            `same plate, or do not enumerate one of them.`,
        );
      }
      const drop = new Set([...cur.plates].filter((p) => !newPlates.has(p)));
      push(newPlates, reducePlates(f, drop));
    }
  }
  if (results.length === 0) return { t: T.scalar(0), labels: [] };
  return productOf(results, order);
}
