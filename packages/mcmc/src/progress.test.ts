import { afterEach, expect, test, vi } from "vitest";
import { ProgressBar } from "./progress.js";

afterEach(() => vi.restoreAllMocks());

test("ProgressBar.update draws one line per chain with it/s, divergences and the kernel's diagnostics", () => {
  const writes: string[] = [];
  vi.spyOn(process.stderr, "write").mockImplementation((s: string | Uint8Array) => {
    writes.push(String(s));
    return true;
  });
  const bar = new ProgressBar(2);
  bar.update({
    chain: 0,
    iteration: 10,
    total: 10,
    phase: "sample",
    numDivergences: 3,
    diagnostics: "7 steps of size 1.00e-1. acc. prob=0.81",
  });
  bar.finish();
  const text = writes.join("");
  expect(text).toMatch(
    /chain 0 sample .* 10\/10 \d+ it\/s, 3 divergences \| 7 steps of size 1\.00e-1\. acc\. prob=0\.81/,
  );
  expect(text.match(/\n/g)?.length).toBeGreaterThanOrEqual(2);
});
