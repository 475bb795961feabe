export type { CaseInput, PrimitiveCase } from "./cases.js";
export { primitiveCases } from "./cases.js";
export type { ConformanceTarget } from "./conformance.js";
export { conformance, expectClose } from "./conformance.js";
