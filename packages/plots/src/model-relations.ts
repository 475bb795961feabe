import { type Message, Messenger, Seed, Substitute, TraceMessenger } from "@phlox/handlers";
import { type Atom, makeProgram, type Program, type Tensor } from "@phlox/tensor";
import { PlotsError } from "./errors.js";

/** How the sites of a model relate, as NumPyro's `get_model_relations`. */
export interface ModelRelations {
  /** Per sample/deterministic site, the sample/deterministic sites its density (or value) depends on. */
  sampleSample: Record<string, string[]>;
  /** Per sample/deterministic site, the param sites it depends on. */
  sampleParam: Record<string, string[]>;
  /** Per sample site its distribution's name (`"Deterministic"` for deterministic sites). */
  sampleDist: Record<string, string>;
  /** Per param site its constraint's name ("" when unconstrained). */
  paramConstraint: Record<string, string>;
  /** Per plate, the sites inside it (in model order). */
  plateSample: Record<string, string[]>;
  /** The observed sample sites. */
  observe: string[];
}

interface DistLike {
  logProb(value: Tensor): Tensor;
  baseDist?: unknown;
  constructor: { name: string };
}

function distName(fn: unknown): string {
  let d = fn as DistLike | null;
  for (
    let i = 0;
    i < 8 && d && d.baseDist !== undefined && /Independent|Expanded|Masked/.test(d.constructor.name);
    i++
  ) {
    d = d.baseDist as DistLike;
  }
  return d ? d.constructor.name.replace(/Distribution$/, "") || "Distribution" : "Unknown";
}

/** Substitutes deterministic sites with given values, keeping what the model computed for provenance. */
class SubstituteDeterministic extends Messenger {
  readonly computed = new Map<string, Tensor>();
  constructor(private readonly data: Readonly<Record<string, Tensor>>) {
    super();
  }
  override processMessage(msg: Message): void {
    if (msg.type !== "deterministic") return;
    const v = this.data[msg.name];
    if (msg.value) this.computed.set(msg.name, msg.value);
    if (v) msg.value = v;
  }
}

/** Records each sample site's message as the stack leaves it. */
class Collect extends Messenger {
  readonly sites = new Map<string, Message>();
  override postprocessMessage(msg: Message): void {
    if (msg.type === "sample" && msg.name) this.sites.set(msg.name, msg);
  }
}

/** Input indices each output atom depends on, by walking the program backwards. */
function dependencies(program: Program): Set<number>[] {
  const producer = new Map<number, number>();
  program.eqns.forEach((e, i) => {
    for (const o of e.outputs) producer.set(o.id, i);
  });
  const inputIndex = new Map<number, number>(program.inputs.map((v, i) => [v.id, i]));
  return program.outputs.map((out) => {
    const found = new Set<number>();
    const seen = new Set<number>();
    const stack: Atom[] = [out];
    while (stack.length > 0) {
      const a = stack.pop()!;
      if (!("id" in a) || seen.has(a.id)) continue;
      seen.add(a.id);
      const ii = inputIndex.get(a.id);
      if (ii !== undefined) found.add(ii);
      const e = producer.get(a.id);
      if (e !== undefined) for (const x of program.eqns[e]!.inputs) stack.push(x);
    }
    return found;
  });
}

/**
 * Infers the relations between a model's sites (NumPyro's `get_model_relations`): one traced run (seed 0)
 * gives the sites, distributions, plates and observed sites; the model is then staged with
 * `@phlox/tensor`'s `makeProgram`, every sample, deterministic and param value replaced by an abstract
 * input, and each site's log density (a deterministic site's value) traced back through the program to the
 * inputs it reads: those are its parents.
 * @param model - the model function.
 * @param args - its arguments.
 * @returns the relations.
 * @throws PlotsError when the model cannot be traced.
 */
export function getModelRelations<A extends unknown[]>(
  model: (...args: A) => unknown,
  ...args: A
): ModelRelations {
  const tr = new TraceMessenger();
  const seed = new Seed(0);
  try {
    tr.run(() => seed.run(() => model(...args)));
  } catch (e) {
    throw new PlotsError(
      "invalid-input",
      `getModelRelations: running the model failed: ${(e as Error).message}`,
    );
  }
  const trace = tr.trace;
  const sampleDist: Record<string, string> = {};
  const sites: string[] = [];
  const params: string[] = [];
  const observe: string[] = [];
  const paramConstraint: Record<string, string> = {};
  const sitePlates: Record<string, string[]> = {};
  const plateOrder: string[] = [];
  for (const [name, msg] of trace) {
    if (msg.type === "sample" || msg.type === "deterministic") {
      sites.push(name);
      sampleDist[name] = msg.type === "deterministic" ? "Deterministic" : distName(msg.fn);
      if (msg.type === "sample" && msg.isObserved) observe.push(name);
      sitePlates[name] = msg.condIndepStack.map((f) => f.name);
      for (const p of sitePlates[name]) if (!plateOrder.includes(p)) plateOrder.push(p);
    } else if (msg.type === "param") {
      params.push(name);
      const c = (msg as unknown as { constraint?: { constructor: { name: string } } | null }).constraint;
      paramConstraint[name] = c ? c.constructor.name.replace(/Constraint$/, "") : "";
    } else if (msg.type === "plate" && !plateOrder.includes(name)) plateOrder.push(name);
  }
  const inputs = [...sites.filter((s) => !observe.includes(s)), ...params];
  const values = inputs.map((n) => trace.get(n)!.value as Tensor);
  const outputSites = sites;
  let program: Program;
  try {
    ({ program } = makeProgram((...vals: Tensor[]) => {
      const data: Record<string, Tensor> = {};
      inputs.forEach((n, i) => {
        data[n] = vals[i]!;
      });
      const collect = new Collect();
      const det = new SubstituteDeterministic(data);
      const sub = new Substitute(data);
      const sd = new Seed(0);
      collect.run(() => sd.run(() => sub.run(() => det.run(() => model(...args)))));
      return outputSites.map((n) => {
        if (sampleDist[n] === "Deterministic") return det.computed.get(n)!;
        const m = collect.sites.get(n)!;
        return (m.fn as unknown as DistLike).logProb(m.value as Tensor);
      });
    }, values));
  } catch (e) {
    throw new PlotsError(
      "invalid-input",
      `getModelRelations: staging the model failed: ${(e as Error).message}`,
    );
  }
  const deps = dependencies(program);
  const sampleSample: Record<string, string[]> = {};
  const sampleParam: Record<string, string[]> = {};
  outputSites.forEach((n, i) => {
    const names = new Set([...deps[i]!].map((k) => inputs[k]!));
    sampleSample[n] = sites.filter((s) => s !== n && names.has(s));
    sampleParam[n] = params.filter((p) => names.has(p));
  });
  const plateSample: Record<string, string[]> = {};
  for (const p of plateOrder) plateSample[p] = sites.filter((s) => sitePlates[s]!.includes(p));
  return { sampleSample, sampleParam, sampleDist, paramConstraint, plateSample, observe };
}
