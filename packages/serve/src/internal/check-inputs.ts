import { tensor } from "@phlox/tensor";
import { ServeError } from "../errors.js";
import type { PosteriorPredictor } from "../predictor.js";

/**
 * Checks validated rows (shapes and types already checked by the schema) for what a schema cannot say: every
 * value finite (JSON's 1e999 parses to Infinity) and inside the input's support.
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
    if (s.support === null) continue;
    const data = new Float64Array(numRows * s.size);
    for (let r = 0; r < numRows; r++)
      data.set(flat.subarray(r * p.inputDim + s.offset, r * p.inputDim + s.offset + s.size), r * s.size);
    const t =
      s.dtype === "int32"
        ? tensor(Int32Array.from(data), { shape: [numRows, ...s.shape], dtype: "int32" })
        : tensor(data, { shape: [numRows, ...s.shape] });
    const ok = s.support.check(t).dataSync() as ArrayLike<number | boolean>;
    const per = ok.length / numRows;
    for (let i = 0; i < ok.length; i++) {
      if (ok[i]) continue;
      const r = Math.floor(i / per);
      const vals = Array.from(data.subarray(r * s.size, (r + 1) * s.size));
      const shown = s.shape.length === 0 ? String(vals[0]) : JSON.stringify(vals);
      throw new ServeError(
        "bad-input",
        `${where(r, s.name)}: ${shown} is outside its support ${s.support.toString()}.`,
      );
    }
  }
}
