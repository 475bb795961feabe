import { expect, test } from "vitest";
import { utf8 } from "./bytes.js";
import { lookup3 } from "./lookup3.js";

test("lookup3 hashlittle matches the published test vectors", () => {
  expect(lookup3(new Uint8Array(0), 0)).toBe(0xdeadbeef);
  expect(lookup3(utf8("Four score and seven years ago"), 0)).toBe(0x17770551);
  expect(lookup3(utf8("Four score and seven years ago"), 1)).toBe(0xcd628161);
});
