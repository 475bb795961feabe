// The publishable-package template, shared by scripts/new-package.mjs (new packages) and
// scripts/sync-package-metadata.mjs (brings existing packages to it; idempotent). See ARCHITECTURE.md,
// "Package template".
import { readFileSync } from "node:fs";

/** The root package.json: author, repository, homepage, bugs and engines are copied from it. */
export const root = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));

/** The first version a package is published with. */
export const INITIAL_VERSION = "0.1.0";

/**
 * Packages that hold process-wide state (tensor: the backend registry, the trace stack, Tensor identity;
 * handlers: the effect-handler stack; distributions: `instanceof Distribution`; tfjs-core: its engine), so
 * an app must load exactly one copy: dependents declare them as peer dependencies (and as devDependencies,
 * for the workspace), and npm/pnpm install one copy for the whole app.
 */
export const SINGLETONS = [
  "@phlox/tensor",
  "@phlox/handlers",
  "@phlox/distributions",
  "@tensorflow/tfjs-core",
];

/**
 * The peer range of a workspace singleton. During 0.x it admits every 0.y release from the first one, so a
 * minor release of a singleton leaves its dependents' peer ranges satisfied and changesets does not cascade
 * major bumps through them (`onlyUpdatePeerDependentsWhenOutOfRange`); raise the floor when a dependent
 * starts to need a newer singleton.
 */
export const WORKSPACE_PEER_RANGE = `workspace:>=${INITIAL_VERSION} <1.0.0`;

/** Keys in the order every package.json lists them (others follow, in their own order). */
const ORDER = [
  "name",
  "version",
  "private",
  "description",
  "keywords",
  "license",
  "author",
  "homepage",
  "repository",
  "bugs",
  "engines",
  "type",
  "sideEffects",
  "exports",
  "imports",
  "main",
  "types",
  "bin",
  "files",
  "publishConfig",
  "scripts",
  "dependencies",
  "peerDependencies",
  "peerDependenciesMeta",
  "optionalDependencies",
  "devDependencies",
];

/** `exports` target for `dist/<x>.js`: the Node bundle `dist/<x>.node.js` under the `node` condition. */
function withNodeCondition(target) {
  if (typeof target !== "object" || typeof target.default !== "string") return target;
  const { "@phlox/source": source, types, default: dflt } = target;
  const node = dflt.replace(/\.js$/, ".node.js");
  return { "@phlox/source": source, types, node, default: dflt };
}

/**
 * The publishable form of a workspace package.json (`dir`: its folder relative to the repository root).
 * Private packages are returned unchanged.
 */
export function applyTemplate(pkg, dir) {
  if (pkg.private) return pkg;
  const short = pkg.name.replace(/^@phlox\//, "");
  const out = {
    ...pkg,
    version: pkg.version === "0.0.0" ? INITIAL_VERSION : pkg.version,
    keywords: pkg.keywords ?? ["phlox", "bayesian", "probabilistic-programming", "numpyro", short],
    license: pkg.license ?? "MIT",
    author: root.author,
    homepage: `${root.homepage.replace(/#.*$/, "")}/tree/main/${dir}#readme`,
    repository: { ...root.repository, directory: dir },
    bugs: root.bugs,
    engines: root.engines,
    exports: Object.fromEntries(Object.entries(pkg.exports ?? {}).map(([k, v]) => [k, withNodeCondition(v)])),
    publishConfig: { access: "public" },
  };
  const deps = { ...(pkg.dependencies ?? {}) };
  const peers = { ...(pkg.peerDependencies ?? {}) };
  const dev = { ...(pkg.devDependencies ?? {}) };
  for (const [name, range] of Object.entries(deps)) {
    if (!SINGLETONS.includes(name)) {
      if (range === "workspace:*") deps[name] = "workspace:^";
      continue;
    }
    delete deps[name];
    const isWorkspace = range.startsWith("workspace:");
    peers[name] = isWorkspace ? WORKSPACE_PEER_RANGE : `^${range.replace(/^[\^~]/, "")}`;
    dev[name] = isWorkspace ? "workspace:^" : range;
  }
  out.dependencies = deps;
  if (Object.keys(peers).length > 0) out.peerDependencies = sortKeys(peers);
  if (Object.keys(dev).length > 0) out.devDependencies = sortKeys(dev);
  return ordered(out);
}

function sortKeys(o) {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));
}

function ordered(pkg) {
  const keys = [...ORDER.filter((k) => k in pkg), ...Object.keys(pkg).filter((k) => !ORDER.includes(k))];
  return Object.fromEntries(keys.map((k) => [k, pkg[k]]));
}
