import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readNetCDF, writeNetCDF } from "@phlox/arviz-io";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadPosterior } from "./posterior.js";
import { createServer, type PhloxServer } from "./server.js";
import { mapSite, RADON_POSTERIOR, tempDir } from "./testing/fixtures.js";
import { getJson, postJson } from "./testing/http.js";
import radonServable from "./testing/radon-model.js";

const tmp = tempDir();
const logLines: string[] = [];
let server: PhloxServer;
let url: string;
let fileB: string;
let idA: string;
let idB: string;
const request = { inputs: { county: 10, log_uppm: 0.4, floor: 1 }, seed: 3, numDraws: 500 };
/** The full answer (outputs) under each posterior, by posterior id. */
const expected = new Map<string, unknown>();

beforeAll(async () => {
  server = await createServer({
    model: radonServable,
    posterior: RADON_POSTERIOR,
    logger: { level: "info", stream: { write: (line: string) => logLines.push(line) } },
  });
  url = await server.listen();
  idA = server.posterior.id;
  // B differs from A in two sites, so that an answer mixing them would match neither.
  const a = await readNetCDF(RADON_POSTERIOR);
  const b = mapSite(
    mapSite(a, "alpha", (x) => x + 1),
    "beta",
    (x) => 2 * x,
  );
  fileB = join(tmp.dir, "b.nc");
  await writeNetCDF(b, fileB);
  idB = (await loadPosterior(fileB, server.predictor.latents)).id;
  expected.set(idA, (await postJson(`${url}/predict`, request)).body.outputs);
  // B's answer, computed from a second server started on B.
  const other = await createServer({ model: radonServable, posterior: fileB, logger: false });
  expected.set(
    idB,
    (await other.app.inject({ method: "POST", url: "/predict", payload: request })).json().outputs,
  );
  await other.close();
  expect(expected.get(idA)).not.toEqual(expected.get(idB));
}, 120_000);
afterAll(async () => {
  await server.close();
  tmp.cleanup();
});

/** Sends one prediction and checks it is wholly A's or wholly B's answer; returns the posterior id. */
async function predictOnce(): Promise<string> {
  const r = await postJson(`${url}/predict`, request);
  expect(r.status).toBe(200);
  const id = r.body.posterior as string;
  expect([idA, idB]).toContain(id);
  expect(r.body.outputs).toEqual(expected.get(id));
  return id;
}

describe("posterior swap", () => {
  it("answers from the old posterior until the new one is loaded and checked, then from the new one only", async () => {
    let open!: () => void;
    const gate = new Promise<void>((res) => {
      open = res;
    });
    // A loader that waits for the gate: the reload cannot finish before the test opens it.
    const reload = server.reloadPosterior(async () => {
      await gate;
      return fileB;
    });
    const during = await Promise.all(Array.from({ length: 40 }, predictOnce));
    expect(new Set(during)).toEqual(new Set([idA]));
    open();
    // Requests in flight while the file is read and checked: each is A's or B's, never a mix.
    const racing = Array.from({ length: 60 }, predictOnce);
    expect((await reload).id).toBe(idB);
    await Promise.all(racing);
    const after = await Promise.all(Array.from({ length: 40 }, predictOnce));
    expect(new Set(after)).toEqual(new Set([idB]));
    expect((await getJson(`${url}/health`)).body).toMatchObject({
      posterior: idB,
      lastReload: { ok: true, posterior: idB },
    });
  }, 120_000);

  it("refuses and logs a corrupt or invalid posterior, and keeps serving the one it had", async () => {
    const bytes = readFileSync(fileB);
    const truncated = join(tmp.dir, "truncated.nc");
    writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const negative = join(tmp.dir, "negative-sigma.nc");
    await writeNetCDF(
      mapSite(await readNetCDF(fileB), "sigma_y", (x, i) => (i === 500 ? -x : x)),
      negative,
    );
    for (const bad of [truncated, negative, join(tmp.dir, "missing.nc")]) {
      const racing = Array.from({ length: 20 }, predictOnce);
      await expect(server.reloadPosterior(bad)).rejects.toMatchObject({ code: "bad-posterior" });
      expect(new Set(await Promise.all(racing))).toEqual(new Set([idB]));
      expect(server.posterior.id).toBe(idB);
      const h = (await getJson(`${url}/health`)).body as {
        posterior: string;
        lastReload: { ok: boolean; error: string };
      };
      expect(h.posterior).toBe(idB);
      expect(h.lastReload.ok).toBe(false);
      expect(h.lastReload.error).toContain(bad);
      const logged = logLines.map((l) => JSON.parse(l) as { level: number; msg: string; error?: string });
      expect(
        logged.some((l) => l.level === 50 && l.msg.includes("posterior refused") && l.error?.includes(bad)),
      ).toBe(true);
    }
    expect(await predictOnce()).toBe(idB);
  }, 120_000);

  it("reloads the last good source when called without one, in call order", async () => {
    const [first, second] = await Promise.all([
      server.reloadPosterior(RADON_POSTERIOR),
      server.reloadPosterior(),
    ]);
    expect(first.id).toBe(idA);
    expect(second.id).toBe(idA);
    expect(await predictOnce()).toBe(idA);
  }, 120_000);
});
