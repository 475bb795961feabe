import { expect, test } from "vitest";
import { ProgressBar } from "./progress.js";

/** Cursor-up / clear-line escapes and carriage returns, stripped to measure what a terminal shows. */
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[\\d*[AK]|\\r`, "g");

test("ProgressBar draws one line per chain with counts, divergences and the kernel's diagnostics, cut to the width", () => {
  for (const columns of [40, 80, 160]) {
    const writes: string[] = [];
    let t = 0;
    const bar = new ProgressBar(2, {
      stream: { isTTY: true, columns, write: (s) => writes.push(s) },
      now: () => (t += 1000),
    });
    for (const chain of [0, 1]) {
      bar.update({
        chain,
        iteration: 10,
        total: 10,
        phase: "sample",
        numDivergences: 3,
        diagnostics: "7 steps of size 1.00e-1. acc. prob=0.81",
      });
    }
    bar.finish();
    const last = writes[writes.length - 1].split("\n").slice(0, -1);
    expect(last).toHaveLength(2);
    for (const line of last) expect(line.replace(ANSI, "").length).toBeLessThan(columns);
    if (columns === 160) {
      expect(last[1]).toMatch(
        /chain 1 sample .* 10\/10 \[0:0\d\] 3 divergences \| 7 steps of size 1\.00e-1\. acc\. prob=0\.81$/,
      );
    }
  }
});
