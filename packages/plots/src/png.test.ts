import { describe, expect, it } from "vitest";
import { plotRank } from "./plot-rank.js";
import { toPNG } from "./png.js";
import { eightSchoolsIdata } from "./testing/eight-schools.js";

function pngSize(png: Uint8Array): [number, number] {
  const v = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return [v.getUint32(16), v.getUint32(20)];
}

describe("toPNG (resvg)", { timeout: 60_000 }, () => {
  it("rasterises a plot at its own size, a given width or a scale", () => {
    const svg = plotRank(eightSchoolsIdata(), { output: "string", varNames: ["mu"] });
    const w = Number(/ width="([\d.]+)"/.exec(svg)![1]);
    const h = Number(/ height="([\d.]+)"/.exec(svg)![1]);
    const png = toPNG(svg);
    expect(Array.from(png.subarray(0, 8))).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    expect(pngSize(png)).toEqual([Math.round(w), Math.round(h)]);
    expect(pngSize(toPNG(svg, { scale: 2 }))).toEqual([Math.round(2 * w), Math.round(2 * h)]);
    expect(pngSize(toPNG(svg, { width: 150 }))[0]).toBe(150);
    expect(() => toPNG("<html></html>")).toThrow(/expected SVG markup/);
  });
});
