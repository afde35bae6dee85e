import { describe, expect, it } from 'vitest';
import { formatSimulatorStart, formatSimulatorStats } from './format-simulator.js';
import { startSimulator } from './start-simulator.js';

describe('the simulator as text', () => {
  it('lists the faults injected, by option, in draw order, and none when none is', () => {
    expect(formatSimulatorStart('http://h/v1', { rateHang: 0.01, rate429: 0.05, rate500: 0, seed: 3 })).toBe(
      'simulated LLM (OpenAI-compatible) at http://h/v1 with faults rate429=0.05 rateHang=0.01\n',
    );
    expect(formatSimulatorStart('http://h/v1')).toBe('simulated LLM (OpenAI-compatible) at http://h/v1\n');
  });

  it('counts what a simulator served, with the fault kinds that happened', async () => {
    const simulator = await startSimulator({ faults: { rate500: 1 } });
    try {
      expect(formatSimulatorStats(simulator.stats())).toBe('served 0 requests: 0 answered, 0 invalid\n');
      const request = { model: 'sim', messages: [{ role: 'user', content: 'hello' }] };
      for (const body of [request, { nonsense: true }])
        await fetch(`${simulator.url}/chat/completions`, { method: 'POST', body: JSON.stringify(body) });
      expect(formatSimulatorStats(simulator.stats())).toBe(
        'served 2 requests: 0 answered, 1 invalid, faults serverError 1\n',
      );
    } finally {
      await simulator.close();
    }
  });
});
