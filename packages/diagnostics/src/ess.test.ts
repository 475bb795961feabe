import { describe, expect, it } from "vitest";
import { type RhatMethod, rhat } from "./convergence.js";
import { type EssMethod, ess } from "./ess.js";
import { expectClose, readFixture } from "./testing/fixture.js";

// scripts/arviz_methods.py: ArviZ 0.23.4's ess(method=...) (absolute and relative) and rhat(method=...)
const fx =
  readFixture<Record<string, { x: number[][]; values: Record<string, number> }>>("arviz-methods.json");
const PROB: Partial<Record<EssMethod, number | [number, number]>> = { quantile: 0.3, local: [0.2, 0.7] };

describe("ess(x, { method }) and rhat(x, { method }) equal ArviZ's for every method", () => {
  for (const [name, c] of Object.entries(fx)) {
    it(`${name}: ${Object.keys(c.values).length} values`, () => {
      for (const [key, want] of Object.entries(c.values)) {
        const [what, method, rel] = splitKey(key);
        const got =
          what === "ess"
            ? ess(c.x, { method: method as EssMethod, prob: PROB[method as EssMethod], relative: rel })[0]
            : rhat(c.x, { method: method as RhatMethod })[0];
        expectClose(got as number, want, 1e-10, `${name} ${key}`);
      }
    });
  }
});

/** "ess_z_scale_rel" → ["ess", "z_scale", true]. */
function splitKey(key: string): [string, string, boolean] {
  const rel = key.endsWith("_rel");
  const body = rel ? key.slice(0, -4) : key;
  const at = body.indexOf("_");
  return [body.slice(0, at), body.slice(at + 1), rel];
}

describe("ess and rhat options", () => {
  const x = fx.normal.x;
  it("default to bulk ESS and rank R̂", () => {
    expect(ess(x)[0]).toBe(ess(x, { method: "bulk" })[0]);
    expect(rhat(x)[0]).toBe(rhat(x, { method: "rank" })[0]);
  });
  it("reject unknown methods and malformed probabilities with a clear error", () => {
    expect(() => ess(x, { method: "nope" as EssMethod })).toThrow(/unknown method "nope"; use one of bulk/);
    expect(() => rhat(x, { method: "nope" as RhatMethod })).toThrow(/unknown method "nope"; use one of rank/);
    expect(() => ess(x, { method: "local" })).toThrow(/prob must be \[low, high\]/);
    expect(() => ess(x, { method: "local", prob: [0.2, 1.5] })).toThrow(/must lie in \[0, 1\], got 1.5/);
    expect(() => ess(x, { method: "quantile", prob: [0.1, 0.2] })).toThrow(/one probability/);
  });
});
