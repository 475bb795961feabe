/** The root README's first TypeScript example, as the shipping tests run it. */
import { readFileSync } from "node:fs";
import { transform } from "esbuild";

/** The README's first ```ts block. */
export function readmeExample(readmePath: string): string {
  const m = /```ts\n([\s\S]*?)```/.exec(readFileSync(readmePath, "utf8"));
  if (!m?.[1]) throw new Error(`${readmePath} has no \`\`\`ts example`);
  return m[1];
}

/** The packages an example imports (`from "@phlox/..."`), sorted. */
export function importedPackages(code: string): string[] {
  return [...new Set([...code.matchAll(/from\s+"(@phlox\/[a-z0-9-]+)"/g)].map((m) => m[1] as string))].sort();
}

/** TypeScript to JavaScript (types erased, ES modules kept). */
export async function toJs(code: string): Promise<string> {
  return (await transform(code, { loader: "ts", format: "esm", target: "es2022" })).code;
}

/**
 * The README example for a browser page: its MCMC runs its chains in Web Workers (`chainMethod:
 * "parallel"`), and the page stores what it found in `window.__phlox`: the number of draws of `mu`, their
 * mean, and the printed summary.
 */
export function browserVariant(example: string): string {
  const options = /numChains: (\d+) \}/;
  if (!options.test(example)) throw new Error("README example: no `numChains: N }` to add chainMethod to");
  const parallel = example
    .replace(options, 'numChains: $1, chainMethod: "parallel" }')
    .replace("mcmc.printSummary();", "const summary = mcmc.printSummary();");
  return `${parallel}
{
  const mu: any = (mcmc.getSamples() as any).mu;
  const data: ArrayLike<number> = typeof mu.dataSync === "function" ? mu.dataSync() : mu.data;
  let sum = 0;
  for (let i = 0; i < data.length; i++) sum += data[i] as number;
  (globalThis as any).__phlox = { draws: data.length, meanMu: sum / data.length, summary: String(summary) };
}
`;
}
