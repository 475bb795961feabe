import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// `npx phlox ...` runs this package's bin, which is @phlox/cli's command (here from source, through tsx).
const PACKAGE = fileURLToPath(new URL("..", import.meta.url));

describe("the phlox bin", () => {
  it("is the @phlox/cli command", async () => {
    const child = spawn(
      process.execPath,
      ["--conditions=@phlox/source", "--import", "tsx", "bin/phlox.mjs", "--help"],
      { cwd: PACKAGE, stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    child.stdout.on("data", (b: Buffer) => {
      out += b.toString();
    });
    const code = await new Promise<number | null>((done) => child.on("close", done));
    expect(code).toBe(0);
    expect(out).toMatch(/^Usage: phlox \[options\] \[command\]/);
    expect(out).toMatch(/\n {2}prior-check \[options\] <model>/);
  }, 300_000);
});
