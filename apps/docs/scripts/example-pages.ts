/**
 * Writes one docs page per gallery example (examples/<id>.md) from the example's `meta`, and the examples
 * index page. Run after changing an example's meta: `pnpm -F @phlox/docs docs:pages`.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { exampleIds, loadExample } from "@phlox/examples/gallery";

const docs = join(dirname(fileURLToPath(import.meta.url)), "..");
const gallery = join(docs, "../../examples/src/gallery");

/** The markdown of one example's page. */
export async function examplePage(id: string): Promise<string> {
  const { meta } = await loadExample(id);
  const src = readFileSync(join(gallery, `${id}.ts`), "utf8");
  const shared = [...src.matchAll(/from "\.\.\/([a-z0-9-]+)\.js"/g)]
    .map((m) => m[1] as string)
    .filter((f) => f !== "simulate");
  const d = meta.defaults;
  return [
    "---",
    `title: ${JSON.stringify(meta.title)}`,
    "---",
    "",
    `# ${meta.title}`,
    "",
    meta.description,
    "",
    `Ported from NumPyro (${meta.numpyro}). **Run** fits it here, in a Web Worker in your browser: ` +
      `${d.numChains} chains × (${d.numWarmup} warmup + ${d.numSamples} draws), then shows the summary and the ` +
      `trace and posterior plots of ${meta.plotSites.map((s) => `\`${s}\``).join(", ")}.`,
    "",
    `<RunExample id="${id}" />`,
    "",
    "## The code",
    "",
    `The example module (\`examples/src/gallery/${id}.ts\`): \`meta\` and \`run(options)\`, which this page and the ` +
      "Node test both call.",
    "",
    `<<< ../../../examples/src/gallery/${id}.ts`,
    "",
    ...shared.flatMap((f) => [
      `The model and its simulated data (\`examples/src/${f}.ts\`):`,
      "",
      `<<< ../../../examples/src/${f}.ts`,
      "",
    ]),
    "## Run it in Node",
    "",
    "From the repository root (the test fits it with short chains and checks what it recovers):",
    "",
    "```sh",
    `pnpm exec vitest run --project examples gallery -t "${id}"`,
    "```",
    "",
  ].join("\n");
}

/** The examples index page. */
export async function indexPage(): Promise<string> {
  const rows: string[] = [];
  for (const id of exampleIds) {
    const { meta } = await loadExample(id);
    rows.push(`| [${meta.title}](./${id}) | ${meta.numpyro} |`);
  }
  return [
    "# Examples",
    "",
    "Twenty NumPyro examples ported to Phlox. Every page has a **Run** button that fits the model in your " +
      "browser; every example also runs in Node in CI with short chains, checked against what generated its data.",
    "",
    "| Example | Ported from NumPyro |",
    "| --- | --- |",
    ...rows,
    "",
  ].join("\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const id of exampleIds) writeFileSync(join(docs, "examples", `${id}.md`), await examplePage(id));
  writeFileSync(join(docs, "examples", "index.md"), await indexPage());
}
