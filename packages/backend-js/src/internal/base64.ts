/** Portable base64 for typed-array payloads (no Buffer, no atob), so JSON round-trips exact bits. */
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const LOOKUP = new Uint8Array(128);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

/** Encodes bytes as base64. */
export function encodeBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  let chunk = "";
  const n = bytes.length;
  for (let i = 0; i < n; i += 3) {
    const b0 = bytes[i] as number;
    const b1 = i + 1 < n ? (bytes[i + 1] as number) : 0;
    const b2 = i + 2 < n ? (bytes[i + 2] as number) : 0;
    chunk +=
      ALPHABET[b0 >> 2] +
      ALPHABET[((b0 & 3) << 4) | (b1 >> 4)] +
      (i + 1 < n ? ALPHABET[((b1 & 15) << 2) | (b2 >> 6)] : "=") +
      (i + 2 < n ? ALPHABET[b2 & 63] : "=");
    if (chunk.length > 8192) {
      parts.push(chunk);
      chunk = "";
    }
  }
  parts.push(chunk);
  return parts.join("");
}

/** Decodes base64 into bytes. */
export function decodeBase64(text: string): Uint8Array {
  const clean = text.replace(/=+$/, "");
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let o = 0;
  for (let i = 0; i < clean.length; i += 4) {
    const c0 = LOOKUP[clean.charCodeAt(i)] as number;
    const c1 = LOOKUP[clean.charCodeAt(i + 1)] as number;
    const c2 = i + 2 < clean.length ? (LOOKUP[clean.charCodeAt(i + 2)] as number) : 0;
    const c3 = i + 3 < clean.length ? (LOOKUP[clean.charCodeAt(i + 3)] as number) : 0;
    out[o++] = (c0 << 2) | (c1 >> 4);
    if (i + 2 < clean.length) out[o++] = ((c1 & 15) << 4) | (c2 >> 2);
    if (i + 3 < clean.length) out[o++] = ((c2 & 3) << 6) | c3;
  }
  return out;
}
