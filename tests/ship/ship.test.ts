/**
 * Shipping, end to end, as a JS user meets Phlox: every publishable package is published (`pnpm publish -r`)
 * to a throwaway Verdaccio on loopback; a fresh npm project installs only what the root README's example
 * imports, and the example runs in Node (sequential and parallel chains) and, built by esbuild, Vite, Rollup
 * and webpack from the installed dist, in headless Chromium with its chains in Web Workers. No bundler may
 * report a warning. Builds the packages first (`turbo run build`: cached, so instant after `pnpm build`).
 */
import { execFileSync, spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { get } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type BundleResult,
  buildWithEsbuild,
  buildWithRollup,
  buildWithVite,
  buildWithWebpack,
} from "./bundlers.js";
import { CHROMIUM_PATH, runPage } from "./chromium.js";
import { browserVariant, importedPackages, readmeExample, toJs } from "./readme-example.js";
import { type Registry, startRegistry } from "./verdaccio.js";

const repo = join(dirname(fileURLToPath(import.meta.url)), "../..");
const example = readmeExample(join(repo, "README.md"));
const wanted = importedPackages(example);

/** Publishable workspace packages: name, version and folder. */
const publishable = readdirSync(join(repo, "packages"))
  .map((d) => ({ dir: join(repo, "packages", d), file: join(repo, "packages", d, "package.json") }))
  .filter((p) => existsSync(p.file))
  .map((p) => ({ ...p, pkg: JSON.parse(readFileSync(p.file, "utf8")) }))
  .filter((p) => !p.pkg.private);

let tmp = "";
let registry: Registry | undefined;
let app = "";
let npmrc = "";

/** GET a registry document on a fresh connection (Verdaccio closes idle keep-alive sockets). */
function getJson(url: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (text += d));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }),
      );
    }).on("error", reject);
  });
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
  const r = spawnSync(cmd, args, {
    cwd,
    env: { ...process.env, ...env },
    encoding: "utf8",
    timeout: 900_000,
  });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  }
  return r.stdout;
}

describe("publish to a local registry, install what the README imports, run it", () => {
  beforeAll(async () => {
    const filters = publishable.map((p) => `--filter=${p.pkg.name}`);
    run("pnpm", ["exec", "turbo", "run", "build", "--output-logs=errors-only", ...filters], repo);
    const missing = publishable.filter((p) => !existsSync(join(p.dir, "dist/index.node.js")));
    expect(
      missing.map((p) => p.pkg.name),
      "packages without a built dist/",
    ).toEqual([]);
    tmp = mkdtempSync(join(tmpdir(), "phlox-ship-"));
    registry = await startRegistry(join(tmp, "registry"));
    const host = registry.url.replace(/^http:/, "");
    npmrc = join(tmp, "npmrc");
    writeFileSync(npmrc, `registry=${registry.url}\n${host}:_authToken=${registry.token}\n`);
    const env = {
      npm_config_userconfig: npmrc,
      NPM_CONFIG_USERCONFIG: npmrc,
      npm_config_registry: registry.url,
    };
    run("pnpm", ["-r", "publish", "--no-git-checks", "--registry", registry.url], repo, env);
    app = join(tmp, "app");
    mkdirSync(app);
    writeFileSync(
      join(app, "package.json"),
      `${JSON.stringify({ name: "app", private: true, type: "module" })}\n`,
    );
    run(
      "npm",
      [
        "install",
        ...wanted,
        "--registry",
        registry.url,
        "--cache",
        join(tmp, "npm-cache"),
        "--no-audit",
        "--no-fund",
      ],
      app,
      { npm_config_userconfig: npmrc },
    );
  });

  afterAll(async () => {
    await registry?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it("publishes every package with ranges, metadata and a LICENSE", async () => {
    for (const { pkg } of publishable) {
      const r = await getJson(`${registry?.url}${pkg.name.replace("/", "%2f")}`);
      expect(r.status, `${pkg.name} is not in the registry`).toBe(200);
      const doc = r.body as { versions: Record<string, Record<string, unknown>> };
      const m = doc.versions[pkg.version] as Record<string, Record<string, string> | string | undefined>;
      expect(m, `${pkg.name}@${pkg.version}`).toBeDefined();
      expect(pkg.version).not.toBe("0.0.0");
      for (const field of ["dependencies", "peerDependencies"] as const) {
        for (const [dep, range] of Object.entries((m[field] as Record<string, string>) ?? {})) {
          expect(range, `${pkg.name} ${field}.${dep}`).not.toMatch(/^workspace:/);
        }
      }
      const tensorPeer = (m.peerDependencies as Record<string, string> | undefined)?.["@phlox/tensor"];
      if (pkg.peerDependencies?.["@phlox/tensor"]) expect(tensorPeer, pkg.name).toBe(">=0.1.0 <1.0.0");
      expect(
        (m.dependencies as Record<string, string> | undefined)?.["@phlox/tensor"],
        pkg.name,
      ).toBeUndefined();
      expect((m.repository as unknown as Record<string, string>)?.directory).toMatch(/^packages\//);
      expect((m.engines as unknown as Record<string, string>)?.node).toBe(">=20");
    }
    for (const name of wanted) {
      expect(existsSync(join(app, "node_modules", name, "LICENSE")), `${name}/LICENSE`).toBe(true);
    }
  });

  it("installs one copy of the core", () => {
    const out = execFileSync("npm", ["ls", "@phlox/tensor", "--all", "--parseable"], {
      cwd: app,
      encoding: "utf8",
    });
    expect(
      out
        .trim()
        .split("\n")
        .filter((l) => l.includes("@phlox/tensor")),
    ).toHaveLength(1);
  });

  it("runs the README example in Node", async () => {
    writeFileSync(join(app, "readme.mjs"), await toJs(example));
    const out = run(process.execPath, ["readme.mjs"], app);
    expect(out).toMatch(/^\s*mu\s/m);
    expect(out).toMatch(/^\s*tau\s/m);
    // printSummary hides deterministic sites (theta) by default, as NumPyro 0.21
    expect(out).toMatch(/theta_raw\[7\]/);
    expect(out).not.toMatch(/^\s*theta\[7\]/m);
  });

  it("runs the README example with parallel chains (worker threads) in Node", async () => {
    writeFileSync(
      join(app, "parallel.mjs"),
      `${await toJs(browserVariant(example))}\nconsole.log(JSON.stringify(globalThis.__phlox));\n`,
    );
    const out = run(process.execPath, ["parallel.mjs"], app);
    const r = JSON.parse(out.trim().split("\n").at(-1) as string) as { draws: number; meanMu: number };
    expect(r.draws).toBe(4000);
    // Eight schools' posterior mean of mu is about 4.4 (posterior sd ≈ 3.3; 4000 draws).
    expect(Math.abs(r.meanMu - 4.4)).toBeLessThan(1);
  });

  it("refuses a second copy of @phlox/tensor with a PhloxError that says how to fix it", () => {
    const nested = join(app, "node_modules/@phlox/mcmc/node_modules/@phlox/tensor");
    cpSync(join(app, "node_modules/@phlox/tensor"), nested, { recursive: true });
    try {
      writeFileSync(join(app, "two.mjs"), 'import "@phlox/tensor";\nawait import("@phlox/mcmc");\n');
      const r = spawnSync(process.execPath, ["two.mjs"], { cwd: app, encoding: "utf8" });
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain("DuplicateCoreError");
      expect(r.stderr).toContain("@phlox/tensor was loaded twice");
      expect(r.stderr).toContain("peer dependency");
    } finally {
      rmSync(join(app, "node_modules/@phlox/mcmc/node_modules"), { recursive: true, force: true });
    }
  });

  const bundlers: [string, (appDir: string, entry: string, outDir: string) => Promise<BundleResult>][] = [
    ["esbuild", buildWithEsbuild],
    ["Vite", buildWithVite],
    ["Rollup", buildWithRollup],
    ["webpack", buildWithWebpack],
  ];
  for (const [name, bundle] of bundlers) {
    it(`${name} builds the README example for the browser without warnings; it runs in Chromium with parallel chains`, async () => {
      writeFileSync(join(app, "browser.js"), await toJs(browserVariant(example)));
      const built = await bundle(app, "browser.js", join(tmp, `out-${name}`));
      expect(built.warnings).toEqual([]);
      if (!existsSync(CHROMIUM_PATH)) {
        expect(process.env.PHLOX_REQUIRE_WEBGPU, `${CHROMIUM_PATH} is missing`).not.toBe("1");
        return;
      }
      const page = await runPage(built.outDir);
      expect(page.errors).toEqual([]);
      const r = page.result as { draws: number; meanMu: number; summary: string };
      expect(page.workers).toBe(4);
      expect(r.draws).toBe(4000);
      expect(Math.abs(r.meanMu - 4.4)).toBeLessThan(1);
      expect(r.summary).toMatch(/^\s*mu\s/m);
    });
  }
});
