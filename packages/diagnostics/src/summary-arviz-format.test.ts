import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { formatArvizSummary } from "./summary-arviz-format.js";

// fixtures/arviz_summary_print.json: `az.summary(idata, ...).to_string()` of ArviZ 0.23.4 on seeded draws
// (scripts/arviz_summary_print.py).
interface Case {
  name: string;
  posterior: Record<string, { data: number[]; shape: number[] }>;
  options: { kind?: "all" | "stats" | "diagnostics"; hdi_prob?: number };
  text: string;
}
const fx = JSON.parse(
  readFileSync(new URL("../fixtures/arviz_summary_print.json", import.meta.url), "utf8"),
) as { cases: Case[] };

describe("formatArvizSummary prints what print(az.summary(idata)) prints", () => {
  it.each(fx.cases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const text = formatArvizSummary(c.posterior, { kind: c.options.kind, prob: c.options.hdi_prob });
    expect(text).toBe(c.text);
  });

  it("rejects an unknown kind", () => {
    expect(() => formatArvizSummary(fx.cases[0].posterior, { kind: "some" as never })).toThrow(
      expect.objectContaining({ code: "invalid-argument" }),
    );
  });
});
