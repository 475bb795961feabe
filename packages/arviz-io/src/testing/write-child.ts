// Child process for the kill -9 tests (data-safety.test.ts): writes bigIdata(ELEMENTS, 1) to PATH in a loop, in
// the format given, until the parent kills it.
//   usage: node --conditions=@phlox/source --import tsx src/testing/write-child.ts netcdf|json|zarr PATH ELEMENTS
import { writeJSON, writeNetCDF, writeZarr } from "../files.js";
import { bigIdata } from "./big-idata.js";

const [format, target, elements] = process.argv.slice(2);
const idata = bigIdata(Number(elements), 1);
for (;;) {
  if (format === "netcdf") await writeNetCDF(idata, target as string);
  else if (format === "json") await writeJSON(idata, target as string);
  else await writeZarr(idata, target as string, { compression: 1 });
}
