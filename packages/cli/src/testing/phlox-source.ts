// The `phlox` command run from source (tests spawn it with `node --conditions=@phlox/source --import tsx`),
// the same as bin/phlox.mjs does with the built bundle.
import { main } from "../index.js";

process.exitCode = await main(process.argv.slice(2));
