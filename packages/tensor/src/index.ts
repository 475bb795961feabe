// Core: tensors, dtypes, shapes, errors, backends, the IR and the staging tracer.

export type { Argnums, GradArgs, GradOf, ScalarFn } from "./autodiff/grad.js";
// Autodiff.
export { grad, hessian, jacrev, jvp, valueAndGrad, vjp } from "./autodiff/grad.js";
export { cond, condP, switchCase } from "./control/cond.js";
export type { ScanOptions } from "./control/scan.js";
export { scan, scanP } from "./control/scan.js";
export { foriLoop, whileLoop, whileLoopP } from "./control/while-loop.js";
export type { Backend, CompiledProgram } from "./core/backend.js";
export {
  getBackend,
  jsBackend,
  listBackends,
  registerBackend,
  setBackend,
  withBackend,
} from "./core/backend.js";
export type { DType, TypedArray } from "./core/dtype.js";
export { allocate, DTYPES, isFloat, isInt, promoteTypes } from "./core/dtype.js";
export {
  ConcretizationError,
  ConstraintError,
  DtypeError,
  MissingKernelError,
  MissingRuleError,
  PhloxError,
  ShapeError,
  silenceWarnings,
  warn,
} from "./core/errors.js";
export type { Atom, Eqn, Literal, Program, Var } from "./core/ir.js";
export { isLiteral, printProgram } from "./core/ir.js";
export type {
  Aval,
  CondParams,
  KernelArg,
  MultiPrimitive,
  MultiPrimitiveName,
  NoParams,
  Primitive,
  PrimitiveName,
  PrimitiveParams,
  PrimitiveRules,
  ReduceParams,
  ScanParams,
  WhileLoopParams,
} from "./core/primitive.js";
export {
  defineMultiPrimitive,
  definePrimitive,
  getMultiPrimitive,
  getPrimitive,
  primitiveNames,
} from "./core/primitive.js";
export type { PyTree, TreeDef } from "./core/pytree.js";
export { treeFlatten, treeMap, treeUnflatten } from "./core/pytree.js";
export type { Shape } from "./core/shape.js";
export { broadcastShapes, shapesEqual, sizeOf } from "./core/shape.js";
export { DuplicateCoreError } from "./core/single-copy.js";
export { makeProgram, StagingTrace } from "./core/staging.js";
export type { ArrayValue, NestedArray, TensorLike } from "./core/tensor.js";
export { Tensor, tensor, toTensor } from "./core/tensor.js";
export type { Trace } from "./core/trace.js";
export { bind, bindMulti, isStaging } from "./core/trace.js";
export { arange, eye, full, linspace, ones, scalar, zeros } from "./creation.js";
export type { CompiledFn, ProgramCompiler } from "./jit/compiler.js";
// jit (src/jit/, written by the jit helper on top of the staging tracer).
export { getCompiler, registerCompiler, unregisterCompiler, withCompiler } from "./jit/compiler.js";
export { type InterpretedValue, interpretMulti, interpretProgram } from "./jit/interpret.js";
export type { JitOptions, JittedFunction, LoweredProgram } from "./jit/jit.js";
export { jit, printIR } from "./jit/jit.js";
export { scalarKernels } from "./jit/scalar-kernels.js";
export type { SimplifyOptions } from "./jit/simplify.js";
export {
  applyIdentities,
  eliminateCommonSubexpressions,
  eliminateDeadCode,
  foldConstants,
  simplify,
} from "./jit/simplify.js";
export { simplifyControlFlow } from "./jit/simplify-control.js";
export type { AbstractInput } from "./jit/stage.js";
export { batchProgram, stageValueAndGrad } from "./jit/stage.js";
// Composites (no rules of their own).
export { betaln, lbeta, trigamma } from "./ops/beta.js";
export { einsum } from "./ops/einsum.js";
export { choSolve, logdet, solvePD } from "./ops/linalg.js";
export { logaddexp, logSoftmax, logSumExp, softmax } from "./ops/log-sum-exp.js";
export { log1mexp } from "./ops/log1mexp.js";
export { diagonal, expandDims, squeeze, stack } from "./ops/shape-ops.js";
export { logSigmoid, sigmoid, softplus } from "./ops/softplus.js";
export { clamp, square } from "./ops/square.js";
export { mean, std, variance } from "./ops/stats.js";
export { xlog1py, xlogy } from "./ops/xlogy.js";
// Primitives (one module each): the `<name>P` objects and their public functions.
export { abs, absP } from "./primitives/abs.js";
export { add, addP } from "./primitives/add.js";
export { argmax, argmaxP } from "./primitives/argmax.js";
export { argmin, argminP } from "./primitives/argmin.js";
export { broadcastTo, broadcastToP } from "./primitives/broadcast-to.js";
export { cast, castP } from "./primitives/cast.js";
export { ceil, ceilP } from "./primitives/ceil.js";
export { cholesky, choleskyP } from "./primitives/cholesky.js";
export { concatenate, concatenateP } from "./primitives/concatenate.js";
export { cos, cosP } from "./primitives/cos.js";
export { cumsum, cumsumP } from "./primitives/cumsum.js";
export { digamma, digammaP } from "./primitives/digamma.js";
export { div, divP } from "./primitives/div.js";
export { eq, eqP } from "./primitives/eq.js";
export { erf, erfP } from "./primitives/erf.js";
export { erfc, erfcP } from "./primitives/erfc.js";
export { exp, expP } from "./primitives/exp.js";
export { expm1, expm1P } from "./primitives/expm1.js";
export { floor, floorP } from "./primitives/floor.js";
export { gatherP, take } from "./primitives/gather.js";
export { ge, geP } from "./primitives/ge.js";
export { gt, gtP } from "./primitives/gt.js";
export { isfinite, isfiniteP } from "./primitives/isfinite.js";
export { isnan, isnanP } from "./primitives/isnan.js";
export { le, leP } from "./primitives/le.js";
export { lgamma, lgammaP } from "./primitives/lgamma.js";
export { log, logP } from "./primitives/log.js";
export { log1p, log1pP } from "./primitives/log1p.js";
export { logicalAnd, logicalAndP } from "./primitives/logical-and.js";
export { logicalNot, logicalNotP } from "./primitives/logical-not.js";
export { logicalOr, logicalOrP } from "./primitives/logical-or.js";
export { logistic, logisticP } from "./primitives/logistic.js";
export { lt, ltP } from "./primitives/lt.js";
export { matmul, matmulP, matrixTranspose } from "./primitives/matmul.js";
export { maximum, maximumP } from "./primitives/maximum.js";
export { minimum, minimumP } from "./primitives/minimum.js";
export { mul, mulP } from "./primitives/mul.js";
export { ndtri, ndtriP } from "./primitives/ndtri.js";
export { ne, neP } from "./primitives/ne.js";
export { neg, negP } from "./primitives/neg.js";
export { pad, padP } from "./primitives/pad.js";
export { polygamma, polygammaP } from "./primitives/polygamma.js";
export { pow, powP } from "./primitives/pow.js";
export { randomBits, randomBitsP } from "./primitives/random-bits.js";
export { max, reduceMaxP } from "./primitives/reduce-max.js";
export { min, reduceMinP } from "./primitives/reduce-min.js";
export { prod, reduceProdP } from "./primitives/reduce-prod.js";
export { reduceSumP, sum } from "./primitives/reduce-sum.js";
export { reshape, reshapeP } from "./primitives/reshape.js";
export { round, roundP } from "./primitives/round.js";
export { rsqrt, rsqrtP } from "./primitives/rsqrt.js";
export { scatterAdd, scatterAddP } from "./primitives/scatter-add.js";
export { selectP, where } from "./primitives/select.js";
export { sign, signP } from "./primitives/sign.js";
export { sin, sinP } from "./primitives/sin.js";
export { slice, sliceP } from "./primitives/slice.js";
export { sqrt, sqrtP } from "./primitives/sqrt.js";
export { stopGradient, stopGradientP } from "./primitives/stop-gradient.js";
export { sub, subP } from "./primitives/sub.js";
export { tan, tanP } from "./primitives/tan.js";
export { tanh, tanhP } from "./primitives/tanh.js";
export { transpose, transposeP } from "./primitives/transpose.js";
export type { TriangularSolveOptions } from "./primitives/triangular-solve.js";
export { triangularSolve, triangularSolveP } from "./primitives/triangular-solve.js";
export { bernoulli, categorical, exponential, normal, truncatedNormal, uniform } from "./random/basic.js";
export { beta, binomial, choice, dirichlet, gamma, permutation, poisson } from "./random/host.js";
export type { Key } from "./random/key.js";
// PRNG.
export { foldIn, key, split } from "./random/key.js";
export type { ChainRandomState, KeyLike, KeyPair } from "./random/stream.js";
export { ChainRandom, splitKey, threefry2x32, toKeyPair } from "./random/stream.js";
// Scalar special functions (plain numbers, for code outside the tensor world).
export { digammaScalar } from "./special/digamma.js";
export { erfcScalar, erfScalar } from "./special/erf.js";
export { lgammaScalar } from "./special/lgamma.js";
export { ndtriScalar } from "./special/ndtri.js";
export { cotDerivativePolynomial, polygammaScalar } from "./special/polygamma.js";
// vmap (src/vmap/: the batch trace and one batching rule per primitive).
export type { BatchingRule, MultiBatchingRule } from "./vmap/rules.js";
export {
  getBatchingRule,
  getMultiBatchingRule,
  registerBatchingRule,
  registerMultiBatchingRule,
} from "./vmap/rules.js";
export type { AxisSpec, VmapOptions } from "./vmap/vmap.js";
export { batchingRuleNames, vmap } from "./vmap/vmap.js";
