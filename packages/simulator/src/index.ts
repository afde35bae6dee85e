export {
  type AnswerOptions,
  type ApiErrorBody,
  answerChatRequest,
  type ChatCompletion,
  type ChatRequestAnswer,
  type ContentFault,
  type SimulatorStage,
} from './answer-request.js';
export { findDimension, type LatentWorld, type SampleDraft, type WorldDimension } from './latent-world.js';
export {
  chooseRouteOption,
  INVALID_ROUTE_ANSWER,
  ROUTE_INVALID_MARKER,
  ROUTE_INVALID_ONCE_MARKER,
} from './route-answer.js';
export { formatMarkers, parseMarkers } from './sample-markers.js';
export {
  type ContentFaultKind,
  corruptContent,
  DEFAULT_HANG_MS,
  drawFault,
  FAULT_KINDS,
  type FaultDraw,
  type FaultErrorBody,
  type FaultPlan,
  faultReply,
  type HttpFaultKind,
  isContentFault,
  planFaults,
  type SimulatorFaultKind,
  type SimulatorFaults,
} from './simulator-faults.js';
export { COVERAGE_BATCH, chooseCriterion, completeValues, writeSamples } from './stage-answers.js';
export {
  isLoopbackHost,
  type Simulator,
  type SimulatorOptions,
  type SimulatorRequestRecord,
  type SimulatorStats,
  startSimulator,
} from './start-simulator.js';
export { recognizeTask, worldForTask } from './world-for-task.js';
