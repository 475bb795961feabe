import { HandlerError, ShapeError, warn } from "../internal/errors.js";
import { arangeIndices } from "../internal/indices.js";
import { type Tensor, take } from "../internal/ops.js";
import { fmtShape, mulScale, tryBroadcastShapes } from "../internal/util.js";
import { type CondIndepStackFrame, Message } from "../message.js";
import { Messenger } from "../messenger.js";
import { applyStack } from "../stack.js";

/** Options of {@link plate}. */
export interface PlateOptions {
  /** Size of the minibatch; log densities inside are scaled by `size / subsampleSize`. */
  subsampleSize?: number;
  /** The batch dimension this plate owns (negative); default the rightmost free one. */
  dim?: number;
}

function batchShapeOf(stack: readonly CondIndepStackFrame[]): number[] {
  let n = 0;
  for (const f of stack) n = Math.max(n, -f.dim);
  const shape = new Array<number>(n).fill(1);
  for (const f of stack) shape[n + f.dim] = f.size;
  return shape;
}

/**
 * The messenger behind {@link plate}: marks its sites conditionally independent along one
 * batch dimension, broadcasting their distributions to the plate's size (NumPyro's `plate`).
 */
export class Plate extends Messenger {
  readonly dim: number;
  readonly subsampleSize: number;
  /** The (subsampled) indices of this plate: `[0, size)` unless subsampling. */
  readonly indices: Tensor;

  constructor(
    readonly name: string,
    readonly size: number,
    options: PlateOptions = {},
  ) {
    super();
    if (!Number.isInteger(size) || size <= 0) {
      throw new HandlerError(
        "bad-plate-size",
        `plate("${name}", ${size}): the size must be a positive integer.`,
      );
    }
    const { subsampleSize, dim } = options;
    if (dim !== undefined && (!Number.isInteger(dim) || dim >= 0)) {
      throw new HandlerError(
        "bad-plate-dim",
        `plate("${name}", ${size}, { dim: ${dim} }): dim must be a negative integer.`,
      );
    }
    if (
      subsampleSize !== undefined &&
      (!Number.isInteger(subsampleSize) || subsampleSize <= 0 || subsampleSize > size)
    ) {
      throw new HandlerError(
        "bad-subsample-size",
        `plate("${name}", ${size}, { subsampleSize: ${subsampleSize} }): subsampleSize must be an integer in [1, ${size}].`,
      );
    }
    const msg = new Message("plate", name);
    msg.args = [size, subsampleSize ?? size];
    msg.value = subsampleSize === undefined || subsampleSize === size ? arangeIndices(size) : null;
    msg.scale = 1;
    applyStack(msg);
    const indices = msg.value as Tensor;
    const got = indices.shape[0];
    if (subsampleSize !== undefined && subsampleSize !== got) {
      warn(
        "plate-subsample-size",
        `plate("${name}"): subsampleSize is ${subsampleSize} but the supplied indices have length ${got}; ` +
          `did the model and guide use different subsample sizes?`,
      );
    }
    const occupied = new Set(msg.condIndepStack.map((f) => f.dim));
    let d = dim ?? -1;
    if (dim === undefined) {
      while (occupied.has(d)) d--;
    } else if (occupied.has(dim)) {
      throw new HandlerError(
        "plate-dim-taken",
        `plate("${name}", ${size}, { dim: ${dim} }): dim ${dim} is already used by an enclosing plate.`,
      );
    }
    this.dim = d;
    this.indices = indices;
    this.subsampleSize = got;
  }

  override processMessage(msg: Message): void {
    const t = msg.type;
    if (t !== "param" && t !== "sample" && t !== "plate" && t !== "deterministic") return;
    if (msg.infer.blockPlates?.includes(this.name)) return;
    msg.condIndepStack.push({ name: this.name, dim: this.dim, size: this.subsampleSize });
    if (t === "deterministic") return;
    if (t === "sample" && msg.fn !== null) {
      const fn = msg.fn;
      const expected = batchShapeOf(msg.condIndepStack);
      const distBatch = [...msg.sampleShape, ...fn.batchShape];
      msg.sampleShape = [];
      const overlap = Math.max(expected.length - distBatch.length, 0);
      const trailing = expected.slice(overlap);
      const b = tryBroadcastShapes(trailing, distBatch);
      if (b === null) {
        const plates = msg.condIndepStack
          .map((f) => `plate("${f.name}", ${f.size}, dim ${f.dim})`)
          .join(" > ");
        throw new ShapeError(
          "plate-batch-shape",
          `sample("${msg.name}") inside ${plates}: the distribution's batch shape ${fmtShape(distBatch)} ` +
            `does not broadcast to the plates' shape ${fmtShape(expected)}. Give the distribution parameters ` +
            `of size ${this.subsampleSize} at dim ${this.dim} (or size 1 to broadcast), or use .expand(…).`,
        );
      }
      const batchShape = [...expected.slice(0, overlap), ...b];
      if (fmtShape(batchShape) !== fmtShape(fn.batchShape)) msg.fn = fn.expand(batchShape);
    }
    if (this.size !== this.subsampleSize) {
      msg.scale = mulScale(msg.scale, this.size / this.subsampleSize);
    }
  }

  override postprocessMessage(msg: Message): void {
    if (msg.type !== "subsample" && msg.type !== "param") return;
    const eventDim = msg.eventDim;
    if (eventDim === null || msg.value === null) return;
    const dim = this.dim - eventDim;
    const shape = msg.value.shape;
    if (shape.length < -dim) return;
    const axis = shape.length + dim;
    const n = shape[axis];
    if (n === 1) return;
    if (n !== this.size) {
      const what =
        msg.type === "param"
          ? `param("${msg.name}", …, { eventDim: ${eventDim} })`
          : `subsample(…, ${eventDim})`;
      throw new ShapeError(
        "plate-param-shape",
        `${what} inside plate("${this.name}", ${this.size}, dim ${this.dim}): the value has shape ${fmtShape(shape)}, ` +
          `whose dimension ${axis} should be ${this.size} (or 1).`,
      );
    }
    if (this.subsampleSize < this.size) msg.value = take(msg.value, this.indices, axis);
  }
}

/**
 * Runs `fn` inside a plate (NumPyro's `plate`): sample sites in it are conditionally
 * independent along one batch dimension of size `size`, and their distributions are broadcast
 * to it. Nested plates take the next free dimension to the left (`-1`, `-2`, …) unless `dim` is
 * given. With `subsampleSize`, `fn` sees a random minibatch of indices and log densities are
 * scaled by `size / subsampleSize`.
 *
 * @param name - the plate name.
 * @param size - the plate size.
 * @param fn - the body; it receives the plate's indices (int32, length `subsampleSize ?? size`).
 * @param options - `subsampleSize`, `dim`.
 * @returns what `fn` returns.
 * @throws ShapeError (`plate-batch-shape`) when a site's batch shape does not broadcast to the plate.
 * @example
 * seed(() => plate("data", 3, () => sample("x", new Normal(0, 1))), 0)().shape; // → [3]
 */
export function plate<R>(
  name: string,
  size: number,
  fn: (indices: Tensor) => R,
  options: PlateOptions = {},
): R {
  const p = new Plate(name, size, options);
  return p.run(() => fn(p.indices));
}

/**
 * A stack of contiguous plates named `<prefix>_0`, `<prefix>_1`, … with dimensions
 * `rightmostDim`, `rightmostDim − 1`, … (NumPyro's `plate_stack`); `sizes` are given left to right.
 * @param prefix - name prefix.
 * @param sizes - plate sizes, outermost (leftmost) first.
 * @param fn - the body.
 * @param rightmostDim - the rightmost dimension, negative; default −1.
 * @returns what `fn` returns.
 * @example
 * seed(() => plateStack("p", [2, 3], () => sample("x", new Normal(0, 1))), 0)().shape; // → [2, 3]
 */
export function plateStack<R>(prefix: string, sizes: readonly number[], fn: () => R, rightmostDim = -1): R {
  if (!(rightmostDim < 0)) {
    throw new HandlerError(
      "bad-plate-dim",
      `plateStack("${prefix}"): rightmostDim must be negative, got ${rightmostDim}.`,
    );
  }
  const n = sizes.length;
  const go = (i: number): R =>
    i === n ? fn() : plate(`${prefix}_${i}`, sizes[n - 1 - i], () => go(i + 1), { dim: rightmostDim - i });
  return go(0);
}

/**
 * The mask of the enclosing `mask` handlers (NumPyro's `get_mask`): `null` when there is none.
 * Useful to skip an expensive `factor` during prediction.
 * @returns `null`, a boolean, or a bool tensor.
 * @example
 * getMask(); // → null
 */
export function getMask(): Tensor | boolean | null {
  const msg = new Message("inspect", "");
  applyStack(msg);
  return msg.mask;
}
