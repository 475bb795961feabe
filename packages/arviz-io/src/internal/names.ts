import { ArvizIoError } from "../errors.js";

/**
 * Encodes a variable, coordinate or dimension name as one path segment of a zarr store or an HDF5 group, so that
 * names are data, never paths (issue 22: `scope()` names such as `"a/b"` became nested groups and were lost,
 * `"../../escape"` wrote outside the store). `%` is the escape character: `/`, `\`, `%`, control characters, a
 * leading `.` and the metadata names `zarr.json`, `.zarray`, ... become `%XX`. Ordinary names are unchanged, so
 * Python sees them as written.
 * @throws {ArvizIoError} `invalid-variable` for an empty name.
 */
export function encodeName(name: string, where: string): string {
  if (name.length === 0) throw new ArvizIoError("invalid-variable", `${where}: a name must not be empty.`);
  let out = "";
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    const ch = name[i];
    if (ch === "/" || ch === "\\" || ch === "%" || c < 0x20 || c === 0x7f || (i === 0 && ch === ".")) {
      out += `%${c.toString(16).toUpperCase().padStart(2, "0")}`;
    } else out += ch;
  }
  if (out === "zarr.json") out = "zarr%2Ejson";
  return out;
}

/** Inverse of {@link encodeName}: decodes `%XX` escapes (an invalid escape is kept as written). */
export function decodeName(segment: string): string {
  if (!segment.includes("%")) return segment;
  return segment.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) =>
    String.fromCharCode(Number.parseInt(hex, 16)),
  );
}
