export {
  type AnswerOptions,
  type ApiErrorBody,
  answerChatRequest,
  type ChatCompletion,
  type ChatRequestAnswer,
  type SimulatorStage,
} from './answer-request.js';
export type { LatentWorld, WorldDimension } from './latent-world.js';
export { INVALID_ROUTE_ANSWER, ROUTE_INVALID_MARKER, ROUTE_INVALID_ONCE_MARKER } from './route-answer.js';
export { type SimulatorFaultKind, type SimulatorFaults, simulatorFaultsSchema } from './simulator-faults.js';
export {
  type ParsedSimulatorOptions,
  type SimulatorOptions,
  type SimulatorRequestRecord,
  simulatorOptionsSchema,
} from './simulator-options.js';
export { type Simulator, type SimulatorStats, startSimulator } from './start-simulator.js';
export { worldForTask } from './world-for-task.js';
