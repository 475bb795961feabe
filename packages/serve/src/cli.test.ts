import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCli, USAGE } from "./cli.js";
import { RADON_POSTERIOR } from "./testing/fixtures.js";
import { postJson } from "./testing/http.js";

const MODEL = fileURLToPath(new URL("./testing/radon-model.ts", import.meta.url));

describe("runCli (phlox-serve)", () => {
  it("loads a model module and a posterior file and listens; the server closes", async () => {
    const lines: string[] = [];
    const server = await runCli(
      [MODEL, RADON_POSTERIOR, "--port", "0", "--max-draws", "500", "--log-level", "error"],
      (l) => lines.push(l),
    );
    expect(server).not.toBeNull();
    try {
      expect(lines[0]).toMatch(
        /^phlox-serve: model "radon", posterior [0-9a-f]{16} \(1000 draws\), listening on http:\/\/127\.0\.0\.1:\d+$/,
      );
      const url = server?.url as string;
      const r = await postJson(`${url}/predict`, {
        inputs: { county: 1, log_uppm: 0, floor: 0 },
        numDraws: 500,
      });
      expect(r.status).toBe(200);
      const over = await postJson(`${url}/predict`, {
        inputs: { county: 1, log_uppm: 0, floor: 0 },
        numDraws: 501,
      });
      expect(over.status).toBe(400);
    } finally {
      await server?.close();
    }
  }, 120_000);

  it("prints the usage for --help, and refuses bad arguments with it", async () => {
    const lines: string[] = [];
    expect(await runCli(["--help"], (l) => lines.push(l))).toBeNull();
    expect(lines).toEqual([USAGE]);
    await expect(runCli([MODEL])).rejects.toThrow(/expected <model-module> <posterior>, got 1 argument/);
    await expect(runCli([MODEL, RADON_POSTERIOR, "--port=-3"])).rejects.toThrow(
      /--port must be a non-negative integer/,
    );
    await expect(runCli([MODEL, RADON_POSTERIOR, "--nope"])).rejects.toMatchObject({ code: "bad-option" });
  });
});
