import { PhloxError, type Tensor } from "@phlox/tensor";

const fmt = (s: readonly number[]): string => `[${s.join(", ")}]`;

/**
 * An error raised by a neural-network module: `layer` is the path of the failing layer inside the network
 * (`"decoder.layers_2"`), `label` its kind (`"Dense(5)"`); `code` is stable (`"nn-input-shape"`,
 * `"nn-param-shape"`, `"nn-index"`, `"nn-prior"`, `"nn-layer"`).
 */
export class ModuleError extends PhloxError {
  /** Dotted path of the layer inside the network ("" for the top-level module). */
  readonly layer: string;
  /** The layer's kind, e.g. `"Dense(5)"`. */
  readonly label: string;
  /** What was wrong and how to fix it, without the layer prefix. */
  readonly detail: string;

  /**
   * @param code - stable identifier of the failure.
   * @param layer - path of the layer ("" at the top level).
   * @param label - the layer's kind.
   * @param detail - what was wrong and how to fix it.
   */
  constructor(code: string, layer: string, label: string, detail: string) {
    super(code, `${layer === "" ? "" : `${layer} `}${label}: ${detail}`);
    this.layer = layer;
    this.label = label;
    this.detail = detail;
  }

  /**
   * The same error with `prefix` prepended to its layer path (containers call it as errors pass out of them).
   * @param prefix - the enclosing module's name for the failing child.
   * @returns a new error.
   */
  within(prefix: string): ModuleError {
    const err = new ModuleError(
      this.code,
      this.layer === "" ? prefix : `${prefix}.${this.layer}`,
      this.label,
      this.detail,
    );
    err.stack = this.stack;
    return err;
  }
}

/**
 * Throws a {@link ModuleError} (`nn-input-shape`) unless `shape` has at least `minRank` dimensions and, when
 * `lastDim` is given, that last dimension.
 * @internal
 */
export function checkInput(
  label: string,
  shape: readonly number[],
  minRank: number,
  lastDim?: number,
  what = "input",
): void {
  if (shape.length < minRank) {
    throw new ModuleError(
      "nn-input-shape",
      "",
      label,
      `expected an ${what} with at least ${minRank} dimension${minRank === 1 ? "" : "s"}, got shape ${fmt(shape)}.`,
    );
  }
  if (lastDim !== undefined && shape[shape.length - 1] !== lastDim) {
    throw new ModuleError(
      "nn-input-shape",
      "",
      label,
      `expected an ${what} whose last dimension is ${lastDim}, got shape ${fmt(shape)}; the layer was ` +
        `initialised for ${lastDim} input features (reshape the input, or give nnModule the matching inputShape).`,
    );
  }
}

/** Runs `f`, prefixing the layer path of any {@link ModuleError} it throws with `name`. @internal */
export function within<T>(name: string, f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof ModuleError) throw err.within(name);
    throw err;
  }
}

/** Formats a shape as `[a, b]`. @internal */
export const fmtShape = fmt;

/**
 * A per-feature parameter with leading draw dimensions (`[S, f]`), shaped to broadcast against an output
 * `[S, N, f]` (as `[S, 1, f]`); unchanged when it has no draw dimensions or the input has no row axis. @internal
 */
export function alignDraws(p: Tensor, inputRank: number): Tensor {
  if (p.shape.length < 2 || inputRank < 2) return p;
  const f = p.shape[p.shape.length - 1] as number;
  return p.reshape([...p.shape.slice(0, -1), 1, f]);
}
