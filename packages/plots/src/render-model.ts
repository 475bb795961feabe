import { instance } from "@viz-js/viz";
import { getModelRelations, type ModelRelations } from "./model-relations.js";
import { finish, type OutputOptions, type SvgOutput } from "./output.js";

/** Options of {@link renderRelations}, as NumPyro's `render_model`. */
export interface RenderModelOptions extends OutputOptions {
  /** Add a legend node listing each site's distribution (and param constraints). Default false. */
  renderDistributions?: boolean;
  /** Draw param sites and their edges. Default false. */
  renderParams?: boolean;
}

function q(s: string): string {
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/**
 * The Graphviz DOT text of a model graph, laid out as NumPyro's `render_graph`: one node per sample or
 * deterministic site (observed sites filled grey, deterministic ones dashed), plates as clusters labelled
 * at the bottom right and nested by inclusion, an edge from each parent to each site.
 * @param rel - relations from {@link getModelRelations}.
 * @param options - renderDistributions, renderParams.
 * @returns the DOT source.
 * @example
 * modelToDot({ sampleSample: { m: [], x: ["m"] }, sampleParam: { m: [], x: [] }, sampleDist: { m: "Normal", x: "Normal" },
 *   paramConstraint: {}, plateSample: { N: ["x"] }, observe: ["x"] }).includes('"m" -> "x"'); // → true
 */
export function modelToDot(rel: ModelRelations, options: RenderModelOptions = {}): string {
  const sites = Object.keys(rel.sampleDist);
  const plates = Object.keys(rel.plateSample).filter((p) => (rel.plateSample[p] ?? []).length > 0);
  const size = (p: string) => rel.plateSample[p]!.length;
  const contains = (outer: string, inner: string) =>
    outer !== inner &&
    rel.plateSample[inner]!.every((s) => rel.plateSample[outer]!.includes(s)) &&
    (size(outer) > size(inner) || plates.indexOf(outer) < plates.indexOf(inner));
  const parentOf = new Map<string, string | undefined>();
  for (const p of plates) {
    const outers = plates.filter((o) => contains(o, p)).sort((a, b) => size(a) - size(b));
    parentOf.set(p, outers[0]);
  }
  const home = new Map<string, string | undefined>();
  for (const s of sites) {
    const mine = plates.filter((p) => rel.plateSample[p]!.includes(s)).sort((a, b) => size(a) - size(b));
    home.set(s, mine[0]);
  }
  const nodeLine = (s: string) => {
    const observed = rel.observe.includes(s);
    const det = rel.sampleDist[s] === "Deterministic";
    return `${q(s)} [label=${q(s)} shape=ellipse style=${q(det ? "filled,dashed" : "filled")} fillcolor=${observed ? "grey" : "white"}]`;
  };
  const params = options.renderParams ? Object.keys(rel.paramConstraint) : [];
  const block = (plate: string | undefined, indent: string): string[] => {
    const lines: string[] = [];
    for (const s of sites) if (home.get(s) === plate) lines.push(indent + nodeLine(s));
    if (plate === undefined)
      for (const p of params) lines.push(`${indent}${q(p)} [label=${q(p)} shape=plain]`);
    for (const child of plates.filter((p) => parentOf.get(p) === plate)) {
      lines.push(`${indent}subgraph ${q(`cluster_${child}`)} {`);
      lines.push(`${indent}  label=${q(child)} labeljust=r labelloc=b`);
      lines.push(...block(child, `${indent}  `));
      lines.push(`${indent}}`);
    }
    return lines;
  };
  const lines = ["digraph {", ...block(undefined, "  ")];
  for (const s of sites) for (const p of rel.sampleSample[s] ?? []) lines.push(`  ${q(p)} -> ${q(s)}`);
  if (options.renderParams)
    for (const s of sites) for (const p of rel.sampleParam[s] ?? []) lines.push(`  ${q(p)} -> ${q(s)}`);
  if (options.renderDistributions) {
    let label = "";
    for (const s of sites) label += `${s} ~ ${rel.sampleDist[s]}\\l`;
    for (const p of params) if (rel.paramConstraint[p]) label += `${p} ∈ ${rel.paramConstraint[p]}\\l`;
    lines.push(`  distribution_description_node [label="${label.replace(/"/g, '\\"')}" shape=plaintext]`);
  }
  lines.push("}");
  return `${lines.join("\n")}\n`;
}

/**
 * Draws model relations as SVG with Graphviz (compiled to WebAssembly by `@viz-js/viz`; no native
 * Graphviz needed, works in Node and browsers).
 * @param rel - relations from {@link getModelRelations}.
 * @param options - renderDistributions, renderParams, output.
 * @returns the SVG (string in Node, element in browsers).
 */
export async function renderRelations(
  rel: ModelRelations,
  options: RenderModelOptions = {},
): Promise<SvgOutput> {
  const viz = await instance();
  const svg = viz.renderString(modelToDot(rel, options), { format: "svg" });
  return finish(svg.slice(svg.indexOf("<svg")), options);
}

/**
 * The graph of a model, as NumPyro's `render_model`: sites, plates, dependencies (found by staging the
 * model, see {@link getModelRelations}), observed sites shaded; drawn by Graphviz (WebAssembly) as SVG.
 * @param model - the model function.
 * @param args - its arguments (data).
 * @returns the SVG (string in Node, element in browsers); use {@link renderRelations} for options.
 * @throws PlotsError when the model cannot be traced.
 */
export async function renderModel<A extends unknown[]>(
  model: (...args: A) => unknown,
  ...args: A
): Promise<SvgOutput> {
  return renderRelations(getModelRelations(model, ...args));
}
