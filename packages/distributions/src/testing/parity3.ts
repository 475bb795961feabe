import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** One case of fixtures/parity3.json (made by scripts/parity3_fixtures.py); fields depend on the section. */
export interface Parity3Case {
  name: string;
  [field: string]: unknown;
}

/** The cases of one section (`transforms`, `flows`, `car`, `kl`) of fixtures/parity3.json. */
export function loadParity3(section: "transforms" | "flows" | "car" | "kl"): Parity3Case[] {
  const here = dirname(fileURLToPath(import.meta.url));
  const parsed = JSON.parse(
    readFileSync(join(here, "..", "..", "fixtures", "parity3.json"), "utf8"),
  ) as Record<string, Parity3Case[]>;
  const cases = parsed[section];
  if (cases === undefined) throw new Error(`fixtures/parity3.json has no section ${section}`);
  return cases;
}

/** log|det| of a square matrix (rows) by Gaussian elimination with partial pivoting. */
export function logAbsDet(a: readonly (readonly number[])[]): number {
  const m = a.map((r) => [...r]);
  const n = m.length;
  let s = 0;
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(m[i]![k]!) > Math.abs(m[p]![k]!)) p = i;
    [m[k], m[p]] = [m[p]!, m[k]!];
    const piv = m[k]![k]!;
    s += Math.log(Math.abs(piv));
    for (let i = k + 1; i < n; i++) {
      const f = m[i]![k]! / piv;
      for (let j = k; j < n; j++) m[i]![j]! -= f * m[k]![j]!;
    }
  }
  return s;
}

/**
 * log|det ∂f/∂x| at `x` by central differences (step 1e-6), for f from n free input coordinates to n free
 * output coordinates.
 */
export function numericLogDet(f: (x: number[]) => number[], x: readonly number[], h = 1e-6): number {
  const rows: number[][] = [];
  for (let j = 0; j < x.length; j++) {
    const up = [...x];
    const dn = [...x];
    up[j]! += h;
    dn[j]! -= h;
    const fu = f(up);
    const fd = f(dn);
    rows.push(fu.map((v, i) => (v - fd[i]!) / (2 * h)));
  }
  return logAbsDet(rows);
}
