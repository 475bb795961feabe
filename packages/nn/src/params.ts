/**
 * Parameter records: flattening to dotted paths (the names of the model's sites), rebuilding records from
 * flat values, and drawing a module's initial parameters from one PRNG key.
 */
import { type Key, split, Tensor } from "@phlox/tensor";
import { fmtShape, ModuleError } from "./errors.js";
import { type Module, ParamSpec, type ParamTree, type SpecTree } from "./module.js";

/**
 * The leaves of a parameter record by dotted path, in declaration order.
 * @param tree - a module's parameters.
 * @returns `{ "layers_0.kernel": Tensor, ... }`.
 * @example
 * Object.keys(flattenParams({ layers_0: { kernel: ones([2, 3]), bias: zeros([3]) } })); // → ["layers_0.kernel", "layers_0.bias"]
 */
export function flattenParams(tree: ParamTree): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  const walk = (t: ParamTree, prefix: string): void => {
    for (const [k, v] of Object.entries(t)) {
      if (v === undefined) continue;
      const path = prefix === "" ? k : `${prefix}.${k}`;
      if (v instanceof Tensor) out[path] = v;
      else walk(v, path);
    }
  };
  walk(tree, "");
  return out;
}

/**
 * The parameter declarations of a spec tree by dotted path, in declaration order.
 * @param tree - what a module's `spec` returned as `params`.
 * @returns `{ "layers_0.kernel": ParamSpec, ... }`.
 * @example
 * Object.keys(flattenSpecs(new Dense(3).spec([2]).params)); // → ["kernel", "bias"]
 */
export function flattenSpecs(tree: SpecTree): Record<string, ParamSpec> {
  const out: Record<string, ParamSpec> = {};
  const walk = (t: SpecTree, prefix: string): void => {
    for (const [k, v] of Object.entries(t)) {
      const path = prefix === "" ? k : `${prefix}.${k}`;
      if (v instanceof ParamSpec) out[path] = v;
      else walk(v, path);
    }
  };
  walk(tree, "");
  return out;
}

/**
 * Rebuilds a parameter record from values by dotted path, checking each shape against the declarations.
 * @param specs - the module's spec tree.
 * @param values - a tensor per dotted path (extra keys are ignored).
 * @param label - the module's label, for errors.
 * @param leadingDims - accept values with extra leading dimensions (a stack of draws); default false.
 * @returns the nested record `apply` takes.
 * @throws ModuleError `nn-param-shape` when a value is missing or has the wrong shape.
 * @example
 * const p = unflattenParams(new Dense(3).spec([2]).params, { kernel: ones([2, 3]), bias: zeros([3]) });
 * p.kernel.shape; // → [2, 3]
 */
export function unflattenParams(
  specs: SpecTree,
  values: Readonly<Record<string, Tensor>>,
  label = "module",
  leadingDims = false,
): ParamTree {
  const build = (t: SpecTree, prefix: string): ParamTree => {
    const out: Record<string, Tensor | ParamTree> = {};
    for (const [k, v] of Object.entries(t)) {
      const path = prefix === "" ? k : `${prefix}.${k}`;
      if (v instanceof ParamSpec) {
        const got = values[path];
        if (got === undefined) {
          throw new ModuleError("nn-param-shape", "", label, `no value for parameter "${path}".`);
        }
        const lead = got.shape.length - v.shape.length;
        if ((leadingDims ? lead < 0 : lead !== 0) || v.shape.some((d, i) => d !== got.shape[lead + i])) {
          throw new ModuleError(
            "nn-param-shape",
            "",
            label,
            `parameter "${path}" has shape ${fmtShape(got.shape)}, but the module declares ` +
              `${fmtShape(v.shape)}${leadingDims ? " (after any leading draw dimensions)" : ""} for this input shape.`,
          );
        }
        out[k] = got;
      } else out[k] = build(v, path);
    }
    return out;
  };
  return build(specs, "");
}

/**
 * Draws a module's initial parameters for inputs of `inputShape` (stax's `init_fun`, Flax's `init`): the key
 * is split once per parameter, in declaration order, so the result is a function of the key alone.
 * @param module - the module.
 * @param key - a PRNG key (`key(0)`).
 * @param inputShape - the input's shape, with any batch dimensions.
 * @returns the nested parameter record.
 * @example
 * const p = initParams(new Dense(3), key(0), [10, 2]);
 * p.kernel.shape; // → [2, 3]
 */
export function initParams<P extends ParamTree, Out>(
  module: Module<P, Out>,
  key: Key,
  inputShape: readonly number[],
): P {
  const specs = module.spec(inputShape).params;
  const flat = flattenSpecs(specs);
  const paths = Object.keys(flat);
  const keys = paths.length === 0 ? [] : paths.length === 1 ? [key] : split(key, paths.length);
  const values: Record<string, Tensor> = {};
  paths.forEach((p, i) => {
    const s = flat[p] as ParamSpec;
    values[p] = s.init(keys[i] as Key, s.shape);
  });
  return unflattenParams(specs, values, module.label) as P;
}
