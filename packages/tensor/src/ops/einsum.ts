import { ShapeError } from "../core/errors.js";
import { type Tensor, type TensorLike, toTensor } from "../core/tensor.js";
import { mul } from "../primitives/mul.js";
import { sum } from "../primitives/reduce-sum.js";
import { reshape } from "../primitives/reshape.js";
import { transpose } from "../primitives/transpose.js";

/**
 * Einstein summation over single-letter indices, e.g. `"ij,jk->ik"` (no ellipsis; repeated letters within
 * one operand are not supported). Implemented as a broadcast product followed by a sum, so it differentiates
 * like any composite; the intermediate holds every index at once, so prefer `matmul` for large contractions.
 * @throws ShapeError for a malformed spec or inconsistent index sizes.
 * @example
 * einsum("ij,j->i", [[1, 2], [3, 4]], [1, 1]).toArray(); // → [3, 7]
 */
export function einsum(spec: string, ...operands: TensorLike[]): Tensor {
  const [lhs, rhs] = spec.replace(/\s/g, "").split("->");
  const ins = lhs.split(",");
  if (rhs === undefined || ins.length !== operands.length || /[^a-zA-Z]/.test(ins.join("") + rhs))
    throw new ShapeError(
      "einsum-spec",
      `einsum("${spec}"): expected "ab,bc->ac" with one term per operand (${operands.length}).`,
    );
  const ts = operands.map(toTensor);
  const letters = [...new Set([...ins.join(""), ...rhs])];
  const size = new Map<string, number>();
  ins.forEach((term, k) => {
    if (term.length !== ts[k].shape.length || new Set(term).size !== term.length)
      throw new ShapeError(
        "einsum-spec",
        `einsum("${spec}"): term "${term}" does not fit operand ${k} of rank ${ts[k].shape.length}.`,
      );
    [...term].forEach((c, i) => {
      const d = ts[k].shape[i];
      const prev = size.get(c);
      if (prev !== undefined && prev !== d && prev !== 1 && d !== 1)
        throw new ShapeError("einsum-size", `einsum("${spec}"): index ${c} has sizes ${prev} and ${d}.`);
      size.set(c, prev === undefined || prev === 1 ? d : prev);
    });
  });
  let prod: Tensor | null = null;
  ins.forEach((term, k) => {
    const present = letters.filter((c) => term.includes(c));
    const aligned = transpose(
      ts[k],
      present.map((c) => term.indexOf(c)),
    );
    const shape = letters.map((c) => (term.includes(c) ? ts[k].shape[term.indexOf(c)] : 1));
    const t = reshape(aligned, shape);
    prod = prod === null ? t : mul(prod, t);
  });
  const summed = letters.map((c, i) => (rhs.includes(c) ? -1 : i)).filter((i) => i >= 0);
  const kept = letters.filter((c) => rhs.includes(c));
  const s = summed.length ? sum(prod as unknown as Tensor, summed) : (prod as unknown as Tensor);
  return transpose(
    s,
    [...rhs].map((c) => kept.indexOf(c)),
  );
}
