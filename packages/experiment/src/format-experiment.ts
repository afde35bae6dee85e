import { formatMetricTable } from '@treesynth/eval';
import type { ExperimentProgress } from './experiment-options.js';
import type { ExperimentResult } from './run-experiment.js';

const SIMULATED =
  'SIMULATED DATA (treesynth sim): these figures check the pipeline and say nothing about the methods.';

/** The experiment as text: each method's rows through its steps, the diversity table, the report. */
export function formatExperiment(result: ExperimentResult): string {
  const { state } = result;
  const lines = [
    `experiment ${state.name} in ${result.out}: ${result.status}${result.simulated ? ` (${SIMULATED})` : ''}`,
    `generator ${state.modelId}, ${state.dataSize} rows per method, embedder ${state.embedder}`,
  ];
  for (const method of state.methods) {
    const steps = [
      method.run ? `run ${method.run.status}, ${method.run.rows} rows` : 'run not finished',
      method.curate ? `curated ${method.curate.rows}` : undefined,
      method.export ? `export ${method.export.out}` : undefined,
    ].filter((step) => step !== undefined);
    lines.push(`  ${method.name.padEnd(12)} ${steps.join(', ')}`);
  }
  if (result.table) {
    lines.push(
      '',
      `diversity (${state.report?.rowsPerMethod ?? '?'} rows per method; mean pairwise cosine: lower is more diverse)`,
    );
    lines.push(formatMetricTable(result.table).trimEnd());
  }
  if (result.report) lines.push('', `report: ${result.report}`);
  if (result.bench)
    lines.push('', 'benchmarks of the models fine-tuned on each method’s export:', result.bench.trimEnd());
  if (result.simulated) lines.push('', SIMULATED);
  return `${lines.join('\n')}\n`;
}

/** A step as a progress line: `curate evol`, `run temperature (done before)`, `report`. */
export function formatExperimentProgress({ step, method, skipped }: ExperimentProgress): string {
  return `${step}${method ? ` ${method}` : ''}${skipped ? ' (done before)' : ''}`;
}

/** The result as JSON for scripts: experiment.json's state, the diversity table, the bench table. */
export function experimentResultJson(result: ExperimentResult): Record<string, unknown> {
  const { out, status, simulated, state: experiment, table: diversity, bench } = result;
  return { out, status, simulated, experiment, diversity, bench };
}
