import type { ChatMessage } from '@treesynth/core';
import type { CodeSandbox, ExecutionResult } from '../sandbox/execution-result.js';

export type BenchmarkName = 'gsm8k' | 'math' | 'humaneval' | 'mbpp';
export const BENCHMARK_NAMES: readonly BenchmarkName[] = ['gsm8k', 'math', 'humaneval', 'mbpp'];

/** How the model is asked: chat endpoints for instruct models, `/v1/completions` for base models. */
export type PromptMode = 'chat' | 'completion';

export type BenchPrompt =
  | { readonly mode: 'chat'; readonly messages: readonly ChatMessage[]; readonly stop?: readonly string[] }
  | { readonly mode: 'completion'; readonly prompt: string; readonly stop: readonly string[] };

export interface BenchProblem {
  /** Stable id: GSM8K `gsm8k/<row index>`, MATH `unique_id`, HumanEval `task_id`, MBPP `mbpp/<task_id>`. */
  readonly id: string;
}

export interface ProblemScore {
  /** The final answer or program read from the output (null when none could be read). */
  readonly extracted: string | null;
  /** One verdict per metric of the benchmark (`metrics` below), e.g. gsm8k: strict and flexible. */
  readonly verdicts: Readonly<Record<string, boolean>>;
  /** Present for the code benchmarks. */
  readonly execution?: ExecutionResult;
}

export interface ScoreContext {
  readonly sandbox: CodeSandbox;
  readonly signal?: AbortSignal;
}

export interface LoadProblemsOptions {
  /** MBPP: the hand-verified sanitized set instead of the full test split. */
  readonly sanitized?: boolean;
}

/**
 * One benchmark: its problems (from the shipped sets), its prompts and its scorer. The runner
 * (`runBench`) is generic over this interface; each benchmark module exports one definition.
 */
export interface BenchmarkDefinition<P extends BenchProblem = BenchProblem> {
  readonly name: BenchmarkName;
  /** Metric names in report order; the first is the headline figure. */
  readonly metrics: readonly string[];
  /** Default number of few-shot examples for each mode. */
  readonly defaultShots: Readonly<Record<PromptMode, number>>;
  problems(options?: LoadProblemsOptions): Promise<readonly P[]>;
  prompt(problem: P, options: { readonly mode: PromptMode; readonly shots: number }): BenchPrompt;
  score(problem: P, output: string, context: ScoreContext): Promise<ProblemScore>;
}
