import { describe, expect, test } from "vitest";
import { formatDuration, ProgressDisplay, type ProgressStream } from "./progress-display.js";

/** Cursor-up / clear-line escapes and carriage returns, stripped to measure what a terminal shows. */
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[\\d*[AK]|\\r`, "g");
const ANSI_AT_START = new RegExp(`^${String.fromCharCode(27)}\\[(\\d*)([AK])`);

class FakeStream implements ProgressStream {
  readonly chunks: string[] = [];
  constructor(
    readonly isTTY: boolean,
    readonly columns?: number,
  ) {}
  write(text: string): boolean {
    this.chunks.push(text);
    return true;
  }
  /** The screen a terminal shows after replaying every write (cursor-up, clear-line, CR, LF; no wrap). */
  screen(): string[] {
    const rows: string[] = [""];
    let row = 0;
    const text = this.chunks.join("");
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      if (ch === "\x1b") {
        const m = ANSI_AT_START.exec(text.slice(i)) as RegExpExecArray;
        if (m[2] === "A") row = Math.max(0, row - Number(m[1] || 1));
        else rows[row] = "";
        i += m[0].length - 1;
      } else if (ch === "\r") {
        // carriage return: the next write overwrites the row (cleared with \x1b[2K first)
      } else if (ch === "\n") {
        row++;
        if (rows.length <= row) rows.push("");
      } else {
        rows[row] += ch;
      }
    }
    return rows.filter((r, i) => r !== "" || i < rows.length - 1);
  }
}

function clock(): { now: () => number; advance: (ms: number) => void } {
  let t = 1_000_000;
  return { now: () => t, advance: (ms) => (t += ms) };
}

function runChains(stream: FakeStream, numChains: number, total: number): void {
  const c = clock();
  const d = new ProgressDisplay(numChains, { stream, now: c.now });
  for (let it = 10; it <= total; it += 10) {
    for (let chain = 0; chain < numChains; chain++) {
      c.advance(40);
      d.update(chain, {
        done: it,
        total,
        label: `chain ${chain} ${it <= total / 2 ? "warmup" : "sample"}`,
        suffix: `${chain} divergences | 7 steps of size 1.23e-1. acc. prob=0.81 and a long diagnostics tail`,
      });
    }
  }
  d.finish();
}

describe("ProgressDisplay", () => {
  test.each([40, 80, 132])(
    "a terminal of %i columns shows exactly one line per chain, none wider",
    (cols) => {
      const stream = new FakeStream(true, cols);
      runChains(stream, 4, 1000);
      const screen = stream.screen();
      expect(screen).toHaveLength(4);
      for (const [i, line] of screen.entries()) {
        expect(line.length).toBeLessThan(cols);
        expect(line.startsWith(`chain ${i} sample`)).toBe(true);
        expect(line).toContain("1000/1000");
      }
      // Every physical line written fits, so the terminal never wraps.
      for (const chunk of stream.chunks) {
        for (const line of chunk.split("\n")) expect(line.replace(ANSI, "").length).toBeLessThan(cols);
      }
    },
  );

  test("elapsed, ETA and a rate measured over real progress", () => {
    const stream = new FakeStream(true, 200);
    const c = clock();
    const d = new ProgressDisplay(1, { stream, now: c.now, redrawMs: 0 });
    d.update(0, { done: 10, total: 1000, label: "SVI" });
    // First report: no rate and no ETA yet (the old bar printed 10 / 1 ms = 10000 it/s here).
    expect(stream.screen()[0]).toMatch(/10\/1000 \[0:00<\?\]$/);
    c.advance(2000);
    d.update(0, { done: 210, total: 1000, label: "SVI", suffix: "loss 3.2" });
    // 200 iterations in 2 s: 100 it/s; 790 left: 7.9 s; elapsed counts the 10 before the first report.
    expect(stream.screen()[0]).toMatch(/210\/1000 \[0:02<0:08, 100 it\/s\] loss 3\.2$/);
    c.advance(7900);
    d.update(0, { done: 1000, total: 1000, label: "SVI" });
    d.finish();
    expect(stream.screen()[0]).toMatch(/1000\/1000 \[0:10, 100 it\/s\]$/);
  });

  test("slow runs show seconds per iteration", () => {
    const stream = new FakeStream(true, 200);
    const c = clock();
    const d = new ProgressDisplay(1, { stream, now: c.now, redrawMs: 0 });
    d.update(0, { done: 1, total: 10, label: "x" });
    c.advance(4000);
    d.update(0, { done: 3, total: 10, label: "x" });
    expect(stream.screen()[0]).toContain("[0:06<0:14, 2.00 s/it]");
  });

  test("a non-terminal stream gets plain lines: no escape codes, a few per row, the last at the end", () => {
    const stream = new FakeStream(false);
    runChains(stream, 2, 1000);
    const text = stream.chunks.join("");
    expect(text).not.toContain("\x1b");
    expect(text).not.toContain("\r");
    const lines = text.trimEnd().split("\n");
    // 100 reports per chain over 8 s: one plain line per 5 s per chain plus the final one.
    expect(lines.length).toBeLessThanOrEqual(6);
    expect(lines.filter((l) => l.includes("1000/1000"))).toHaveLength(2);
  });

  test("without a stream nothing is written and nothing throws", () => {
    const d = new ProgressDisplay(2, { stream: null, now: () => 0 });
    d.update(0, { done: 1, total: 2, label: "a" });
    d.finish();
  });

  test("formatDuration", () => {
    expect(formatDuration(0)).toBe("0:00");
    expect(formatDuration(75.4)).toBe("1:15");
    expect(formatDuration(3725)).toBe("1:02:05");
  });
});
