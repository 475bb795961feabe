/** Test helpers: a throwaway redis-server on a free loopback port, and worker processes (run from source). */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { probeRedis } from "../connection.js";

/** A free TCP port on 127.0.0.1 (nothing listens on it when this returns). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      const port = typeof a === "object" && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** A running redis-server. */
export interface TestRedis {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * Starts `redis-server` (from PATH, or `$REDIS_SERVER`) on a free loopback port with no persistence in a temp
 * directory, and waits until it answers.
 */
export async function startRedis(): Promise<TestRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "phlox-redis-"));
  const proc = spawn(
    process.env.REDIS_SERVER ?? "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  proc.stderr?.on("data", (b: Buffer) => {
    stderr += b.toString();
  });
  const url = `redis://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`redis-server exited (${proc.exitCode}): ${stderr}`);
    try {
      await probeRedis(url, 1000);
      break;
    } catch (e) {
      if (Date.now() > deadline) {
        proc.kill("SIGKILL");
        throw e;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    url,
    port,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        const exited = new Promise((r) => proc.once("exit", r));
        proc.kill("SIGTERM");
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A `phlox-distributed-worker` child process with its stdout lines. */
export interface WorkerProcess {
  proc: ChildProcess;
  lines: string[];
  /** Resolves with the first line (already printed or to come) matching `re`. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<string>;
  /** SIGTERM (or the given signal) and wait for exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

const cli = fileURLToPath(new URL("../cli.ts", import.meta.url));

/** Spawns the worker command from source (`node --conditions=@phlox/source --import tsx src/cli.ts ...args`). */
export function spawnWorker(args: readonly string[]): WorkerProcess {
  const proc = spawn(process.execPath, ["--conditions=@phlox/source", "--import", "tsx", cli, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  const waiters: { re: RegExp; resolve: (l: string) => void }[] = [];
  let buf = "";
  let err = "";
  proc.stdout?.on("data", (b: Buffer) => {
    buf += b.toString();
    let i = buf.indexOf("\n");
    while (i >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      lines.push(line);
      for (const w of [...waiters]) {
        if (w.re.test(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
      i = buf.indexOf("\n");
    }
  });
  proc.stderr?.on("data", (b: Buffer) => {
    err += b.toString();
  });
  return {
    proc,
    lines,
    waitFor(re, timeoutMs = 120_000) {
      const hit = lines.find((l) => re.test(l));
      if (hit) return Promise.resolve(hit);
      return new Promise((resolve, reject) => {
        const t = setTimeout(
          () =>
            reject(
              new Error(
                `worker: no line matching ${re} within ${timeoutMs} ms; stdout:\n${lines.join("\n")}\nstderr:\n${err}`,
              ),
            ),
          timeoutMs,
        );
        const onExit = () => reject(new Error(`worker exited before printing ${re}; stderr:\n${err}`));
        proc.once("exit", onExit);
        waiters.push({
          re,
          resolve: (l) => {
            clearTimeout(t);
            proc.off("exit", onExit);
            resolve(l);
          },
        });
      });
    },
    async stop(signal = "SIGTERM") {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise((r) => proc.once("exit", r));
      proc.kill(signal);
      await exited;
    },
  };
}
