// @phlox/backend-js: the JavaScript code generator for jit programs.
export {
  allocateArray,
  type CompiledJsProgram,
  type CompiledRowsProgram,
  type CompileOptions,
  compileProgram,
  compileRows,
  loadCompiled,
  type RawProgramFn,
  type SerializedProgram,
} from "./compile.js";
export { engineIndependentMath } from "./internal/elementwise.js";
export { disableWasmSimd } from "./internal/simd-rows.js";
export type { ArgSpec, IRAtom, IRDType, IREqn, IRLiteral, IRProgram, IRTypedArray, IRVar } from "./ir.js";
export { portableMath, setEngineIndependentMath } from "./portable-math.js";
export {
  type BatchedValueAndGradFn,
  type CompiledPotential,
  type CompileValueAndGradOptions,
  compileValueAndGrad,
  type ExtraInput,
  loadPotential,
  type SerializedPotential,
  type ValueAndGradFn,
} from "./potential.js";
export { jsCompiler, useJsCompiler } from "./register.js";
export {
  availableThreads,
  disposeThreads,
  getThreads,
  setThreads,
  THREAD_MIN_ROWS,
  type ThreadSettings,
  threadsReady,
} from "./threads.js";
