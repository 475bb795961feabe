#!/usr/bin/env node
// `npx phlox ...`: the @phlox/cli command line (diagnose, compare, prior-check, bench, run, serve).
import { main } from "@phlox/cli";

process.exitCode = await main(process.argv.slice(2));
