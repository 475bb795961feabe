import { describe, expect, it } from "vitest";
import { claimSingleCopy, DuplicateCoreError } from "./single-copy.js";

describe("claimSingleCopy", () => {
  it("lets the first copy and a reload of the same module in, and refuses a copy from elsewhere", () => {
    const realm = {};
    const a = "file:///app/node_modules/@phlox/tensor/dist/index.node.js";
    const b = "file:///app/node_modules/@phlox/mcmc/node_modules/@phlox/tensor/dist/index.node.js";
    claimSingleCopy(a, realm);
    claimSingleCopy(`${a}?t=123`, realm);
    let caught: unknown;
    try {
      claimSingleCopy(b, realm);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(DuplicateCoreError);
    expect((caught as DuplicateCoreError).code).toBe("duplicate-core");
    expect((caught as Error).message).toContain(a);
    expect((caught as Error).message).toContain(b);
    expect((caught as Error).message).toContain("peer dependency");
  });

  it("has claimed this realm for the loaded @phlox/tensor", async () => {
    await import("./tensor.js");
    const claim = (globalThis as Record<symbol, { url: string } | undefined>)[
      Symbol.for("phlox.tensor.core")
    ];
    expect(claim?.url).toMatch(/tensor\.ts$/);
  });
});
