/**
 * The browser check of @phlox/plots (built by Vite in src/browser.test.ts, run in headless Chromium): every
 * plot of the gallery is rendered with the default output, which in a page is an SVGSVGElement, inserted in
 * the document and its marks counted. Results go to `window.__phlox`.
 */
import fixture from "../fixtures/eight-schools.json";
import { eightSchoolsIdataFrom } from "../src/testing/eight-schools-idata.js";
import { gallery } from "../src/testing/gallery.js";

const result: Record<string, unknown> = {};
try {
  const idata = eightSchoolsIdataFrom(fixture.data);
  const host = document.getElementById("plots") as HTMLElement;
  const plots = gallery(idata, fixture.nonCenteredLogLik, {});
  for (const [name, make] of Object.entries(plots)) {
    const el = make();
    const isElement = typeof el !== "string" && el instanceof SVGSVGElement;
    if (typeof el !== "string") host.appendChild(el);
    const root = typeof el === "string" ? undefined : el;
    const box = root?.getBoundingClientRect();
    const marks: Record<string, number> = {};
    for (const cls of [
      "ph-trace",
      "ph-density",
      "ph-bar",
      "ph-points",
      "ph-divergence",
      "ph-hdi",
      "ph-khat",
      "ph-elpd",
      "ph-acf",
      "ph-violin",
      "ph-ppc-sample",
      "ph-loo-pit",
    ]) {
      const n = root?.querySelectorAll(`.${cls}`).length ?? 0;
      if (n > 0) marks[cls] = n;
    }
    result[name] = { isElement, width: box?.width ?? 0, height: box?.height ?? 0, marks };
  }
} catch (e) {
  result.error = String((e as Error).stack ?? e);
}
(window as unknown as { __phlox: unknown }).__phlox = result;
