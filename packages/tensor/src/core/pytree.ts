import { PhloxError } from "./errors.js";
import { Tensor } from "./tensor.js";

/** A pytree: a tensor, or arrays / plain objects of pytrees. Other values (numbers, strings, null) are leaves only if tensors. */
export type PyTree<T = Tensor> = T | readonly PyTree<T>[] | { readonly [k: string]: PyTree<T> };

/** The structure of a flattened pytree, to rebuild it with {@link treeUnflatten}. */
export type TreeDef =
  | { kind: "leaf" }
  | { kind: "array"; children: TreeDef[] }
  | { kind: "object"; keys: string[]; children: TreeDef[] }
  | { kind: "const"; value: unknown };

/**
 * Flattens a pytree into its tensor leaves (depth-first, object keys in insertion order). Non-tensor
 * values (numbers, strings, null, undefined) are kept in the tree definition as constants.
 * @example
 * treeFlatten({ a: tensor(1), b: [tensor(2)] }).leaves.length; // → 2
 */
export function treeFlatten(tree: unknown): { leaves: Tensor[]; treedef: TreeDef } {
  const leaves: Tensor[] = [];
  const go = (t: unknown): TreeDef => {
    if (t instanceof Tensor) {
      leaves.push(t);
      return { kind: "leaf" };
    }
    if (Array.isArray(t)) return { kind: "array", children: t.map(go) };
    if (t !== null && typeof t === "object" && Object.getPrototypeOf(t) === Object.prototype) {
      const keys = Object.keys(t);
      return { kind: "object", keys, children: keys.map((k) => go((t as Record<string, unknown>)[k])) };
    }
    return { kind: "const", value: t };
  };
  const treedef = go(tree);
  return { leaves, treedef };
}

/**
 * Rebuilds a pytree from leaves and a tree definition.
 * @throws PhloxError when the number of leaves does not match.
 */
export function treeUnflatten<T = Tensor>(treedef: TreeDef, leaves: readonly T[]): unknown {
  let i = 0;
  const go = (d: TreeDef): unknown => {
    switch (d.kind) {
      case "leaf":
        if (i >= leaves.length) throw new PhloxError("tree-mismatch", "treeUnflatten: too few leaves.");
        return leaves[i++];
      case "array":
        return d.children.map(go);
      case "object": {
        const o: Record<string, unknown> = {};
        d.keys.forEach((k, j) => {
          o[k] = go(d.children[j]);
        });
        return o;
      }
      case "const":
        return d.value;
    }
  };
  const out = go(treedef);
  if (i !== leaves.length)
    throw new PhloxError("tree-mismatch", `treeUnflatten: ${leaves.length - i} leaves left over.`);
  return out;
}

/**
 * Applies `f` to every tensor leaf.
 * @example
 * treeMap({ a: tensor(1) }, (t) => t.mul(2));
 */
export function treeMap(tree: unknown, f: (t: Tensor, i: number) => Tensor): unknown {
  const { leaves, treedef } = treeFlatten(tree);
  return treeUnflatten(treedef, leaves.map(f));
}
