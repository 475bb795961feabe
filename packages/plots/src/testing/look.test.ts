import { writeFileSync } from "node:fs";
import { it } from "vitest";
import * as P from "../index.js";
import { toPNG } from "../png.js";
import { eightSchoolsFixture, eightSchoolsIdata } from "./eight-schools.js";

it("look", () => {
  const idata = eightSchoolsIdata();
  const fx = eightSchoolsFixture();
  const S = { output: "string" } as const;
  const all: Record<string, () => string> = {
    posterior: () =>
      P.plotPosterior(idata, { ...S, varNames: ["mu", "tau"], refVal: { mu: 0 }, rope: { tau: [0, 2] } }),
    forest: () => P.plotForest(idata, { ...S, rHat: true, ess: true }),
    pair: () =>
      P.plotPair(idata, {
        ...S,
        varNames: ["mu", "tau", "theta"],
        coords: { school: ["Choate"] },
        divergences: true,
      }),
    pairkde: () => P.plotPair(idata, { ...S, varNames: ["mu", "tau"], kind: "kde" }),
    pairhex: () => P.plotPair(idata, { ...S, varNames: ["mu", "tau"], kind: "hexbin" }),
    energy: () => P.plotEnergy(idata, S),
    autocorr: () => P.plotAutocorr(idata, { ...S, varNames: ["mu"] }),
    ess: () => P.plotEss(idata, { ...S, varNames: ["mu", "tau"] }),
    essev: () => P.plotEss(idata, { ...S, varNames: ["mu", "tau"], kind: "evolution" }),
    mcse: () => P.plotMcse(idata, { ...S, varNames: ["mu", "tau"] }),
    ppc: () => P.plotPpc(idata, S),
    ppccum: () => P.plotPpc(idata, { ...S, kind: "cumulative" }),
    loopit: () => P.plotLooPit(idata, S),
    loopitecdf: () => P.plotLooPit(idata, { ...S, ecdf: true }),
    khat: () => P.plotKhat(idata, { ...S, showBins: true }),
    compare: () =>
      P.plotCompare(
        {
          centered: idata,
          nonCentered: idata.with(
            "log_likelihood",
            P.toInferenceData(
              { obs: { data: Float64Array.from(fx.nonCenteredLogLik), shape: [4, 200, 8] } },
              "x",
            ).get("posterior"),
          ),
        },
        S,
      ),
    dist: () => P.plotDist(fx.data.posterior.mu, { ...S, rug: true, hdiProb: 0.9 }),
    density: () => P.plotDensity([idata, idata], { ...S, varNames: ["mu", "tau"], dataLabels: ["a", "b"] }),
    violin: () => P.plotViolin(idata, { ...S, varNames: ["mu", "tau", "theta"] }),
  };
  const which = (process.env.LOOK ?? Object.keys(all).join(",")).split(",");
  for (const w of which) writeFileSync(`/tmp/plots-${w}.png`, toPNG(all[w]!()));
}, 120000);
