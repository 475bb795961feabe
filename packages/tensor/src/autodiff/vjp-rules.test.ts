import { describe, expect, it } from "vitest";
import { getPrimitive, type PrimitiveName, primitiveNames } from "../index.js";
import { installVjpRules } from "./vjp-rules.js";

describe("installVjpRules", () => {
  it("gives every differentiable built-in primitive its VJP rule", () => {
    installVjpRules();
    const missing = primitiveNames().filter((name) => {
      const p = getPrimitive(name as PrimitiveName);
      return p.nondiff !== true && p.vjp === undefined;
    });
    expect(missing).toEqual([]);
    expect(getPrimitive("matmul").vjp).toBeTypeOf("function");
  });

  it("is idempotent", () => {
    installVjpRules();
    const exp = getPrimitive("exp");
    const rule = exp.vjp;
    installVjpRules();
    expect(exp.vjp).toBe(rule);
  });
});
