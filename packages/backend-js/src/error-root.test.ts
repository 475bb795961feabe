import { PhloxError } from "@phlox/tensor";
import { describe, expect, it } from "vitest";
import { loadCompiled } from "./compile.js";
import { loadPotential } from "./potential.js";

// One error root: malformed serialised programs and potentials throw a PhloxError with a stable code.
const cases: [string, () => unknown, string][] = [
  ["loadCompiled({})", () => loadCompiled({} as never), "load-compiled-format"],
  ["loadCompiled(null)", () => loadCompiled(null as never), "load-compiled-format"],
  ["loadCompiled('not json')", () => loadCompiled("not json"), "load-compiled-format"],
  ["loadPotential({ format: 'x' })", () => loadPotential({ format: "x" } as never), "load-potential-format"],
  ["loadPotential('{')", () => loadPotential("{"), "load-potential-format"],
];

describe("bad serialised input throws a PhloxError with a stable code", () => {
  it.each(cases)("%s", (_name, fn, code) => {
    let caught: unknown;
    try {
      fn();
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(PhloxError);
    expect((caught as PhloxError).code).toBe(code);
  });
});
