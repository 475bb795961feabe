import fc from "fast-check";
import { beforeAll, describe, expect, test } from "vitest";
import { ArvizIoError } from "./errors.js";
import { fromArrays } from "./from-arrays.js";
import type { InferenceData } from "./inference-data.js";
import { MANIFEST_KEY } from "./internal/zarr-manifest.js";
import { fromJSON, toJSON } from "./json.js";
import { fromNetCDF } from "./netcdf-read.js";
import { toNetCDF } from "./netcdf-write.js";
import { fromZarr, toZarr, type ZarrStore } from "./zarr.js";

// Every malformed input must end in an ArvizIoError or a valid InferenceData: never another exception, a
// crash of the WebAssembly module, or a hang. Seeds are fixed so CI sees the same cases every run.
const SEED = 20261126;

function sample(): InferenceData {
  return fromArrays(
    {
      posterior: {
        mu: { data: Float64Array.from({ length: 40 }, (_, i) => Math.cos(i)), shape: [2, 20] },
        theta: { data: Float64Array.from({ length: 120 }, (_, i) => i * 0.5), shape: [2, 20, 3] },
      },
      sample_stats: { diverging: { data: new Uint8Array(40), shape: [2, 20], dtype: "bool" } },
      observed_data: { y: [1, 2, 3] },
    },
    { dims: { theta: ["school"], y: ["school"] }, coords: { school: ["a", "b", "c"] } },
  );
}

/** Byte-level damage: truncate, flip bytes, or overwrite a run with a value. */
const damage = (len: number) =>
  fc.oneof(
    fc.record({ kind: fc.constant("truncate" as const), at: fc.integer({ min: 0, max: len - 1 }) }),
    fc.record({
      kind: fc.constant("flip" as const),
      flips: fc.array(fc.tuple(fc.integer({ min: 0, max: len - 1 }), fc.integer({ min: 1, max: 255 })), {
        minLength: 1,
        maxLength: 8,
      }),
    }),
    fc.record({
      kind: fc.constant("fill" as const),
      at: fc.integer({ min: 0, max: len - 1 }),
      n: fc.integer({ min: 1, max: 64 }),
      value: fc.constantFrom(0, 0xff, 0x41),
    }),
  );

type Damage =
  | { kind: "truncate"; at: number }
  | { kind: "flip"; flips: [number, number][] }
  | { kind: "fill"; at: number; n: number; value: number };

function apply(bytes: Uint8Array, d: Damage): Uint8Array {
  if (d.kind === "truncate") return bytes.slice(0, d.at);
  const out = bytes.slice();
  if (d.kind === "flip") for (const [i, x] of d.flips) out[i] ^= x;
  else out.fill(d.value, d.at, Math.min(out.length, d.at + d.n));
  return out;
}

function expectCleanFailure(e: unknown): void {
  if (!(e instanceof ArvizIoError)) throw new Error(`not an ArvizIoError: ${String(e)}`, { cause: e });
  expect(e.message.length).toBeGreaterThan(10);
}

describe("readers on damaged input", () => {
  let nc: Uint8Array;
  let store: ZarrStore;
  let json: string;
  beforeAll(async () => {
    nc = await toNetCDF(sample());
    store = toZarr(sample());
    json = toJSON(sample());
  });

  test("fromNetCDF on truncated or corrupted bytes: ArvizIoError or a valid result, and the module stays usable", async () => {
    await fc.assert(
      fc.asyncProperty(damage(nc.length), async (d) => {
        try {
          const idata = await fromNetCDF(apply(nc, d));
          expect(idata.groupNames().length).toBeGreaterThanOrEqual(0);
        } catch (e) {
          expectCleanFailure(e);
        }
      }),
      { seed: SEED, numRuns: 150 },
    );
    // After all the damage, an intact file still reads correctly.
    const ok = await fromNetCDF(nc);
    expect(ok.get("posterior").variables.theta.data).toEqual(sample().get("posterior").variables.theta.data);
  }, 120_000);

  test("fromNetCDF ends cleanly for every damaged string size in the global heap (HDF5 can loop forever there)", async () => {
    // Regression: growing one vlen string's size field made HDF5 2.0 spin forever in the string read; the
    // global-heap check refuses such files. Damage every object's size field in turn.
    const gcol = nc.findIndex(
      (b, i) => b === 0x47 && nc[i + 1] === 0x43 && nc[i + 2] === 0x4f && nc[i + 3] === 0x4c,
    );
    expect(gcol).toBeGreaterThan(0);
    let refused = 0;
    for (let q = gcol + 16; nc[q] !== 0 || nc[q + 1] !== 0; q += 16 + Math.ceil(nc[q + 8] / 8) * 8) {
      const bytes = nc.slice();
      bytes[q + 8] ^= 136;
      try {
        await fromNetCDF(bytes);
      } catch (e) {
        expectCleanFailure(e);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(0);
  });

  test("fromZarr on damaged chunks and metadata: ArvizIoError or a valid result", () => {
    const keys = [...store.keys()];
    fc.assert(
      fc.property(
        fc.constantFrom(...keys),
        fc.integer({ min: 0, max: 2 ** 31 }),
        damage(64),
        (key, salt, d) => {
          const bytes = store.get(key)!;
          const dd = { ...d } as Damage;
          if (dd.kind === "truncate") dd.at %= Math.max(1, bytes.length);
          if (dd.kind === "fill") dd.at %= Math.max(1, bytes.length);
          if (dd.kind === "flip")
            dd.flips = dd.flips.map(([i, x]) => [(i + salt) % Math.max(1, bytes.length), x]);
          const damaged = new Map(store);
          damaged.set(key, apply(bytes, dd));
          try {
            fromZarr(damaged);
          } catch (e) {
            expectCleanFailure(e);
          }
        },
      ),
      { seed: SEED, numRuns: 300 },
    );
  });

  test("fromZarr with a missing .zmetadata or missing chunks still decodes or fails clearly", () => {
    // Phlox's manifest lists every key: anything missing is an error.
    for (const key of [".zmetadata", "posterior/mu/0.0"]) {
      const missing = new Map(store);
      missing.delete(key);
      expect(() => fromZarr(missing)).toThrow(/is missing/);
    }
    // Without the manifest (stores from Python), the zarr spec's rules apply.
    const plain = new Map(store);
    plain.delete(MANIFEST_KEY);
    const noMeta = new Map(plain);
    noMeta.delete(".zmetadata");
    expect(fromZarr(noMeta).groupNames()).toEqual(sample().groupNames());
    const noChunk = new Map(plain);
    noChunk.delete("posterior/mu/0.0");
    expect(Number.isNaN((fromZarr(noChunk).get("posterior").variables.mu.data as Float64Array)[0])).toBe(
      true,
    );
    expect(() => fromZarr(new Map())).toThrow(ArvizIoError);
  });

  test("fromJSON on truncated or corrupted text: ArvizIoError or a valid result", () => {
    fc.assert(
      fc.property(damage(json.length), (d) => {
        const bytes = apply(new TextEncoder().encode(json), d);
        try {
          fromJSON(bytes);
        } catch (e) {
          expectCleanFailure(e);
        }
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  test("fromJSON on deeply nested input fails clearly instead of overflowing the stack", () => {
    expect(() => fromJSON(`{"posterior": {"x": ${"[".repeat(100000)}`)).toThrow(ArvizIoError);
  });
});
