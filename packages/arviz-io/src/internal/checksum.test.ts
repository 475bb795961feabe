import { expect, it } from "vitest";
import { crc32, crc32c } from "./checksum.js";

// Check values of the CRC catalogue ("123456789"), and slicing-by-8 against the bytewise definition at every
// length and alignment up to 40 bytes.
it("CRC-32 and CRC-32C match the catalogue and the bytewise definition", () => {
  const nine = new TextEncoder().encode("123456789");
  expect(crc32(nine)).toBe(0xcbf43926);
  expect(crc32c(nine)).toBe(0xe3069283);
  const bytewise = (poly: number, bytes: Uint8Array, seed = 0): number => {
    let c = ~seed >>> 0;
    for (const x of bytes) {
      c ^= x;
      for (let k = 0; k < 8; k++) c = c & 1 ? (poly ^ (c >>> 1)) >>> 0 : c >>> 1;
    }
    return ~c >>> 0;
  };
  const data = Uint8Array.from({ length: 48 }, (_, i) => (i * 151 + 7) & 0xff);
  for (let off = 0; off < 8; off++) {
    for (let len = 0; len <= 40; len++) {
      const b = data.subarray(off, off + len);
      expect(crc32(b, 0x1234)).toBe(bytewise(0xedb88320, b, 0x1234));
      expect(crc32c(b)).toBe(bytewise(0x82f63b78, b));
    }
  }
});
