/**
 * The browser check of @phlox/plots from source (built by Vite in src/browser.test.ts, run in headless
 * Chromium); see src/testing/browser-page.ts.
 */
import { renderModel } from "../src/model.js";
import { runGalleryPage } from "../src/testing/browser-page.js";
import { sourceApi } from "../src/testing/gallery.js";

await runGalleryPage(sourceApi, renderModel);
