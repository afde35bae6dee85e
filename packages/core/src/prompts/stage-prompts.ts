import type { ChatMessage } from '../spec/chat-model.js';
import type { PathStep } from '../spec/sample.js';
import type { CoverageInput, CriterionInput, LeafInput, PivotInput } from '../spec/stage.js';
import type { TaskDefinition } from '../tasks/task-definition.js';
import {
  bulletList,
  PROMPT_SECTIONS,
  pivotsSection,
  section,
  subspaceSection,
  taskSections,
} from './prompt-layout.js';

const SYSTEM = [
  'You help build training data for a machine-learning task by exploring the space of possible samples.',
  'The space is split into subspaces by attributes (dimensions) and their values, like the branches of a decision tree.',
  'Follow the sections below exactly, respect every constraint of the subspace, and reply with JSON only.',
].join(' ');

function messages(user: string): ChatMessage[] {
  return [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: user },
  ];
}

export function pivotPrompt(input: PivotInput): ChatMessage[] {
  return messages(
    [
      taskSections(input.task),
      subspaceSection(input.path),
      section(
        PROMPT_SECTIONS.request,
        `Write exactly ${input.count} samples from this subspace that differ from each other as much as the constraints allow, ` +
          'so that together they show the range of the subspace. Reply as {"samples": [...]}.',
      ),
    ].join('\n'),
  );
}

export function criterionPrompt(input: CriterionInput): ChatMessage[] {
  const used = input.usedDimensions.length > 0 ? bulletList(input.usedDimensions) : 'None yet.';
  return messages(
    [
      taskSections(input.task),
      subspaceSection(input.path),
      section(PROMPT_SECTIONS.usedDimensions, used),
      pivotsSection(input.pivots),
      section(
        PROMPT_SECTIONS.request,
        [
          'Name the single attribute (dimension) that best tells these samples apart and that matters for the task.',
          'It must be new: not one of the dimensions already used, nor a rewording of one.',
          'Then give the values that the samples take on it and assign every sample, by its number, to exactly one value.',
          'Each sample appears in exactly one assignment; values do not overlap.',
          `Reply as {"dimension": "...", "assignments": [{"value": "...", "pivots": [1, 2]}]} using the numbers 1 to ${input.pivots.length}.`,
        ].join(' '),
      ),
    ].join('\n'),
  );
}

export function coveragePrompt(input: CoverageInput): ChatMessage[] {
  return messages(
    [
      taskSections(input.task),
      subspaceSection(input.path),
      section(PROMPT_SECTIONS.dimension, input.dimension),
      section(PROMPT_SECTIONS.knownValues, bulletList(input.values)),
      section(
        PROMPT_SECTIONS.request,
        [
          'Complete the list of values of this dimension within the subspace, so that the values together cover every possibility',
          'and no two values overlap. Add only values that are missing; do not repeat or reword known ones;',
          'never add catch-all values such as "other" or "miscellaneous".',
          'Set "status" to "complete" when the list is now complete, "no-new-values" when nothing is missing,',
          'or "open-ended" when the dimension has more values than fit in one answer and more should be asked for.',
          'Reply as {"status": "...", "new_values": ["..."]}.',
        ].join(' '),
      ),
    ].join('\n'),
  );
}

export function leafPrompt(input: LeafInput): ChatMessage[] {
  return messages(
    [
      taskSections(input.task),
      subspaceSection(input.path),
      section(
        PROMPT_SECTIONS.request,
        `Write exactly ${input.count} new samples that satisfy every constraint of the subspace. ` +
          'Make them varied in everything the constraints leave open, realistic, and correct. Reply as {"samples": [...]}.',
      ),
    ].join('\n'),
  );
}

/** A route request: classify one existing sample on one node's dimension (balancing, design 1.3). */
export interface RoutePromptInput {
  task: TaskDefinition;
  /** The node's constraints, which the sample already satisfies. */
  path: PathStep[];
  dimension: string;
  /** The values to choose from, in the tree's order. */
  options: readonly string[];
  /** The sample's text. */
  sample: string;
}

/**
 * The reference's routing step: one classification call per sample and level, the child values as
 * options. Everything but the sample is the same for every sample at a node, so it comes first and an
 * endpoint with prefix caching reuses it; the sample is the last section, so its text may hold
 * anything (even lines that look like headings).
 */
export function routePrompt(input: RoutePromptInput): ChatMessage[] {
  return messages(
    [
      taskSections(input.task),
      subspaceSection(input.path),
      section(PROMPT_SECTIONS.dimension, input.dimension),
      section(PROMPT_SECTIONS.options, bulletList(input.options)),
      section(
        PROMPT_SECTIONS.request,
        [
          `Decide which value of the dimension "${input.dimension}" the sample below takes.`,
          'Choose exactly one of the options and copy it exactly as written; never answer with a value that is not listed.',
          'Reply as {"value": "..."}.',
        ].join(' '),
      ),
      `# ${PROMPT_SECTIONS.sample}\n${input.sample}\n`,
    ].join('\n'),
  );
}
