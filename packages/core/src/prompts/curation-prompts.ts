import type { ChatMessage } from '../spec/chat-model.js';
import type { PathStep } from '../spec/sample.js';
import type { TaskDefinition } from '../tasks/task-definition.js';
import { bulletList, PROMPT_SECTIONS, section, subspaceSection, taskSections } from './prompt-layout.js';

/** A field an answer writes, or a criterion a judge scores: a name and what it means. */
export interface NamedLine {
  name: string;
  description: string;
}

const SYSTEM = [
  'You help build training data for a machine-learning task.',
  'A sample of the task was written already; follow the sections below exactly and reply with JSON only.',
].join(' ');

/** The sample as the last section: one JSON object, so its text may hold anything. */
function sampleSection(sample: Readonly<Record<string, string>>): string {
  return `# ${PROMPT_SECTIONS.sample}\n${JSON.stringify(sample)}\n`;
}

function lines(items: readonly NamedLine[]): string {
  return bulletList(items.map((item) => `${item.name}: ${item.description}`));
}

/**
 * The answer request of curation (`treesynth_answer`, docs/simulator.md): write `answerFields` for a
 * sample of `task`. `instructions` is the task's own wording of how to answer.
 */
export function answerPrompt(input: {
  task: TaskDefinition;
  path: readonly PathStep[];
  answerFields: readonly NamedLine[];
  instructions: string;
  sample: Readonly<Record<string, string>>;
}): ChatMessage[] {
  const user = [
    taskSections(input.task),
    subspaceSection(input.path),
    section(PROMPT_SECTIONS.answerFormat, lines(input.answerFields)),
    section(
      PROMPT_SECTIONS.request,
      `${input.instructions.trim()} Reply as one JSON object with exactly the fields of the answer format.`,
    ),
    sampleSection(input.sample),
  ].join('\n');
  return [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: user },
  ];
}

/** The judge request of curation (`treesynth_judge`): score a sample and its answer 1-5 on each criterion. */
export function judgePrompt(input: {
  task: TaskDefinition;
  path: readonly PathStep[];
  criteria: readonly NamedLine[];
  sample: Readonly<Record<string, string>>;
}): ChatMessage[] {
  const user = [
    taskSections(input.task),
    subspaceSection(input.path),
    section(PROMPT_SECTIONS.criteria, lines(input.criteria)),
    section(
      PROMPT_SECTIONS.request,
      'Score the sample and its answer on each criterion from 1 (poor) to 5 (excellent). ' +
        'Reply as {"scores": {"<criterion>": <1-5>, ...}} with every criterion named.',
    ),
    sampleSection(input.sample),
  ].join('\n');
  return [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: user },
  ];
}
