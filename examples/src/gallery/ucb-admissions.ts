/**
 * UC Berkeley graduate admissions, 1973 (Bickel, Hammel and O'Connell 1975): pooled over departments men were
 * admitted more often; with a varying intercept per department the gender effect is about zero.
 */
import { Binomial, HalfNormal, Normal } from "@phlox/distributions";
import { plate, reparam, sample } from "@phlox/handlers";
import { LocScaleReparam } from "@phlox/infer";
import { type Tensor, tensor } from "@phlox/tensor";
import { type ExampleMeta, fitNuts, type RunOptions, type RunResult } from "./example.js";

/** Admissions and applications per department (A–F) and gender, as in McElreath's `UCBadmit` table. */
export const DATA = {
  dept: [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5],
  male: [1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0],
  admit: [512, 89, 353, 17, 120, 202, 138, 131, 53, 94, 22, 24],
  applications: [825, 108, 560, 25, 325, 593, 417, 375, 191, 393, 373, 341],
};

/** admit ~ Binomial(applications, logits = a[dept] + b_male · male), a[dept] ~ Normal(a_bar, sigma_dept). */
function ucbAdmit(dept: Tensor, male: Tensor, applications: Tensor, admit?: Tensor): void {
  const aBar = sample("a_bar", new Normal(0, 4));
  const sigma = sample("sigma_dept", new HalfNormal(2));
  const a = plate("dept", 6, () => sample("a", new Normal(aBar, sigma)));
  const bMale = sample("b_male", new Normal(0, 1));
  plate("rows", dept.shape[0] as number, () =>
    sample("admit", new Binomial(applications, { logits: a.take(dept).add(bMale.mul(male)) }), {
      obs: admit,
    }),
  );
}

/** The model with the department intercepts non-centred. */
export const ucbAdmitNC = reparam(ucbAdmit, { a: new LocScaleReparam(0) });

export const meta: ExampleMeta = {
  id: "ucb-admissions",
  title: "UCB admissions",
  numpyro: "examples: ucbadmit.py",
  description:
    "Admissions to six departments by gender. Pooled, men's log-odds of admission are about 0.61 higher (Simpson's " +
    "paradox); with a partially pooled intercept per department the gender coefficient b_male is about −0.1, " +
    "its 90% interval covering zero.",
  plotSites: ["a_bar", "sigma_dept", "b_male"],
  defaults: { numWarmup: 500, numSamples: 500, numChains: 2 },
};

/** Fits the varying-intercept model with NUTS; `extra.pooledLogOdds` is the naive pooled gender effect. */
export async function run(options: RunOptions = {}): Promise<RunResult> {
  const sum = (m: number) =>
    DATA.admit.reduce((s, a, i) => s + (DATA.male[i] === m ? a : 0), 0) /
    DATA.applications.reduce((s, a, i) => s + (DATA.male[i] === m ? a : 0), 0);
  const logit = (p: number) => Math.log(p / (1 - p));
  const args = [
    tensor(DATA.dept, { dtype: "int32" }),
    tensor(DATA.male),
    tensor(DATA.applications),
    tensor(DATA.admit),
  ];
  const { result } = await fitNuts(meta, ucbAdmitNC, args, options, {
    pooledLogOdds: logit(sum(1)) - logit(sum(0)),
  });
  return result;
}
