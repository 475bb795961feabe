import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** One NumPyro reference case of fixtures/parity2.json; fields beyond these depend on the group. */
export interface Parity2Case {
  name: string;
  params: Record<string, unknown>;
  batchShape: number[];
  eventShape: number[];
  x: unknown;
  logProb: unknown;
  mean?: unknown;
  variance?: unknown;
  [extra: string]: unknown;
}

/** The cases of one group (e.g. `"CirculantNormal"`) of fixtures/parity2.json, made by scripts/parity2_fixtures.py. */
export function loadParity2(group: string): Parity2Case[] {
  const here = dirname(fileURLToPath(import.meta.url));
  const text = readFileSync(join(here, "..", "..", "fixtures", "parity2.json"), "utf8");
  const parsed = JSON.parse(text) as { cases: Record<string, Parity2Case[]> };
  const cases = parsed.cases[group];
  if (cases === undefined) throw new Error(`fixtures/parity2.json has no group ${group}`);
  return cases;
}
