// Module hooks that let a worker thread import TypeScript sources (used only when the package runs from src/,
// e.g. under vitest; built packages import dist/*.js and need no hooks). They are @phlox/backend-js's (a layer
// below this package; its worker threads load sources the same way): the @phlox packages sit side by side,
// in the workspace's packages/ as in node_modules/@phlox/, so the relative path reaches them.
export { load, resolve, transpiler } from "../../../backend-js/src/internal/ts-loader.mjs";
