import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { FixtureCase } from "./cases.js";

/** Reads `fixtures/scipy.json` (test-only helper). */
export function loadScipyFixtures(): FixtureCase[] {
  const here = dirname(fileURLToPath(import.meta.url));
  const text = readFileSync(join(here, "..", "..", "fixtures", "scipy.json"), "utf8");
  const parsed = JSON.parse(text, (_k, v) =>
    v === "Infinity" ? Infinity : v === "-Infinity" ? -Infinity : v,
  ) as {
    cases: FixtureCase[];
  };
  return parsed.cases;
}

/** Flattens nested number arrays. */
export function flat(x: unknown): number[] {
  if (typeof x === "number") return [x];
  if (x === null) return [Number.NaN];
  return (x as unknown[]).flatMap((v) => flat(v));
}

/** Largest relative error max |a−b| / max(|b|, 1) over paired entries (NaN/∞ must match exactly). */
export function maxRelErr(actual: readonly number[], expected: readonly number[]): number {
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const b = expected[i]!;
    if (!Number.isFinite(b) || !Number.isFinite(a)) {
      if (Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b))) continue;
      return Number.POSITIVE_INFINITY;
    }
    worst = Math.max(worst, Math.abs(a - b) / Math.max(Math.abs(b), 1));
  }
  return worst;
}
