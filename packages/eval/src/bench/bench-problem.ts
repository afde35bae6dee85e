import type { ChatResult } from '@treesynth/core';
import type { Scheduler } from '@treesynth/core/internal';
import type { CodeSandbox } from '../sandbox/execution-result.js';
import type { BenchRecord } from './bench-files.js';
import { benchTemperature, type ParsedRunBenchOptions } from './bench-options.js';
import type { BenchmarkDefinition, BenchProblem, BenchPrompt } from './benchmark.js';

/** What one process of `runBench` counts across problems. */
export interface BenchCounters {
  calls: number;
  cachedCalls: number;
}

/** Ask for every sample of one problem, score each, and make its record. */
export async function solveProblem(
  problem: BenchProblem,
  definition: BenchmarkDefinition,
  shots: number,
  options: ParsedRunBenchOptions,
  scheduler: Scheduler,
  counters: BenchCounters,
  sandbox: CodeSandbox | undefined,
): Promise<BenchRecord> {
  const prompt = definition.prompt(problem, { mode: options.mode, shots });
  const temperature = benchTemperature(options);
  const results = await Promise.all(
    Array.from({ length: options.samples }, (_, index) =>
      scheduler.run(
        'leaf',
        async () => {
          const result = await ask(prompt, options, {
            temperature,
            seed: options.seed + index,
            callKey: `bench:${definition.name}:${problem.id}:${index}`,
          });
          counters.calls++;
          if (result.cached) counters.cachedCalls++;
          return result;
        },
        options.signal,
      ),
    ),
  );
  const context = { sandbox: sandbox ?? noSandbox(), ...(options.signal ? { signal: options.signal } : {}) };
  // The sandbox bounds how many programs run at once (its pool).
  const scores = await Promise.all(results.map((result) => definition.score(problem, result.text, context)));
  const code = scores.some((score) => score.execution !== undefined);
  return {
    id: problem.id,
    prompt:
      prompt.mode === 'chat'
        ? prompt.messages.map(({ role, content }) => ({ role, content }))
        : prompt.prompt,
    ...(prompt.stop && prompt.stop.length > 0 ? { stop: [...prompt.stop] } : {}),
    outputs: results.map((result) => result.text),
    extracted: scores.map((score) => score.extracted),
    verdicts: scores.map((score) => ({ ...score.verdicts })),
    ...(code ? { execution: scores.map((score) => score.execution ?? null) } : {}),
    cached: results.map((result) => result.cached === true),
    // The simulator names its model `simulated/<id>`: its answers are labelled wherever they show.
    ...(results.some((result) => result.modelId?.startsWith('simulated/')) ? { simulated: true } : {}),
  };
}

function ask(
  prompt: BenchPrompt,
  options: ParsedRunBenchOptions,
  call: { temperature: number; seed: number; callKey: string },
): Promise<ChatResult> {
  const common = {
    ...call,
    maxTokens: options.maxTokens,
    stage: 'bench',
    ...(options.signal ? { signal: options.signal } : {}),
    ...(prompt.stop && prompt.stop.length > 0 ? { stop: [...prompt.stop] } : {}),
  };
  if (prompt.mode === 'completion')
    return options.completionModel!.doComplete({ ...common, prompt: prompt.prompt });
  return options.model!.doGenerate({ ...common, messages: [...prompt.messages] });
}

function noSandbox(): CodeSandbox {
  const refuse = () => Promise.reject(new Error('no sandbox: this benchmark does not run code'));
  return { run: refuse, close: async () => {} };
}
