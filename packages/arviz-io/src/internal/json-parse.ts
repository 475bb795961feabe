import { ArvizIoError } from "../errors.js";

/** A parsed JSON value; arrays that contain a number written with `.`/`e` (or NaN/Infinity) are in `floats`. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };

/** Result of {@link parseJson}: the value and the set of arrays that hold float-syntax numbers (deeply). */
export interface Parsed {
  value: JsonValue;
  floats: WeakSet<JsonValue[]>;
  /** Per object, the keys whose value is a number written with float syntax (`3.0`, `NaN`). */
  floatKeys: WeakMap<object, Set<string>>;
}

const MAX_DEPTH = 256;
/** Elements one JSON array may hold: JS arrays beyond about 2^27 elements abort the process. */
export const MAX_JSON_ARRAY = 2 ** 26;

/**
 * A small JSON parser that also accepts Python's `NaN`, `Infinity`, `-Infinity` (what `json.dump` writes
 * for non-finite floats) and remembers which arrays hold float-syntax numbers (`1.0` vs `1`), so that
 * int64 and float64 variables round-trip. Iterative over array elements, depth-limited, never hangs.
 * @throws {ArvizIoError} `invalid-json` with the character position.
 */
export function parseJson(text: string, where: string): Parsed {
  let i = 0;
  const floats = new WeakSet<JsonValue[]>();
  const floatKeys = new WeakMap<object, Set<string>>();
  const fail = (what: string): never => {
    throw new ArvizIoError("invalid-json", `${where}: ${what} at character ${i} of ${text.length}.`);
  };
  const ws = (): void => {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 10 || c === 13 || c === 9) i++;
      else break;
    }
  };
  const NUM = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
  const STR = /"(?:[^"\\]|\\.)*"/y;
  // JSON.parse of the matched literal applies JSON's escape and control-character rules.
  const str = (lit: string): string => {
    try {
      return JSON.parse(lit) as string;
    } catch {
      return fail("bad string literal");
    }
  };
  // Returns [value, isFloatSyntax]
  const value = (depth: number): [JsonValue, boolean] => {
    if (depth > MAX_DEPTH) fail(`nesting deeper than ${MAX_DEPTH}`);
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      const obj: { [k: string]: JsonValue } = {};
      ws();
      if (text[i] === "}") {
        i++;
        return [obj, false];
      }
      for (;;) {
        ws();
        STR.lastIndex = i;
        const m = STR.exec(text);
        if (!m) fail("expected a string key");
        i = STR.lastIndex;
        const key = str(m![0]);
        ws();
        if (text[i] !== ":") fail('expected ":"');
        i++;
        const [v, f] = value(depth + 1);
        obj[key] = v;
        if (f && typeof v === "number") {
          const set = floatKeys.get(obj) ?? new Set<string>();
          set.add(key);
          floatKeys.set(obj, set);
        }
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === "}") {
          i++;
          return [obj, false];
        } else fail('expected "," or "}"');
      }
    }
    if (c === "[") {
      i++;
      const arr: JsonValue[] = [];
      let anyFloat = false;
      ws();
      if (text[i] === "]") {
        i++;
        return [arr, false];
      }
      for (;;) {
        const [v, f] = value(depth + 1);
        if (arr.length >= MAX_JSON_ARRAY) {
          throw new ArvizIoError(
            "too-large",
            `${where}: an array longer than ${MAX_JSON_ARRAY} elements; use netCDF or zarr for data this large.`,
          );
        }
        arr.push(v);
        if (f) anyFloat = true;
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === "]") {
          i++;
          if (anyFloat) floats.add(arr);
          return [arr, anyFloat];
        } else fail('expected "," or "]"');
      }
    }
    if (c === '"') {
      STR.lastIndex = i;
      const m = STR.exec(text);
      if (!m) fail("bad string");
      i = STR.lastIndex;
      return [str(m![0]), false];
    }
    if (text.startsWith("true", i)) {
      i += 4;
      return [true, false];
    }
    if (text.startsWith("false", i)) {
      i += 5;
      return [false, false];
    }
    if (text.startsWith("null", i)) {
      i += 4;
      return [null, false];
    }
    if (text.startsWith("NaN", i)) {
      i += 3;
      return [Number.NaN, true];
    }
    if (text.startsWith("Infinity", i)) {
      i += 8;
      return [Number.POSITIVE_INFINITY, true];
    }
    if (text.startsWith("-Infinity", i)) {
      i += 9;
      return [Number.NEGATIVE_INFINITY, true];
    }
    NUM.lastIndex = i;
    const m = NUM.exec(text);
    if (!m || m[0].length === 0)
      return fail(i >= text.length ? "unexpected end of input" : "unexpected character");
    i = NUM.lastIndex;
    return [Number(m[0]), m[1] !== undefined || m[2] !== undefined];
  };
  const [v] = value(0);
  ws();
  if (i !== text.length) fail("trailing characters");
  return { value: v, floats, floatKeys };
}
