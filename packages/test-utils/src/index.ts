export {
  type DocExample,
  type DocExampleOptions,
  extractExamples,
  near,
  runDocExamples,
  sourceFiles,
  toCheckedProgram,
} from "./doc-examples.js";
