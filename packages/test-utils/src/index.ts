export { bareErrors } from "./bare-errors.js";
export {
  type DocExample,
  type DocExampleOptions,
  extractExamples,
  near,
  runDocExamples,
  sourceFiles,
  toCheckedProgram,
} from "./doc-examples.js";
export { f64 } from "./f64.js";
