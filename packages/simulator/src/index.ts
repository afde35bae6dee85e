export { formatSimulatorStart, formatSimulatorStats } from './format-simulator.js';
export { endpointOrSimulator } from './simulated-model-source.js';
export { type SimulatorFaultKind, type SimulatorFaults, simulatorFaultsSchema } from './simulator-faults.js';
export {
  type ParsedSimulatorOptions,
  type SimulatorOptions,
  type SimulatorRequestRecord,
  simulatorOptionsSchema,
} from './simulator-options.js';
export { type Simulator, type SimulatorStats, startSimulator } from './start-simulator.js';
