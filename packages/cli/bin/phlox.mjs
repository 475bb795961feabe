#!/usr/bin/env node
// phlox <command> ...: diagnose, compare, prior-check, bench, run, serve (see `phlox --help`).
import { main } from "../dist/index.node.js";

process.exitCode = await main(process.argv.slice(2));
