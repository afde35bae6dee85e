import type { PathStep, SampleFields } from '../spec/sample.js';
import type { TaskDefinition } from '../tasks/task-definition.js';

/**
 * Every stage prompt is Markdown-like sections in a fixed order: the static part (system message,
 * task, sample format, requirements) first so endpoints with prefix caching reuse it, then the part
 * that changes per node or call. `prompt-format.ts` documents the layout for readers outside core and
 * reads requests back (`readStageRequest`); keep the two in step.
 */
export const PROMPT_SECTIONS = {
  task: 'Task',
  format: 'Sample format',
  requirements: 'Requirements',
  subspace: 'Subspace',
  pivots: 'Pivots',
  usedDimensions: 'Dimensions already used',
  dimension: 'Dimension',
  knownValues: 'Known values',
  request: 'Request',
  /** The values a route request chooses from, one `- value` a line. */
  options: 'Options',
  /** The sample a route request classifies; always the last section, so its text may hold anything. */
  sample: 'Sample',
  /** The fields an answer request asks for, one `- name: description` a line (curation). */
  answerFormat: 'Answer format',
  /** The rubric a judge request scores on, one `- criterion: description` a line (curation). */
  criteria: 'Criteria',
} as const;

/** Schema names of the built-in stages' structured requests. */
export const STAGE_SCHEMA_NAMES = {
  pivots: 'treesynth_pivots',
  criterion: 'treesynth_criterion',
  coverage: 'treesynth_coverage',
  leaf: 'treesynth_leaf',
  /** Balancing: which value of a node's dimension an existing sample takes. */
  route: 'treesynth_route',
  /** Curation: write a sample's answer fields (a solution, a final answer, tests). */
  answer: 'treesynth_answer',
  /** Curation: score a sample and its answer on a rubric, 1 to 5 per criterion. */
  judge: 'treesynth_judge',
} as const;

export function section(heading: string, body: string): string {
  return `# ${heading}\n${body.trim()}\n`;
}

export function bulletList(items: readonly string[]): string {
  return items.map((item) => `- ${item}`).join('\n');
}

/** The static head shared by every stage prompt of a task. */
export function taskSections(task: TaskDefinition): string {
  const parts = [
    section(PROMPT_SECTIONS.task, task.description),
    section(
      PROMPT_SECTIONS.format,
      `Each sample is a JSON object with these string fields:\n${bulletList(task.fields.map((field) => `${field.name}: ${field.description}`))}`,
    ),
  ];
  if (task.requirements.length > 0)
    parts.push(section(PROMPT_SECTIONS.requirements, bulletList(task.requirements)));
  return parts.join('\n');
}

/** The subspace a node or leaf stands for, one constraint a line as `- dimension: value`. */
export function subspaceSection(path: readonly PathStep[]): string {
  const body =
    path.length === 0
      ? 'No constraints: the whole space of the task.'
      : `Every sample satisfies all of these constraints:\n${bulletList(path.map((step) => `${step.dimension}: ${step.value}`))}`;
  return section(PROMPT_SECTIONS.subspace, body);
}

export function pivotsSection(pivots: readonly SampleFields[]): string {
  return section(
    PROMPT_SECTIONS.pivots,
    pivots.map((pivot, index) => `[${index + 1}] ${JSON.stringify(pivot)}`).join('\n'),
  );
}

/** Split a prompt back into its sections, by heading. Unknown text before the first heading is dropped. */
export function parsePromptSections(text: string): Map<string, string> {
  const sections = new Map<string, string>();
  let heading: string | undefined;
  let lines: string[] = [];
  const flush = () => {
    if (heading !== undefined) sections.set(heading, lines.join('\n').trim());
  };
  for (const line of text.split('\n')) {
    const match = /^# (.+)$/.exec(line);
    if (match) {
      flush();
      heading = match[1]!.trim();
      lines = [];
    } else lines.push(line);
  }
  flush();
  return sections;
}

/** Read `- dimension: value` lines of a Subspace section back into steps. */
export function parseSubspace(body: string | undefined): PathStep[] {
  if (!body) return [];
  const steps: PathStep[] = [];
  for (const line of body.split('\n')) {
    const match = /^- ([^:]+): (.*)$/.exec(line);
    if (match) steps.push({ dimension: match[1]!.trim(), value: match[2]!.trim() });
  }
  return steps;
}
