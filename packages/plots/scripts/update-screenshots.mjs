#!/usr/bin/env node
// Regenerates fixtures/screenshots/*.png: headless Chromium screenshots of every plot of the gallery
// (src/testing/gallery.ts). Run from the repository root: node packages/plots/scripts/update-screenshots.mjs
import { spawnSync } from "node:child_process";

const r = spawnSync(
  "pnpm",
  ["exec", "vitest", "run", "--project", "plots", "browser.test", "-t", "screenshots"],
  {
    stdio: "inherit",
    env: { ...process.env, PHLOX_UPDATE_SCREENSHOTS: "1" },
  },
);
process.exit(r.status ?? 1);
