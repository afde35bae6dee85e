export {
  type AnswerOptions,
  type ApiErrorBody,
  answerChatRequest,
  type ChatCompletion,
  type ChatRequestAnswer,
  type SimulatorStage,
} from './answer-request.js';
export { findDimension, type LatentWorld, type SampleDraft, type WorldDimension } from './latent-world.js';
export { formatMarkers, parseMarkers } from './sample-markers.js';
export { COVERAGE_BATCH, chooseCriterion, completeValues, writeSamples } from './stage-answers.js';
export {
  isLoopbackHost,
  type Simulator,
  type SimulatorOptions,
  type SimulatorStats,
  startSimulator,
} from './start-simulator.js';
export { recognizeTask, worldForTask } from './world-for-task.js';
