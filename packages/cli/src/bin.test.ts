import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { fixture, runPhlox } from "./testing/capture.js";

// The `phlox` command as a child process, from source: node loads the TypeScript through tsx and resolves the
// workspace packages to their sources (the "@phlox/source" condition), exactly as bin/phlox.mjs runs the bundle.
const PACKAGE = fileURLToPath(new URL("..", import.meta.url));
const ENTRY = fileURLToPath(new URL("./testing/phlox-source.ts", import.meta.url));
const NODE_ARGS = ["--conditions=@phlox/source", "--import", "tsx", ENTRY];
const tmp = mkdtempSync(join(tmpdir(), "phlox-cli-bin-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function start(args: readonly string[]): { child: ChildProcess; stdout: () => string; stderr: () => string } {
  const child = spawn(process.execPath, [...NODE_ARGS, ...args], {
    cwd: PACKAGE,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout?.on("data", (b: Buffer) => {
    out += b.toString();
  });
  child.stderr?.on("data", (b: Buffer) => {
    err += b.toString();
  });
  return { child, stdout: () => out, stderr: () => err };
}

function phlox(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const p = start(args);
  return new Promise((done, fail) => {
    p.child.on("error", fail);
    p.child.on("close", (code) => done({ code, stdout: p.stdout(), stderr: p.stderr() }));
  });
}

describe("the phlox command (child process)", () => {
  it("exits 0, 1 or 2 as documented, with messages on stderr", async () => {
    const [help, good, bad, noModel] = await Promise.all([
      phlox(["--help"]),
      phlox(["diagnose", fixture("good.nc")]),
      phlox(["diagnose", fixture("bad.nc")]),
      phlox(["run", fixture("no-model.mjs"), "--out", join(tmp, "x.nc")]),
    ]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: phlox \[options\] \[command\]/);
    for (const c of ["diagnose", "compare", "prior-check", "bench", "run", "serve"])
      expect(help.stdout).toMatch(new RegExp(`\\n  ${c} \\[options\\]`));
    expect(good.code).toBe(0);
    expect(good.stdout).toMatch(/passed: all 5 checks\n$/);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/FAILED: 5 of 5 checks/);
    expect(noModel.code).toBe(2);
    expect(noModel.stderr).toMatch(/phlox run: model module ".*no-model\.mjs" exports no model function/);
    expect(noModel.stdout).toBe("");
    const unknown = await runPhlox(["frobnicate"]);
    expect(unknown.code).toBe(2);
    expect(unknown.err.join("\n")).toMatch(/unknown command 'frobnicate'/);
  }, 300_000);

  it("serves a fitted posterior (phlox serve) until SIGTERM", async () => {
    const posterior = join(tmp, "linear.nc");
    const fit = await runPhlox([
      "run",
      fixture("linear.ts"),
      "-d",
      fixture("linear.json"),
      "-o",
      posterior,
      "--warmup",
      "200",
      "--samples",
      "200",
      "--quiet",
    ]);
    expect(fit.code).toBe(0);
    const p = start([
      "serve",
      fixture("linear.ts"),
      "--posterior",
      posterior,
      "--port",
      "0",
      "--log-level",
      "error",
    ]);
    const closed = new Promise<number | null>((done) => p.child.on("close", done));
    try {
      const url = await new Promise<string>((done, fail) => {
        const check = () => {
          const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(p.stdout());
          if (m) done(m[1]);
        };
        p.child.stdout?.on("data", check);
        p.child.on("close", (code) => fail(new Error(`phlox serve exited ${code}: ${p.stderr()}`)));
      });
      expect(p.stdout()).toMatch(/^phlox serve: model "linear", posterior [0-9a-f]{16} \(800 draws\)/);
      const health = (await (await fetch(`${url}/health`)).json()) as { status: string; model: string };
      expect(health).toMatchObject({ status: "ok", model: "linear" });
      const r = await fetch(`${url}/predict`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ inputs: { x: 1 }, numDraws: 200 }),
      });
      const body = (await r.json()) as { outputs: { y: { mean: number } } };
      expect(r.status).toBe(200);
      expect(body.outputs.y.mean).toBeGreaterThan(1.5); // alpha + beta ≈ 2.6 on the fixture data
      expect(body.outputs.y.mean).toBeLessThan(3.7);
    } finally {
      p.child.kill("SIGTERM");
    }
    expect(await closed).toBe(0);
  }, 300_000);

  it("answers --help for every command", async () => {
    const options: Record<string, string[]> = {
      diagnose: ["--rhat-max", "--ess-min", "--divergences-max", "--bfmi-min", "--html", "--json"],
      compare: ["--ic", "--method", "--scale", "--var-name", "--names"],
      "prior-check": ["--data", "--samples", "--out"],
      bench: ["--data", "--svi-steps", "--lr", "--draws", "--warmup", "--chains"],
      run: ["--data", "--out", "--warmup", "--samples", "--chains", "--seed", "--chain-method"],
      serve: ["--posterior", "--host", "--port", "--max-draws"],
    };
    for (const [cmd, opts] of Object.entries(options)) {
      const r = await runPhlox([cmd, "--help"]);
      expect(r.code, cmd).toBe(0);
      const text = r.out.join("\n");
      expect(text).toMatch(new RegExp(`^Usage: phlox ${cmd} \\[options\\]`));
      for (const o of opts) expect(text, `${cmd} ${o}`).toContain(o);
    }
  }, 300_000);
});
