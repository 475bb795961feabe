/**
 * The browser check of @phlox/plots from its published bundles: the package is imported by name, so a
 * bundler resolves it (and every @phlox package it imports) through package.json `exports` with the default
 * conditions, i.e. the built dist/ files, not the source. Built and run by src/browser.test.ts; the same page
 * as browser/ (src/testing/browser-page.ts).
 */
import * as plots from "@phlox/plots";
import { renderModel } from "@phlox/plots/model";
import { runGalleryPage } from "../src/testing/browser-page.js";

await runGalleryPage(plots, renderModel);
