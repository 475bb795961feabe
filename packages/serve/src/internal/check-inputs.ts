import { type CompiledRowsProgram, compileRows } from "@phlox/backend-js";
import { cast, makeProgram, reshape, simplify, slice, type Tensor, tensor } from "@phlox/tensor";
import { ServeError } from "../errors.js";
import type { InputSlot, PosteriorPredictor } from "../predictor.js";

/** Per predictor: the supports' checks compiled over a row of inputs (null when they do not trace). */
const compiledChecks = new WeakMap<PosteriorPredictor, CompiledRowsProgram | null>();

function asInput(x: Tensor, s: InputSlot, rows: number): Tensor {
  const t = reshape(x, [rows, ...s.shape]);
  return s.dtype === "int32" ? cast(t, "int32") : t;
}

/** `support.check` of every input with a support, staged once over a flat row and compiled into one loop. */
function compiledCheck(p: PosteriorPredictor): CompiledRowsProgram | null {
  if (compiledChecks.has(p)) return compiledChecks.get(p) ?? null;
  let c: CompiledRowsProgram | null = null;
  const slots = p.inputs.filter((s) => s.support !== null);
  try {
    const { program } = makeProgram(
      ((z: Tensor) =>
        slots.map((s) =>
          cast(
            (s.support as NonNullable<InputSlot["support"]>).check(
              asInput(slice(z, [s.offset], [s.offset + s.size]), s, 1),
            ),
            "float64",
          ),
        )) as (...a: never[]) => unknown,
      [{ shape: [p.inputDim], dtype: "float64" }],
    );
    c = compileRows(simplify(program) as unknown as Parameters<typeof compileRows>[0]);
  } catch {
    c = null; // a constraint that does not trace: checked eagerly below
  }
  compiledChecks.set(p, c);
  return c;
}

/**
 * Checks validated rows (shapes and types already checked by the schema) for what a schema cannot say: every
 * value finite (JSON's 1e999 parses to Infinity), int32 inputs within int32, and every input inside its
 * support (`support.check`, compiled once over a row of inputs; eager tensors when it does not trace).
 * @param p - the predictor.
 * @param flat - the rows, flattened ({@link PosteriorPredictor.flattenRows}).
 * @param numRows - number of rows.
 * @param batch - whether to name the row in messages.
 * @throws ServeError `bad-input` naming the row, the input, the value and the support.
 */
export function checkInputs(
  p: PosteriorPredictor,
  flat: Float64Array,
  numRows: number,
  batch: boolean,
): void {
  const where = (r: number, name: string) => (batch ? `row ${r}, input "${name}"` : `input "${name}"`);
  for (const s of p.inputs) {
    for (let r = 0; r < numRows; r++) {
      for (let j = 0; j < s.size; j++) {
        const v = flat[r * p.inputDim + s.offset + j];
        if (!Number.isFinite(v))
          throw new ServeError("bad-input", `${where(r, s.name)}: ${v} is not a finite number.`);
        if (s.dtype === "int32" && !(Number.isInteger(v) && v >= -2147483648 && v <= 2147483647))
          throw new ServeError("bad-input", `${where(r, s.name)}: ${v} is not an int32 integer.`);
      }
    }
  }
  const slots = p.inputs.filter((s) => s.support !== null);
  if (slots.length === 0) return;
  const row = (s: InputSlot, r: number) =>
    flat.subarray(r * p.inputDim + s.offset, r * p.inputDim + s.offset + s.size);
  const fail = (s: InputSlot, r: number): never => {
    const vals = Array.from(row(s, r));
    const shown = s.shape.length === 0 ? String(vals[0]) : JSON.stringify(vals);
    throw new ServeError(
      "bad-input",
      `${where(r, s.name)}: ${shown} is outside its support ${(s.support as NonNullable<InputSlot["support"]>).toString()}.`,
    );
  };
  const c = compiledCheck(p);
  if (c !== null) {
    const outs = c.run(flat, numRows);
    slots.forEach((s, k) => {
      const ok = outs[k];
      const per = ok.length / numRows;
      for (let i = 0; i < ok.length; i++) if (!ok[i]) fail(s, Math.floor(i / per));
    });
    return;
  }
  for (const s of slots) {
    const data = new Float64Array(numRows * s.size);
    for (let r = 0; r < numRows; r++) data.set(row(s, r), r * s.size);
    const ok = (s.support as NonNullable<InputSlot["support"]>)
      .check(asInput(tensor(data), s, numRows))
      .dataSync() as ArrayLike<number | boolean>;
    const per = ok.length / numRows;
    for (let i = 0; i < ok.length; i++) if (!ok[i]) fail(s, Math.floor(i / per));
  }
}
