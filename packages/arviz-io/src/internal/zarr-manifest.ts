import { ArvizIoError } from "../errors.js";
import { crc32, hex8 } from "./checksum.js";

/**
 * The store key of Phlox's checksum manifest. zarr readers ignore it (a leading `.` and no zarr meaning);
 * Phlox's reader verifies every key it lists: present, the recorded size, the recorded CRC-32, and no other key
 * in the store. That catches what the zarr formats cannot: damaged metadata JSON, a chunk deleted by a crash
 * or by hand (zarr reads a missing chunk as fill), an uncompressed chunk with flipped bits.
 */
export const MANIFEST_KEY = ".phlox-checksums";

const HEADER = "phlox-checksums 1 crc32";

/** Builds the manifest bytes for every key of `store` (the manifest itself excluded). */
export function makeManifest(store: ReadonlyMap<string, Uint8Array>): Uint8Array {
  const lines = [HEADER];
  for (const key of [...store.keys()].sort()) {
    if (key === MANIFEST_KEY) continue;
    const b = store.get(key) as Uint8Array;
    lines.push(`${hex8(crc32(b))} ${b.length} ${key}`);
  }
  const body = `${lines.join("\n")}\n`;
  const bytes = new TextEncoder().encode(body);
  return new TextEncoder().encode(`${body}end ${hex8(crc32(bytes))}\n`);
}

/**
 * Verifies `store` against its manifest, if it has one.
 * @returns whether a manifest was present (and everything matched).
 * @throws {ArvizIoError} `corrupt` naming the first key that does not match.
 */
export function verifyManifest(store: ReadonlyMap<string, Uint8Array>): boolean {
  const raw = store.get(MANIFEST_KEY);
  if (raw === undefined) return false;
  const bad = (what: string): never => {
    throw new ArvizIoError(
      "corrupt",
      `fromZarr: ${what}. The store was damaged or changed after Phlox wrote it; re-copy or re-write it ` +
        `(to read a store that was changed on purpose, delete its ${MANIFEST_KEY} file).`,
    );
  };
  const text = new TextDecoder("utf-8", { fatal: false }).decode(raw);
  const endAt = text.lastIndexOf("end ");
  if (!text.startsWith(`${HEADER}\n`) || endAt < 0 || !/^end [0-9a-f]{8}\n$/.test(text.slice(endAt))) {
    bad(`${MANIFEST_KEY} is damaged`);
  }
  const body = text.slice(0, endAt);
  if (hex8(crc32(new TextEncoder().encode(body))) !== text.slice(endAt + 4, endAt + 12)) {
    bad(`${MANIFEST_KEY} fails its own checksum`);
  }
  const listed = new Set<string>();
  for (const line of body.split("\n").slice(1, -1)) {
    const m = /^([0-9a-f]{8}) (\d+) (.+)$/.exec(line);
    if (!m) return bad(`${MANIFEST_KEY} has a malformed line`);
    const [, sum, size, key] = m;
    listed.add(key);
    const b = store.get(key);
    if (b === undefined) bad(`"${key}" is missing`);
    else if (b.length !== Number(size)) bad(`"${key}" has ${b.length} bytes, ${size} were written`);
    else if (hex8(crc32(b)) !== sum) bad(`"${key}" fails its CRC-32 checksum`);
  }
  for (const key of store.keys()) {
    if (key !== MANIFEST_KEY && !listed.has(key)) bad(`"${key}" is not one of the keys Phlox wrote`);
  }
  return true;
}
