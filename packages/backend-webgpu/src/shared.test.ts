import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs script without declarations
import { header, SHARED } from "../scripts/sync-shared.mjs";

const here = dirname(fileURLToPath(import.meta.url));

describe("src/shared", () => {
  for (const f of SHARED as string[])
    it(`${f} is an unmodified copy of packages/backend-wasm/src/${f} (run scripts/sync-shared.mjs)`, () => {
      const original = readFileSync(join(here, "../../backend-wasm/src", f), "utf8");
      const copy = readFileSync(join(here, "shared", f), "utf8");
      expect(copy).toBe((header as (f: string) => string)(f) + original);
    });
});
