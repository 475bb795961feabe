import { describe, expect, test } from "vitest";
import { type Backend, jsBackend } from "../core/backend.js";
import { checkBackendConformance } from "./conformance.js";

describe("checkBackendConformance(backend) compares every primitive with the reference kernels", () => {
  test("a backend running the reference kernels conforms", () => {
    const copy: Backend = { ...jsBackend, name: "js-copy", create: (d) => d.slice() };
    expect(checkBackendConformance(copy)).toEqual([]);
  });

  test("a wrong kernel is reported with the element, and skips are listed with their reason", () => {
    const broken: Backend = {
      ...jsBackend,
      name: "broken",
      exec: (prim, inputs, params, shape, dtype) => {
        const out = prim.kernel(inputs, params, shape, dtype);
        if (prim.name === "exp") out[1] += 1e-6;
        return out;
      },
    };
    const report = checkBackendConformance(broken, { skip: { cholesky: "not implemented (issue #1)" } });
    expect(report).toContain("skip cholesky: not implemented (issue #1)");
    expect(report.some((l) => l.startsWith("exp: element 1"))).toBe(true);
    expect(report.length).toBe(2);
  });
});
