/**
 * The browser check of @phlox/plots, shared by the page built from source (browser/) and the page built from
 * the published bundles (browser-dist/): every plot of the gallery is rendered with the default output,
 * which in a page is an SVGSVGElement, inserted in the document and its marks counted, and the eight-schools
 * model graph is drawn. Results go to `window.__phlox`.
 */
import { HalfCauchy, Normal } from "@phlox/distributions";
import { deterministic, plate, sample } from "@phlox/handlers";
import { type Tensor, tensor } from "@phlox/tensor";
import fixture from "../../fixtures/eight-schools.json" with { type: "json" };
import type { renderModel as RenderModel } from "../model.js";
import { eightSchoolsIdataFrom } from "./eight-schools-idata.js";
import { galleryWith, type PlotsApi } from "./gallery-spec.js";

function eightSchools(sigma: Tensor, y?: Tensor): void {
  const mu = sample("mu", new Normal(0, 5));
  const tau = sample("tau", new HalfCauchy(5));
  plate("school", sigma.shape[0] as number, () => {
    const z = sample("theta_raw", new Normal(0, 1));
    const theta = deterministic("theta", mu.add(tau.mul(z)));
    sample("obs", new Normal(theta, sigma), { obs: y });
  });
}

/** Classes whose marks the page counts. */
const MARK_CLASSES = [
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
];

/**
 * Renders the gallery and the model graph into `#plots` and stores, per plot, whether it is an element, its
 * size and its mark counts in `window.__phlox` (`error` holds a failure's stack).
 * @param api - the plots (from source or from the published package).
 * @param renderModel - `renderModel` of the same build.
 */
export async function runGalleryPage(api: PlotsApi, renderModel: typeof RenderModel): Promise<void> {
  const result: Record<string, unknown> = {};
  try {
    const idata = eightSchoolsIdataFrom(fixture.data);
    const host = document.getElementById("plots") as HTMLElement;
    const plots = galleryWith(api, idata, fixture.nonCenteredLogLik, {});
    for (const [name, make] of Object.entries(plots)) {
      const el = make();
      const isElement = typeof el !== "string" && el instanceof SVGSVGElement;
      if (typeof el !== "string") host.appendChild(el);
      const root = typeof el === "string" ? undefined : el;
      const box = root?.getBoundingClientRect();
      const marks: Record<string, number> = {};
      for (const cls of MARK_CLASSES) {
        const n = root?.querySelectorAll(`.${cls}`).length ?? 0;
        if (n > 0) marks[cls] = n;
      }
      result[name] = { isElement, width: box?.width ?? 0, height: box?.height ?? 0, marks };
    }
    const graph = await renderModel(
      eightSchools,
      tensor([15, 10, 16, 11, 9, 11, 10, 18]),
      tensor([28, 8, -3, 7, -1, 1, 18, 12]),
    );
    if (typeof graph !== "string") host.appendChild(graph);
    result.model = {
      isElement: typeof graph !== "string" && graph instanceof SVGSVGElement,
      nodes: typeof graph === "string" ? 0 : graph.querySelectorAll("g.node").length,
      edges: typeof graph === "string" ? 0 : graph.querySelectorAll("g.edge").length,
    };
  } catch (e) {
    result.error = String((e as Error).stack ?? e);
  }
  (window as unknown as { __phlox: unknown }).__phlox = result;
}
