import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import * as T from "@phlox/tensor";
import { makeProgram, simplify, type Tensor } from "@phlox/tensor";
import { build } from "esbuild";
import { chromium } from "playwright-core";
import { describe, expect, it } from "vitest";
import { compileProgram } from "./compile.js";
import { engineIndependentMath } from "./internal/elementwise.js";
import { portableMath, setEngineIndependentMath } from "./portable-math.js";

/** Chromium's executable: `PHLOX_CHROMIUM`, else Debian's `/usr/bin/chromium`. */
const CHROMIUM_PATH = process.env.PHLOX_CHROMIUM ?? "/usr/bin/chromium";

const f64 = new Float64Array(1);
const bits = new BigInt64Array(f64.buffer);
/** A double's position on the number line in ulps (monotone; ±0 both 0). */
function ord(x: number): bigint {
  f64[0] = x;
  const b = bits[0] as bigint;
  return b < 0n ? -(b & 0x7fffffffffffffffn) : b;
}
function ulps(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b))
    return Number.isNaN(a) && Number.isNaN(b) ? 0 : Number.POSITIVE_INFINITY;
  const d = ord(a) - ord(b);
  return Number(d < 0n ? -d : d);
}

/** A fixed pseudo-random sample (xorshift32). */
function sampler(seed: number): () => number {
  let s = seed | 0;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

type Name = keyof typeof portableMath;
/** Arguments for each function: typical magnitudes, tiny ones, and the edges of the range. */
function inputs(name: Name, n: number, seed = 7): number[] {
  const r = sampler(seed);
  const wide = (lo: number, hi: number): number => (r() * 2 - 1) * 2 ** (lo + r() * (hi - lo));
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const u = r();
    switch (name) {
      case "exp":
        out.push(u < 0.5 ? r() * 1455 - 745 : wide(-35, 5));
        break;
      case "expm1":
        out.push(u < 0.5 ? r() * 750 - 40 : wide(-55, 5));
        break;
      case "log":
        out.push(2 ** (r() * 2100 - 1074) * (1 + r()));
        break;
      case "log1p":
        out.push(u < 0.4 ? -r() : u < 0.6 ? wide(-60, 0) : 2 ** (r() * 80 - 40));
        break;
      case "tanh":
        out.push(u < 0.5 ? r() * 50 - 25 : wide(-35, 5));
        break;
      default: // sin, cos, tan: small, medium and huge arguments (Payne–Hanek)
        out.push(u < 0.05 ? wide(30, 1023) : wide(-30, 25));
    }
  }
  return out;
}

const SPECIAL = [0, -0, 1, -1, 0.5, 2, 1e-310, -1e-310, 5e-324, 1e300, -1e300, 709.78, -745.1, 1.7e308];
const SPECIAL_INF = [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN];

describe("portableMath: engine-independent elementary functions", () => {
  const names = Object.keys(portableMath) as Name[];
  // within 1 ulp of this engine's Math.* (each within 1 ulp of the true value); tan is a quotient: 2 ulps
  const tol: Record<Name, number> = { exp: 1, log: 1, log1p: 1, expm1: 1, sin: 1, cos: 1, tan: 2, tanh: 1 };

  it.each(names)("%s is within an ulp of Math.* over a wide sample", (name) => {
    const p = portableMath[name];
    const m = Math[name] as (x: number) => number;
    let worst = 0;
    let at = 0;
    for (const x of [...inputs(name, 40_000), ...SPECIAL]) {
      const d = ulps(p(x), m(x));
      if (d > worst) {
        worst = d;
        at = x;
      }
    }
    expect({ name, worst, at }).toEqual({ name, worst: Math.min(worst, tol[name]), at });
  });

  it.each(names)("%s agrees with Math.* on ±∞, NaN and signed zeros", (name) => {
    const p = portableMath[name];
    const m = Math[name] as (x: number) => number;
    for (const x of [...SPECIAL_INF, 0, -0]) expect(Object.is(p(x), m(x))).toBe(true);
  });

  it("generated code calls the portable functions when asked, and Math.* otherwise", () => {
    const program = simplify(
      makeProgram(
        (x: Tensor) => T.add(T.exp(x), T.mul(T.sin(x), T.log1p(T.abs(x)))),
        [{ shape: [4], dtype: "float64" }],
      ).program,
    );
    const x = new Float64Array([1, -0.3, 2.5, 40]);
    const want = (m: Pick<typeof Math, "exp" | "sin" | "log1p">): number[] =>
      Array.from(x, (v) => m.exp(v) + m.sin(v) * m.log1p(Math.abs(v)));
    try {
      setEngineIndependentMath(true);
      expect(engineIndependentMath()).toBe(true);
      const portable = compileProgram(program);
      setEngineIndependentMath(false);
      const plain = compileProgram(program);
      expect(portable.source).toMatch(/pexp\(/);
      expect(plain.source).not.toMatch(/pexp\(/);
      expect(Array.from(portable.call([x])[0] as Float64Array)).toEqual(want(portableMath));
      expect(Array.from(plain.call([x])[0] as Float64Array)).toEqual(want(Math));
    } finally {
      setEngineIndependentMath(false);
    }
  });

  it("gives bit-identical results in Node and in headless Chromium", { timeout: 120_000 }, async () => {
    // the module, bundled as a script that computes every function over the sample and returns the bits
    const source = `import { portableMath } from "./portable-math.ts";
      const xs = ${JSON.stringify(names.map((n) => inputs(n, 5000, 11)))};
      const names = ${JSON.stringify(names)};
      const f = new Float64Array(1), u = new Uint32Array(f.buffer);
      globalThis.__bits = names.map((n, i) => xs[i].map((x) => { f[0] = portableMath[n](x); return u[0] + ":" + u[1]; }).join(","));`;
    const bundled = await build({
      stdin: { contents: source, resolveDir: dirname(fileURLToPath(import.meta.url)), loader: "ts" },
      bundle: true,
      format: "iife",
      write: false,
      logLevel: "silent",
    });
    const script = bundled.outputFiles[0]?.text as string;
    const inNode = new Function(`${script}; return globalThis.__bits;`)() as string[];
    const browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [
        "--no-sandbox",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
      ],
    });
    try {
      const page = await browser.newPage();
      const inChromium = (await page.evaluate(`${script}; globalThis.__bits`)) as string[];
      expect(inChromium.length).toBe(names.length);
      for (let i = 0; i < names.length; i++)
        expect({ fn: names[i], same: inChromium[i] === inNode[i] }).toEqual({ fn: names[i], same: true });
    } finally {
      await browser.close();
    }
  });
});
