import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { probeNodeWebGpu } from "./gpu-probe.js";

// A Node process that uses the WebGPU backend (the README example) must exit by itself once it calls
// `destroy()`: Dawn keeps the event loop alive while a GPUDevice exists.
const PACKAGE = fileURLToPath(new URL("..", import.meta.url));
const required = process.env.PHLOX_REQUIRE_WEBGPU === "1";
const probe = await probeNodeWebGpu();

const script = (destroy: boolean): string => `
import { registerBackend, setBackend, tensor, valueAndGrad } from "@phlox/tensor";
import { jitOnBackend, webgpu } from "./src/index.ts";
import { nodeGpu } from "./src/node.ts";
const be = await webgpu({ gpu: await nodeGpu() });
registerBackend(be);
setBackend("webgpu");
const vg = jitOnBackend((w) => valueAndGrad((v) => v.mul(v).sum())(w), be);
const [, grad] = vg(tensor([1, 2, 3]));
console.log(JSON.stringify(Array.from(await grad.data())));
${destroy ? "be.destroy();" : ""}
let after = "";
try { be.exec("add", [], {}, [1], "float32"); } catch (e) { after = e.code; }
console.log(after);
`;

/** Runs the script; resolves with the exit code, or "alive" if it has not exited `graceMs` after printing. */
function run(
  destroy: boolean,
  graceMs: number,
): Promise<{ code: number | "alive"; out: string; err: string }> {
  const child = spawn(
    process.execPath,
    ["--conditions=@phlox/source", "--import", "tsx", "--input-type=module", "-e", script(destroy)],
    { cwd: PACKAGE, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env } },
  );
  let out = "";
  let err = "";
  return new Promise((resolve) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    child.stdout.on("data", (b: Buffer) => {
      out += b.toString();
      // Both lines printed: the work is done; from now on only the GPU device could keep the process alive.
      if (timer === undefined && out.split("\n").length > 2) {
        timer = setTimeout(() => {
          child.kill("SIGKILL");
          resolve({ code: "alive", out, err });
        }, graceMs);
      }
    });
    child.stderr.on("data", (b: Buffer) => {
      err += b.toString();
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, out, err });
    });
  });
}

if (probe.ok) {
  describe("WebGPU backend in a Node process", () => {
    it("exits by itself after destroy(), and the destroyed backend throws webgpu-destroyed", async () => {
      const r = await run(true, 60_000);
      expect(r.code, r.err).toBe(0);
      const [grad, after] = r.out.trim().split("\n");
      expect(JSON.parse(grad)).toEqual([2, 4, 6]);
      expect(after).toBe("webgpu-destroyed");
    }, 180_000);

    it("without destroy() the process stays alive (what destroy() fixes)", async () => {
      const r = await run(false, 3000);
      expect(r.code, r.err).toBe("alive");
    }, 180_000);
  });
} else {
  describe("WebGPU backend in a Node process", () => {
    it(`webgpu adapter unavailable: ${probe.reason} (set PHLOX_REQUIRE_WEBGPU=1 to make this fail)`, () => {
      expect(probe.reason.length).toBeGreaterThan(0);
      expect(required, `PHLOX_REQUIRE_WEBGPU=1 but ${probe.reason}`).toBe(false);
    });
  });
}
