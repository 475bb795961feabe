import { ArvizIoError } from "./errors.js";
import { DATA_GROUPS } from "./from-arrays.js";
import { InferenceData } from "./inference-data.js";
import { convert, coordVariable, rangeCoord } from "./internal/arrays.js";
import { crc32, hex8 } from "./internal/checksum.js";
import { type JsonValue, MAX_JSON_ARRAY, parseJson } from "./internal/json-parse.js";
import type { Attrs, AttrValue, Dataset, DType, Variable } from "./types.js";

const PRED_GROUPS = new Set(["predictions", "predictions_constant_data"]);

function num(x: number, float: boolean): string {
  if (Number.isNaN(x)) return "NaN";
  if (x === Number.POSITIVE_INFINITY) return "Infinity";
  if (x === Number.NEGATIVE_INFINITY) return "-Infinity";
  const s = String(x);
  return float && Number.isInteger(x) && !s.includes("e") ? `${s}.0` : s;
}

function element(v: Variable, i: number): string {
  const d = v.data;
  switch (v.dtype) {
    case "string":
      return JSON.stringify((d as string[])[i]);
    case "bool":
      return (d as Uint8Array)[i] ? "true" : "false";
    case "float64":
    case "float32":
      return num((d as Float64Array)[i], true);
    default:
      return String((d as ArrayLike<number | bigint>)[i]);
  }
}

/** Pieces of about this many characters are handed to the sink (bounded memory for any array size). */
const PIECE = 1 << 20;
/** V8's longest string (2^29 − 24 characters): {@link toJSON} refuses documents above it. */
export const MAX_JSON_STRING = 2 ** 29 - 24;
/** The root attribute that carries the CRC-32 of everything before it (Phlox's JSON files end with it). */
export const JSON_CRC_ATTR = "_phlox_crc32";

/** Nested JSON lists for a row-major array, emitted in pieces. */
function* nested(v: Variable): Generator<string> {
  const shape = v.shape;
  if (shape.length === 0) {
    yield element(v, 0);
    return;
  }
  let buf = "";
  let k = 0;
  const rank = shape.length;
  const idx = new Array<number>(rank).fill(0);
  const total = shape.reduce((a, b) => a * b, 1);
  if (total === 0) {
    // An empty axis: "[]" at the first zero-length axis, nested inside full lists of one element each level.
    const zero = shape.indexOf(0);
    const walk = (axis: number): string =>
      axis === zero ? "[]" : `[${Array.from({ length: shape[axis] }, () => walk(axis + 1)).join(", ")}]`;
    yield walk(0);
    return;
  }
  buf = "[".repeat(rank);
  for (;;) {
    buf += element(v, k++);
    if (buf.length >= PIECE) {
      yield buf;
      buf = "";
    }
    let a = rank - 1;
    while (a >= 0) {
      idx[a]++;
      if (idx[a] < shape[a]) break;
      idx[a] = 0;
      buf += "]";
      a--;
    }
    if (a < 0) break;
    buf += `, ${"[".repeat(rank - 1 - a)}`;
  }
  yield buf;
}

function attrsJson(a: Attrs): string {
  return JSON.stringify(a);
}

function isDefaultDim(dim: string, varName: string): boolean {
  return dim === "chain" || dim === "draw" || dim.startsWith(`${varName}_dim_`);
}

/**
 * The JSON document in pieces of about 1 MiB, in order, ending with the `_phlox_crc32` root attribute: the
 * CRC-32 of the UTF-8 bytes of everything before it, so that {@link fromJSON} detects damage.
 * @internal
 */
export function* jsonPieces(idata: InferenceData): Generator<string> {
  const coords: Record<string, Variable> = {};
  const dims: Record<string, string[]> = {};
  const predDims: Record<string, string[]> = {};
  const te = new TextEncoder();
  let crc = 0;
  const out = (p: string): string => {
    crc = crc32(te.encode(p), crc);
    return p;
  };
  yield out("{");
  for (const group of idata.groupNames()) {
    const ds = idata.get(group);
    yield out(`${JSON.stringify(group)}: {`);
    let first = true;
    for (const [n, v] of Object.entries(ds.variables)) {
      yield out(`${first ? "" : ", "}${JSON.stringify(n)}: `);
      first = false;
      for (const p of nested(v)) yield out(p);
    }
    yield out(`}, ${JSON.stringify(`${group}_attrs`)}: ${attrsJson(ds.attrs)}, `);
    for (const [name, v] of Object.entries(ds.variables)) {
      const named = v.dims.filter((d) => !isDefaultDim(d, name));
      for (const d of named) coords[d] = ds.coords[d];
      if (named.length > 0) (PRED_GROUPS.has(group) ? predDims : dims)[name] = named;
    }
  }
  yield out('"coords": {');
  let first = true;
  for (const [k, c] of Object.entries(coords)) {
    yield out(`${first ? "" : ", "}${JSON.stringify(k)}: `);
    first = false;
    for (const p of nested(c)) yield out(p);
  }
  yield out(`}, "dims": ${JSON.stringify(dims)}, `);
  if (Object.keys(predDims).length > 0) yield out(`"pred_dims": ${JSON.stringify(predDims)}, `);
  const { [JSON_CRC_ATTR]: _, ...attrs } = idata.attrs;
  const at = attrsJson(attrs);
  yield out(`"attrs": ${at.slice(0, -1)}${at === "{}" ? "" : ", "}`);
  yield `"${JSON_CRC_ATTR}": "${hex8(crc)}"}}`;
}

/**
 * Serialises InferenceData in ArviZ's JSON layout (`az.to_json` / `az.from_json`): `{ <group>: { var: nested
 * lists }, <group>_attrs: {...}, coords: {...}, dims: {...}, pred_dims: {...}, attrs: {...} }`. Floats keep a
 * decimal point and non-finite floats are written as `NaN`/`Infinity` (Python's `json` reads both).
 * Coordinates live in one shared `coords` table, as in ArviZ: a dimension name used in two groups must have
 * the same coordinate values in both. The root `attrs` end with `_phlox_crc32`, a checksum of the document
 * that {@link fromJSON} verifies (Python sees it as one more attribute).
 * @param idata - the InferenceData.
 * @returns the JSON text.
 * @throws {ArvizIoError} `too-large` when the text would exceed JavaScript's longest string (2^29 − 24
 * characters, about 512 MiB): use {@link writeJSON}, which streams to a file, or netCDF/zarr.
 * @example
 * toJSON(fromArrays({ posterior: { mu: [[1.5, 2]] } })).includes('"mu": [[1.5, 2.0]]'); // → true
 */
export function toJSON(idata: InferenceData): string {
  const parts: string[] = [];
  let length = 0;
  for (const p of jsonPieces(idata)) {
    length += p.length;
    if (length > MAX_JSON_STRING) {
      throw new ArvizIoError(
        "too-large",
        `toJSON: the document exceeds ${MAX_JSON_STRING} characters, JavaScript's longest string. Write it to a ` +
          "file with writeJSON (streamed), or use netCDF or zarr for data this large.",
      );
    }
    parts.push(p);
  }
  return parts.join("");
}

function shapeOf(x: JsonValue, where: string): number[] {
  const shape: number[] = [];
  let cur = x;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    if (cur.length === 0) break;
    cur = cur[0];
  }
  if (shape.length > 32) throw new ArvizIoError("invalid-json", `${where}: nested deeper than 32 axes.`);
  return shape;
}

function flatten(x: JsonValue, shape: number[], where: string): unknown[] {
  if (shape.reduce((a, b) => a * b, 1) > MAX_JSON_ARRAY) {
    throw new ArvizIoError(
      "too-large",
      `${where}: more than ${MAX_JSON_ARRAY} elements in one variable; use netCDF or zarr for data this large.`,
    );
  }
  const out: unknown[] = [];
  const walk = (v: JsonValue, depth: number): void => {
    if (depth === shape.length) {
      if (Array.isArray(v) || (v !== null && typeof v === "object")) {
        throw new ArvizIoError("invalid-json", `${where}: ragged nested list.`);
      }
      out.push(v === null ? Number.NaN : v);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) {
      throw new ArvizIoError(
        "invalid-json",
        `${where}: ragged nested list (expected length ${shape[depth]}).`,
      );
    }
    for (const e of v) walk(e, depth + 1);
  };
  walk(x, 0);
  return out;
}

function dtypeOf(flat: unknown[], isFloat: boolean): DType {
  if (flat.length === 0) return "float64";
  if (flat.every((v) => typeof v === "string")) return "string";
  if (flat.every((v) => typeof v === "boolean")) return "bool";
  if (!isFloat && flat.every((v) => typeof v === "number" && Number.isSafeInteger(v))) return "int64";
  return "float64";
}

function toAttrs(x: JsonValue | undefined, where: string): Record<string, AttrValue> {
  if (x === undefined || x === null) return {};
  if (typeof x !== "object" || Array.isArray(x))
    throw new ArvizIoError("invalid-json", `${where} must be an object.`);
  const out: Record<string, AttrValue> = {};
  for (const [k, v] of Object.entries(x)) {
    if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") out[k] = v;
    else if (Array.isArray(v) && v.every((e) => typeof e === "string")) out[k] = v as string[];
    else if (Array.isArray(v) && v.every((e) => typeof e === "number")) out[k] = v as number[];
  }
  return out;
}

const NON_GROUP_KEYS = new Set([
  "coords",
  "dims",
  "pred_dims",
  "pred_coords",
  "attrs",
  "save_warmup",
  "index_origin",
]);

/**
 * Reads ArviZ's JSON layout (from {@link toJSON} or Python's `az.to_json`) into InferenceData. Dimension names
 * come from `dims`/`pred_dims` (defaults `chain, draw, <var>_dim_<i>`); coordinates from `coords`; integer
 * lists become int64, lists with float syntax float64, booleans bool, strings string.
 * @param source - the JSON text, or its UTF-8 bytes.
 * @returns the InferenceData.
 * @throws {ArvizIoError} `invalid-json` with the position or the group/variable at fault.
 * @example
 * fromJSON('{"posterior": {"mu": [[1.0, 2.0]]}}').get("posterior").variables.mu.dims; // → ["chain", "draw"]
 */
export function fromJSON(source: string | Uint8Array): InferenceData {
  try {
    return decodeJson(source);
  } catch (e) {
    if (e instanceof ArvizIoError) throw e;
    throw new ArvizIoError(
      "invalid-json",
      `fromJSON: the document could not be decoded (${(e as Error).message}).`,
      {
        cause: e,
      },
    );
  }
}

const TAIL = new RegExp(`"${JSON_CRC_ATTR}": "([0-9a-f]{8})"\\}\\}\\s*$`);
const LOOKS_LIKE_TAIL = /"[^"]{10,14}": "[^"]{6,10}"\}\}\s*$/;

/** Verifies the `_phlox_crc32` trailer of a Phlox document (absent in Python's files: nothing to check). */
function verifyChecksum(bytes: Uint8Array): void {
  const tail = new TextDecoder("utf-8", { fatal: false }).decode(
    bytes.subarray(Math.max(0, bytes.length - 64)),
  );
  const m = TAIL.exec(tail);
  const damaged = (what: string): never => {
    throw new ArvizIoError(
      "corrupt",
      `fromJSON: ${what}; the file was damaged or edited after Phlox wrote it. Re-copy or re-write it ` +
        `(to read an edited file, remove the "${JSON_CRC_ATTR}" attribute).`,
    );
  };
  if (!m) {
    if (LOOKS_LIKE_TAIL.test(tail) && tail.includes("_phl"))
      damaged(`the "${JSON_CRC_ATTR}" trailer is damaged`);
    return;
  }
  const markerAt = bytes.length - (tail.length - m.index);
  if (hex8(crc32(bytes.subarray(0, markerAt))) !== m[1]) damaged("the document fails its CRC-32 checksum");
}

function decodeJson(source: string | Uint8Array): InferenceData {
  if (typeof source !== "string" && source.length > MAX_JSON_STRING) {
    throw new ArvizIoError(
      "too-large",
      `fromJSON: the document has ${source.length} bytes; JSON above ${MAX_JSON_STRING} bytes cannot be held as ` +
        "one JavaScript string. Use netCDF or zarr for data this large.",
    );
  }
  const bytes = typeof source === "string" ? new TextEncoder().encode(source) : source;
  verifyChecksum(bytes);
  const text =
    typeof source === "string" ? source : new TextDecoder("utf-8", { fatal: false }).decode(source);
  const { value: root, floats, floatKeys } = parseJson(text, "fromJSON");
  if (root === null || typeof root !== "object" || Array.isArray(root)) {
    throw new ArvizIoError("invalid-json", "fromJSON: the top level must be an object of groups.");
  }
  const dimsOf = (key: string): Record<string, JsonValue> => {
    const d = root[key];
    if (d === undefined || d === null) return {};
    if (typeof d !== "object" || Array.isArray(d))
      throw new ArvizIoError("invalid-json", `fromJSON: "${key}" must be an object.`);
    return d;
  };
  const dims = dimsOf("dims");
  const predDims = dimsOf("pred_dims");
  const coordsJson = { ...dimsOf("coords"), ...dimsOf("pred_coords") };
  const groups: Record<string, Dataset> = {};
  for (const [group, content] of Object.entries(root)) {
    if (NON_GROUP_KEYS.has(group) || group.endsWith("_attrs")) continue;
    if (content === null) continue;
    if (typeof content !== "object" || Array.isArray(content)) {
      throw new ArvizIoError("invalid-json", `fromJSON: group "${group}" must be an object of variables.`);
    }
    const sampled = !DATA_GROUPS.includes(group);
    const table = PRED_GROUPS.has(group) ? { ...dims, ...predDims } : dims;
    const variables: Record<string, Variable> = {};
    const coords: Record<string, Variable> = {};
    for (const [name, raw] of Object.entries(content)) {
      const where = `fromJSON: "${group}.${name}"`;
      const shape = shapeOf(raw, where);
      const flat = flatten(raw, shape, where);
      const dtype = dtypeOf(
        flat,
        Array.isArray(raw) ? floats.has(raw) : (floatKeys.get(content)?.has(name) ?? false),
      );
      const lead = sampled ? 2 : 0;
      if (shape.length < lead) {
        throw new ArvizIoError(
          "invalid-json",
          `${where}: a sampled group needs [chain, draw, ...] lists, got shape [${shape.join(", ")}].`,
        );
      }
      const given = table[name];
      const names = Array.isArray(given) ? given.filter((d): d is string => typeof d === "string") : [];
      const vdims = sampled ? ["chain", "draw"] : [];
      for (let i = 0; i < shape.length - lead; i++) vdims.push(names[i] ?? `${name}_dim_${i}`);
      variables[name] = { dims: vdims, shape, dtype, data: convert(flat, dtype, where), attrs: {} };
      vdims.forEach((d, i) => {
        if (coords[d]) return;
        const c = coordsJson[d];
        if (Array.isArray(c) && c.length === shape[i]) {
          coords[d] = coordVariable(d, c as string[] | number[], `fromJSON: coords.${d}`);
        } else coords[d] = rangeCoord(d, shape[i]);
      });
    }
    groups[group] = {
      variables,
      coords,
      attrs: toAttrs(root[`${group}_attrs`], `fromJSON: "${group}_attrs"`),
    };
  }
  const { [JSON_CRC_ATTR]: _, ...attrs } = toAttrs(root.attrs, "fromJSON: attrs");
  return new InferenceData(groups, attrs);
}
