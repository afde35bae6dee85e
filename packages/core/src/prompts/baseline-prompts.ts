import { z } from 'zod';
import { PromptFormatError } from '../errors/prompt-format-error.js';
import type { ChatMessage } from '../spec/chat-model.js';
import type { TaskDefinition } from '../tasks/task-definition.js';
import { type PromptMessages, withoutSchemaHint } from './prompt-format.js';
import {
  PROMPT_SECTIONS,
  parsePromptSections,
  section,
  subspaceSection,
  taskSections,
} from './prompt-layout.js';

/**
 * Requests of the baselines (docs/baselines.md), in the layout of the stage prompts (prompt-format.ts):
 * the task's static sections, an empty Subspace, then by kind:
 *
 *   treesynth_evolve   # Evolution (`<operation>: <what to do>`), # Request, # Instruction (the parent,
 *                      always last: it runs to the end of the message). Answer {"instruction": "..."}.
 *   treesynth_persona  # Request ("... exactly N ..."), # Text (the seed text, always last).
 *                      Answer {"personas": ["...", ...]}.
 *
 * Temperature sampling and persona-driven questions are leaf requests (`leafPrompt`): no constraint,
 * or one `persona` constraint.
 */
export const BASELINE_SCHEMA_NAMES = { evolve: 'treesynth_evolve', persona: 'treesynth_persona' } as const;

export const EVOLVE_SECTIONS = { evolution: 'Evolution', instruction: 'Instruction' } as const;
export const PERSONA_SECTIONS = { text: 'Text' } as const;

/** Evol-Instruct's steps: in-depth ones make the instruction harder, in-breadth writes a sibling. */
export const EVOLUTION_OPERATIONS = {
  constraints: 'add one more constraint or requirement the answer must meet',
  deepen: 'ask about the same situation in more depth, so that answering needs deeper understanding',
  concretize: 'replace general ideas with more specific, concrete ones',
  reasoning: 'change it so that answering needs more steps of reasoning, stated or implied',
  'complicate-input': 'add a piece of input (data, code, a table) that the answer must work with',
  breadth:
    'write a brand-new instruction of the same task and domain, rarer in topic, of similar length and difficulty',
} as const;

export type EvolutionOperation = keyof typeof EVOLUTION_OPERATIONS;

const SYSTEM =
  'You help build training data for a machine-learning task. Follow the sections below exactly and reply with JSON only.';

export function evolvePrompt(input: {
  task: TaskDefinition;
  operation: EvolutionOperation;
  instruction: string;
}): ChatMessage[] {
  const user = [
    taskSections(input.task),
    subspaceSection([]),
    section(EVOLVE_SECTIONS.evolution, `${input.operation}: ${EVOLUTION_OPERATIONS[input.operation]}`),
    section(
      PROMPT_SECTIONS.request,
      'Rewrite the instruction below as the evolution says. The result must still be a valid sample of the task, ' +
        'self-contained and answerable, and must not mention this request or the evolution. Reply as {"instruction": "..."}.',
    ),
    `# ${EVOLVE_SECTIONS.instruction}\n${input.instruction}\n`,
  ].join('\n');
  return [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: user },
  ];
}

export function personaPrompt(input: { task: TaskDefinition; text: string; count: number }): ChatMessage[] {
  const user = [
    taskSections(input.task),
    subspaceSection([]),
    section(
      PROMPT_SECTIONS.request,
      `Name exactly ${input.count} different people who would be likely to read, write, like or dislike the text below. ` +
        'Describe each in one sentence (who they are, what they do or care about). Reply as {"personas": [...]}.',
    ),
    `# ${PERSONA_SECTIONS.text}\n${input.text}\n`,
  ].join('\n');
  return [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: user },
  ];
}

export const evolveAnswerSchema = z.object({ instruction: z.string() });
export const personaAnswerSchema = z.object({ personas: z.array(z.string()) });

export type BaselineRequest =
  | { kind: 'evolve'; task: string; fields: string[]; operation: EvolutionOperation; instruction: string }
  | { kind: 'persona'; task: string; fields: string[]; count: number; text: string };

/**
 * A baseline request read back (for the simulator); `undefined` when `schemaName` is no baseline's,
 * a `PromptFormatError` naming the section when the messages do not follow the layout above.
 */
export function readBaselineRequest(
  messages: PromptMessages,
  schemaName: string,
): BaselineRequest | undefined {
  const kind =
    schemaName === BASELINE_SCHEMA_NAMES.evolve
      ? 'evolve'
      : schemaName === BASELINE_SCHEMA_NAMES.persona
        ? 'persona'
        : undefined;
  if (kind === undefined) return undefined;
  const fail = (message: string, name?: string): never => {
    throw new PromptFormatError({ schemaName, section: name, message });
  };
  const message = messages.find(
    (item) => item.role === 'user' && parsePromptSections(item.content).has(PROMPT_SECTIONS.task),
  );
  if (message === undefined) return fail(`no user message has a "${PROMPT_SECTIONS.task}" section`);
  const text = withoutSchemaHint(message.content);
  const last = kind === 'evolve' ? EVOLVE_SECTIONS.instruction : PERSONA_SECTIONS.text;
  const heading = `\n# ${last}\n`;
  const start = text.indexOf(heading);
  if (start < 0) return fail('missing', last);
  const sections = parsePromptSections(text.slice(0, start));
  const tail = text.slice(start + heading.length).replace(/\n$/, '');
  const task = sections.get(PROMPT_SECTIONS.task) ?? '';
  const fields = (sections.get(PROMPT_SECTIONS.format) ?? '')
    .split('\n')
    .filter((line) => line.startsWith('- '))
    .map((line) => line.slice(2).split(':')[0]!.trim());
  if (fields.length === 0) fail('no fields', PROMPT_SECTIONS.format);
  if (kind === 'persona') {
    const count = /exactly (\d+)/.exec(sections.get(PROMPT_SECTIONS.request) ?? '')?.[1];
    if (count === undefined) return fail('no count', PROMPT_SECTIONS.request);
    return { kind, task, fields, count: Number(count), text: tail };
  }
  const operation = (sections.get(EVOLVE_SECTIONS.evolution) ?? '').split(':')[0]!.trim();
  if (!(operation in EVOLUTION_OPERATIONS))
    return fail(`unknown operation "${operation}"`, EVOLVE_SECTIONS.evolution);
  return { kind, task, fields, operation: operation as EvolutionOperation, instruction: tail };
}
