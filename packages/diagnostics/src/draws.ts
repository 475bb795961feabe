import { DiagnosticsError } from "./errors.js";

/** Numbers in a typed or plain array. */
export type NumericArray = Float64Array | Float32Array | readonly number[];

/** A nested array of numbers (`number[][]`, `number[][][]`, …). */
export type NestedArray = number | readonly NestedArray[];

/**
 * An array of draws with its shape: `data` is row-major over `shape`, which for MCMC output is
 * `[chain, draw, ...elementShape]`.
 */
export interface Draws {
  data: NumericArray;
  shape: readonly number[];
}

/**
 * Anything array-like with a `shape` and a synchronous `dataSync()` read: a `Tensor` of `@phlox/tensor` (or of
 * another library with the same two members). Diagnostics only read it; they never keep or mutate the array.
 */
export interface TensorLike {
  readonly shape: readonly number[];
  dataSync(): ArrayLike<number>;
}

/** Draws given as a tensor, as `{ data, shape }` or as a nested array `[chain][draw]...`. */
export type DrawsInput = TensorLike | Draws | NestedArray;

/** Draws of several named variables, as the MCMC driver returns them. */
export type Samples = Readonly<Record<string, DrawsInput>>;

/** Internal normalised form: float64 data, shape `[chain, draw, ...]`, element count. */
export interface ChainDraws {
  data: Float64Array;
  numChains: number;
  numDraws: number;
  elementShape: number[];
  numElements: number;
}

function isTensorLike(x: DrawsInput): x is TensorLike {
  return (
    typeof x === "object" &&
    x !== null &&
    !Array.isArray(x) &&
    typeof (x as Partial<TensorLike>).dataSync === "function" &&
    "shape" in x
  );
}

function isDraws(x: DrawsInput): x is Draws {
  return typeof x === "object" && x !== null && !Array.isArray(x) && "data" in x && "shape" in x;
}

/** `{ data, shape }` of a tensor-like (its own read; copied to float64 by the caller when needed). */
function tensorDraws(x: TensorLike, where: string): Draws {
  const data = x.dataSync();
  if (data === null || typeof data !== "object" || typeof data.length !== "number") {
    throw new DiagnosticsError("invalid-input", `${where}: dataSync() did not return an array.`);
  }
  return { data: data instanceof Float64Array ? data : Float64Array.from(data), shape: x.shape };
}

function nestedShape(x: NestedArray, where: string): number[] {
  const shape: number[] = [];
  let cur: NestedArray = x;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    if (cur.length === 0) break;
    cur = (cur as readonly NestedArray[])[0];
  }
  if (typeof cur !== "number" && shape[shape.length - 1] !== 0) {
    throw new DiagnosticsError(
      "invalid-input",
      `${where}: expected numbers in the nested array, found ${typeof cur}.`,
    );
  }
  return shape;
}

function flattenNested(x: NestedArray, shape: number[], where: string): Float64Array {
  let size = 1;
  for (const s of shape) size *= s;
  const out = new Float64Array(size);
  let k = 0;
  const walk = (v: NestedArray, depth: number, path: string): void => {
    if (depth === shape.length) {
      if (typeof v !== "number") {
        throw new DiagnosticsError(
          "shape-mismatch",
          `${where}: element ${path} is nested deeper than its siblings.`,
        );
      }
      out[k++] = v;
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) {
      const len = Array.isArray(v) ? v.length : "a number";
      const code = depth === 1 ? "unequal-chains" : "shape-mismatch";
      const hint =
        depth === 1
          ? "All chains must have the same number of draws: trim them to the shortest chain."
          : "Every entry at one depth must have the same length.";
      throw new DiagnosticsError(
        code,
        `${where}: entry ${path} has length ${len}, expected ${shape[depth]} (shape ${JSON.stringify(shape)}). ${hint}`,
      );
    }
    for (let i = 0; i < v.length; i++) walk((v as readonly NestedArray[])[i], depth + 1, `${path}[${i}]`);
  };
  walk(x, 0, "");
  return out;
}

/** Converts any accepted input to `{ data: Float64Array, shape }` without copying float64 data. */
export function toFlat(x0: DrawsInput, where: string): { data: Float64Array; shape: number[] } {
  const x = isTensorLike(x0) ? tensorDraws(x0, where) : x0;
  if (isDraws(x)) {
    const shape = Array.from(x.shape);
    let size = 1;
    for (const s of shape) {
      if (!Number.isInteger(s) || s < 0) {
        throw new DiagnosticsError(
          "invalid-input",
          `${where}: shape ${JSON.stringify(shape)} has a bad dimension ${s}.`,
        );
      }
      size *= s;
    }
    if (x.data.length !== size) {
      throw new DiagnosticsError(
        "shape-mismatch",
        `${where}: data has ${x.data.length} values but shape ${JSON.stringify(shape)} needs ${size}.`,
      );
    }
    const data = x.data instanceof Float64Array ? x.data : Float64Array.from(x.data);
    return { data, shape };
  }
  if (typeof x === "number") return { data: Float64Array.of(x), shape: [] };
  if (!Array.isArray(x)) {
    throw new DiagnosticsError(
      "invalid-input",
      `${where}: expected a Tensor, { data, shape } or a nested array, got ${typeof x}.`,
    );
  }
  const shape = nestedShape(x, where);
  return { data: flattenNested(x, shape, where), shape };
}

/**
 * Normalises draws of shape `[chain, draw, ...]` and checks them.
 * @throws DiagnosticsError `too-few-draws` when there are fewer than `minDraws` draws per chain,
 * `unequal-chains` for ragged nested chains, `too-few-chains` below `minChains`.
 */
export function toChainDraws(x: DrawsInput, where: string, minDraws = 4, minChains = 1): ChainDraws {
  const { data, shape } = toFlat(x, where);
  if (shape.length < 2) {
    throw new DiagnosticsError(
      "invalid-input",
      `${where}: draws need shape [chain, draw, ...], got ${JSON.stringify(shape)}. ` +
        "For a single chain wrap it: [draws] or { data, shape: [1, n] }.",
    );
  }
  const [numChains, numDraws] = shape;
  if (numChains < minChains) {
    throw new DiagnosticsError(
      "too-few-chains",
      `${where}: needs at least ${minChains} chains, got ${numChains} (shape ${JSON.stringify(shape)}).`,
    );
  }
  if (numDraws < minDraws) {
    throw new DiagnosticsError(
      "too-few-draws",
      `${where}: needs at least ${minDraws} draws per chain, got ${numDraws} (shape ${JSON.stringify(shape)}). ` +
        "Run the sampler for more draws.",
    );
  }
  const elementShape = shape.slice(2);
  let numElements = 1;
  for (const s of elementShape) numElements *= s;
  return { data, numChains, numDraws, elementShape, numElements };
}

/** Elements per block of {@link gatherBlock}: 32 slabs of 4 × 1000 draws (1 MiB) stay in cache. */
export const BLOCK = 32;

/**
 * Copies the draws of elements e0 … e0 + count − 1 into `out` as `count` contiguous chain-major slabs
 * (`out[k·n + i]`, n = chain·draw), reading each row's `count` contiguous values once.
 */
export function gatherBlock(cd: ChainDraws, e0: number, count: number, out: Float64Array): void {
  const E = cd.numElements;
  const n = cd.numChains * cd.numDraws;
  const d = cd.data;
  if (E === 1) {
    out.set(d.subarray(0, n));
    return;
  }
  for (let i = 0, row = e0; i < n; i++, row += E) {
    for (let k = 0; k < count; k++) out[k * n + i] = d[row + k];
  }
}

/**
 * Transposes `[chain·draw, E]` into `[E, chain·draw]` so that each element's draws are contiguous.
 */
export function transposeElements(cd: ChainDraws): Float64Array {
  const E = cd.numElements;
  const n = cd.numChains * cd.numDraws;
  if (E === 1) return cd.data;
  const out = new Float64Array(n * E);
  const d = cd.data;
  const B = 64;
  for (let i0 = 0; i0 < n; i0 += B) {
    const i1 = Math.min(n, i0 + B);
    for (let e0 = 0; e0 < E; e0 += B) {
      const e1 = Math.min(E, e0 + B);
      for (let i = i0; i < i1; i++) {
        const row = i * E;
        for (let e = e0; e < e1; e++) out[e * n + i] = d[row + e];
      }
    }
  }
  return out;
}

/** Row labels `name[i,j]` for an element shape (scalars get the bare name). */
export function elementLabel(name: string, elementShape: readonly number[], e: number): string {
  if (elementShape.length === 0) return name;
  const idx = elementIndex(elementShape, e);
  return `${name}[${idx.join(",")}]`;
}

/** Multi-index of flat element `e` in `elementShape`. */
export function elementIndex(elementShape: readonly number[], e: number): number[] {
  const idx = new Array<number>(elementShape.length);
  for (let k = elementShape.length - 1; k >= 0; k--) {
    idx[k] = e % elementShape[k];
    e = Math.floor(e / elementShape[k]);
  }
  return idx;
}
