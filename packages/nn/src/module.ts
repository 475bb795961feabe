/**
 * The module contract (NumPyro's stax / Flax modules, the TypeScript way): a module declares the shapes and
 * initialisers of its parameters for a given input shape (`spec`), and computes its output from parameters and
 * an input (`apply`) with `@phlox/tensor` operations only, so it traces under `jit`, differentiates, and runs on
 * any backend. Parameters are a nested record of tensors whose dotted paths name the model's sites.
 */
import type { Key, Tensor } from "@phlox/tensor";

/** Initialises one parameter from a PRNG key and its shape (JAX's `jax.nn.initializers` signature). */
export type Initializer = (key: Key, shape: readonly number[]) => Tensor;

/** A parameter's declaration: its shape and its initialiser. */
export class ParamSpec {
  /**
   * @param shape - the parameter's shape.
   * @param init - draws its initial value.
   */
  constructor(
    readonly shape: readonly number[],
    readonly init: Initializer,
  ) {}
}

/** A module's parameters: tensors, nested by sub-module name (`{ layers_0: { kernel, bias } }`). */
export type ParamTree = { readonly [name: string]: Tensor | ParamTree | undefined };

/** The parameter declarations of a module, nested like its {@link ParamTree}. */
export type SpecTree = { readonly [name: string]: ParamSpec | SpecTree };

/** The shape of a module's output: a shape for a tensor, a record of shapes for a record of tensors. */
export type OutputShape<Out> = Out extends Tensor ? number[] : { [K in keyof Out]: OutputShape<Out[K]> };

/** What {@link Module.spec} returns: the parameter declarations and the output shape. */
export interface ModuleSpec<Out = Tensor> {
  /** Declarations of the module's parameters for this input shape. */
  params: SpecTree;
  /** Shape of the output for this input shape. */
  outputShape: OutputShape<Out>;
}

/**
 * A neural-network module: `P` is its parameter record, `Out` its output (a tensor, or a record of tensors
 * for a multi-headed module such as {@link Parallel}).
 */
export interface Module<P extends ParamTree = ParamTree, Out = Tensor> {
  /** The module's kind as errors print it, e.g. `"Dense(5)"`. */
  readonly label: string;
  /**
   * Declares the module's parameters for inputs of `inputShape` (with any leading batch dimensions).
   * @throws ModuleError (`nn-input-shape`) when the module cannot take inputs of that shape.
   */
  spec(inputShape: readonly number[]): ModuleSpec<Out>;
  /**
   * Computes the output from the parameters and an input, with `@phlox/tensor` operations (traceable).
   * @throws ModuleError (`nn-input-shape`) when `x` does not fit the parameters.
   */
  apply(params: P, x: Tensor): Out;
}

/** A function from tensor to tensor (an activation); containers accept it wherever a module goes. */
export type TensorFn = (x: Tensor) => Tensor;

/** A layer of a container: a module with tensor output, or an activation function. */
export type Layer = Module<never, Tensor> | TensorFn;

const NO_PARAMS: ParamTree = Object.freeze({});

/**
 * A parameter-free module applying an elementwise function (NumPyro stax's `Tanh`, `Softplus`, ...).
 * Containers wrap plain functions in it, so `new Sequential([new Dense(5), tanh])` works.
 * @example
 * new Activation(relu).apply({}, tensor([-1, 2])).toArray(); // → [0, 2]
 */
export class Activation implements Module<ParamTree, Tensor> {
  /** The function's name, e.g. `"tanh"`. */
  readonly label: string;
  /**
   * @param fn - the elementwise function.
   * @param label - name shown in errors (default: the function's name).
   */
  constructor(
    readonly fn: TensorFn,
    label?: string,
  ) {
    this.label = label ?? (fn.name === "" ? "activation" : fn.name);
  }
  /** No parameters; the output has the input's shape. */
  spec(inputShape: readonly number[]): ModuleSpec<Tensor> {
    return { params: NO_PARAMS as SpecTree, outputShape: [...inputShape] };
  }
  /** Applies the function. */
  apply(_params: ParamTree, x: Tensor): Tensor {
    return this.fn(x);
  }
}

/**
 * A module for a layer: the layer itself, or an {@link Activation} around a function.
 * @param layer - a module or an activation function.
 * @returns a module.
 * @example
 * asModule(relu).label; // → "relu"
 */
export function asModule(layer: Layer): Module<ParamTree, Tensor> {
  return typeof layer === "function" ? new Activation(layer) : layer;
}

/** True when `t` declares no parameters. @internal */
export function isEmptySpec(t: SpecTree): boolean {
  return Object.keys(t).length === 0;
}
