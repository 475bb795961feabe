// First-call cost of initializeModel and of the compiled postprocess on eight schools (non-centred), each in a
// fresh Node process, as the main job pays them. Prints medians and quartiles over the runs; asserts nothing.
// Run after `pnpm build`: `node packages/infer/bench/cold-init.mjs [runs=21]` (from the repository root).
import { execFileSync } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const child = `
const url = (p) => ${JSON.stringify(pathToFileURL(root).href)} + p;
const { initializeModel } = await import(url("packages/infer/dist/index.node.js"));
const { key, tensor } = await import(url("packages/tensor/dist/index.node.js"));
const { eightSchools, sigma, y } = await import(url("examples/dist/eight-schools.js"));
const t1 = performance.now();
const info = initializeModel(key(0), eightSchools, [tensor(sigma), tensor(y)]);
const t2 = performance.now();
info.postprocessBatch(new Float64Array(10 * 4000), 4000);
console.log(JSON.stringify({ init: t2 - t1, postprocessBatch: performance.now() - t2 }));
`;
const runs = Number(process.argv[2] ?? 21);
const rows = [];
for (let i = 0; i < runs; i++)
  rows.push(
    JSON.parse(execFileSync(process.execPath, ["--input-type=module", "-e", child], { encoding: "utf8" })),
  );
const q = (a, p) => [...a].sort((x, y) => x - y)[Math.floor((a.length - 1) * p)];
for (const k of ["init", "postprocessBatch"]) {
  const v = rows.map((r) => r[k]);
  console.log(
    `${k.padEnd(17)} median ${q(v, 0.5).toFixed(2)} ms  (q25 ${q(v, 0.25).toFixed(2)}, q75 ${q(v, 0.75).toFixed(2)}, ${runs} fresh processes)`,
  );
}
