/** Minimal pytrees for `jit`: nested arrays and plain objects whose leaves are tensors (or numbers). */
import { Tensor } from "../core/tensor.js";

/** Structure of a pytree with its leaves removed. */
export type TreeDef =
  | { readonly kind: "leaf" }
  | { readonly kind: "array"; readonly items: readonly TreeDef[] }
  | { readonly kind: "object"; readonly keys: readonly string[]; readonly items: readonly TreeDef[] }
  | { readonly kind: "const"; readonly value: unknown };

const isPlainObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === "object" && x !== null && Object.getPrototypeOf(x) === Object.prototype;

/** Leaves (tensors and JS numbers) in order, and the structure to rebuild the tree. */
export function flatten(x: unknown, leaves: unknown[] = []): { leaves: unknown[]; def: TreeDef } {
  if (x instanceof Tensor || typeof x === "number") {
    leaves.push(x);
    return { leaves, def: { kind: "leaf" } };
  }
  if (Array.isArray(x)) {
    const items = x.map((v) => flatten(v, leaves).def);
    return { leaves, def: { kind: "array", items } };
  }
  if (isPlainObject(x)) {
    const keys = Object.keys(x).sort();
    const items = keys.map((k) => flatten(x[k], leaves).def);
    return { leaves, def: { kind: "object", keys, items } };
  }
  return { leaves, def: { kind: "const", value: x } };
}

/** Rebuilds a tree from its structure and leaves (consumed in order). */
export function unflatten(def: TreeDef, leaves: readonly unknown[]): unknown {
  let i = 0;
  const go = (d: TreeDef): unknown => {
    switch (d.kind) {
      case "leaf":
        return leaves[i++];
      case "array":
        return d.items.map(go);
      case "object": {
        const o: Record<string, unknown> = {};
        d.keys.forEach((k, j) => {
          o[k] = go(d.items[j] as TreeDef);
        });
        return o;
      }
      default:
        return d.value;
    }
  };
  return go(def);
}

/** A string key of a tree structure (for the jit cache). */
export function defKey(d: TreeDef): string {
  switch (d.kind) {
    case "leaf":
      return "*";
    case "array":
      return `[${d.items.map(defKey).join(",")}]`;
    case "object":
      return `{${d.keys.map((k, j) => `${JSON.stringify(k)}:${defKey(d.items[j] as TreeDef)}`).join(",")}}`;
    default:
      return `=${String(d.value)}`;
  }
}
