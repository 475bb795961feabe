// `node --import ./packages/mcmc/bench/register-ts.mjs file.ts` runs this package's TypeScript sources on
// Node 20 (no --experimental-strip-types there) through the same hooks the parallel-chain workers use.
import { register } from "node:module";

register("../src/internal/ts-loader.mjs", import.meta.url);
