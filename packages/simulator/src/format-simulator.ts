import { FAULT_KINDS, RATE_OPTION, type SimulatorFaults } from './simulator-faults.js';
import type { SimulatorStats } from './start-simulator.js';

/** Where the simulator listens and the faults it injects: `simulated LLM ... at <url> with faults rate429=0.05`. */
export function formatSimulatorStart(url: string, faults: SimulatorFaults = {}): string {
  const active = FAULT_KINDS.map((kind) => RATE_OPTION[kind])
    .filter((option) => (faults[option] ?? 0) > 0)
    .map((option) => `${option}=${faults[option]}`);
  const injected = active.length > 0 ? ` with faults ${active.join(' ')}` : '';
  return `simulated LLM (OpenAI-compatible) at ${url}${injected}\n`;
}

/** What the simulator served: `served 120 requests: 110 answered, 0 invalid, faults rateLimit 6, hang 4`. */
export function formatSimulatorStats(stats: SimulatorStats): string {
  const injected = Object.entries(stats.faults).filter(([, count]) => count > 0);
  const faults =
    injected.length > 0 ? `, faults ${injected.map(([kind, count]) => `${kind} ${count}`).join(', ')}` : '';
  return `served ${stats.total} requests: ${stats.answered} answered, ${stats.invalid} invalid${faults}\n`;
}
