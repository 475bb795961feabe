import { PhloxError } from "./ops.js";

/**
 * A sparse adjacency matrix in coordinate (COO) form, as scipy's `coo_matrix`: entry k is
 * W[rows[k], cols[k]] = values[k] (1 when `values` is left out). Both (i, j) and (j, i) must be listed;
 * repeated pairs add up.
 */
export interface SparseAdjacency {
  /** Number of sites n (W is n × n). */
  readonly n: number;
  readonly rows: readonly number[];
  readonly cols: readonly number[];
  readonly values?: readonly number[];
}

/** A checked, deduplicated adjacency: nonzero entries (i, j, w), row sums. */
export interface CheckedAdjacency {
  n: number;
  rows: number[];
  cols: number[];
  values: number[];
  degree: number[];
}

export const isSparseAdjacency = (x: unknown): x is SparseAdjacency =>
  typeof x === "object" &&
  x !== null &&
  !Array.isArray(x) &&
  "rows" in x &&
  "cols" in x &&
  "n" in x &&
  !("dataSync" in x);

/**
 * Sums duplicates, drops zeros and checks that W is symmetric with every row sum positive.
 * @throws PhloxError naming the offending entry or row.
 */
export function checkSparseAdjacency(where: string, a: SparseAdjacency): CheckedAdjacency {
  const { n, rows, cols } = a;
  if (!Number.isInteger(n) || n < 1)
    throw new PhloxError(
      "distribution-argument",
      `${where}: the adjacency's n must be a positive integer, got ${n}.`,
    );
  if (rows.length !== cols.length || (a.values !== undefined && a.values.length !== rows.length))
    throw new PhloxError(
      "distribution-argument",
      `${where}: rows, cols (and values) of the sparse adjacency must have one entry each, got lengths ` +
        `${rows.length}, ${cols.length}${a.values ? `, ${a.values.length}` : ""}.`,
    );
  const acc = new Map<number, number>();
  for (let k = 0; k < rows.length; k++) {
    const i = rows[k]!;
    const j = cols[k]!;
    const w = a.values?.[k] ?? 1;
    if (!Number.isInteger(i) || !Number.isInteger(j) || i < 0 || j < 0 || i >= n || j >= n)
      throw new PhloxError(
        "distribution-argument",
        `${where}: sparse adjacency entry ${k} is (${i}, ${j}), outside the ${n} × ${n} matrix.`,
      );
    if (!Number.isFinite(w))
      throw new PhloxError("distribution-argument", `${where}: sparse adjacency entry ${k} has weight ${w}.`);
    acc.set(i * n + j, (acc.get(i * n + j) ?? 0) + w);
  }
  const out: CheckedAdjacency = { n, rows: [], cols: [], values: [], degree: new Array(n).fill(0) };
  for (const [key, w] of [...acc.entries()].sort((p, q) => p[0] - q[0])) {
    if (w === 0) continue;
    const i = Math.floor(key / n);
    const j = key % n;
    const back = acc.get(j * n + i) ?? 0;
    if (back !== w)
      throw new PhloxError(
        "distribution-argument",
        `${where}: the adjacency must be symmetric; entry [${i}, ${j}] = ${w} but [${j}, ${i}] = ${back}. ` +
          "List both (i, j) and (j, i).",
      );
    out.rows.push(i);
    out.cols.push(j);
    out.values.push(w);
    out.degree[i] += w;
  }
  const lonely = out.degree.findIndex((d) => !(d > 0));
  if (lonely >= 0)
    throw new PhloxError(
      "distribution-argument",
      `${where}: every site needs a neighbour, but row ${lonely} of the adjacency sums to ${out.degree[lonely]}.`,
    );
  return out;
}

/** A dense row-major `n × n` adjacency (concrete values) as a SparseAdjacency. */
export function denseToSparse(w: ArrayLike<number>, n: number): SparseAdjacency {
  const rows: number[] = [];
  const cols: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const v = w[i * n + j]!;
      if (v !== 0) {
        rows.push(i);
        cols.push(j);
        values.push(v);
      }
    }
  return { n, rows, cols, values };
}
