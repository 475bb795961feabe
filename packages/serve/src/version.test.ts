import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SERVE_VERSION } from "./version.js";

describe("SERVE_VERSION", () => {
  it("equals package.json's version", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
      version: string;
    };
    expect(SERVE_VERSION).toBe(pkg.version);
  });
});
