import { z } from 'zod';
import { PromptFormatError } from '../errors/prompt-format-error.js';
import { PROMPT_SECTIONS, parsePromptSections, parseSubspace, STAGE_SCHEMA_NAMES } from './prompt-layout.js';

/**
 * The prompt format: how every TreeSynth stage request is laid out, for code that must understand a
 * request without building it (the simulator, a request inspector). Read requests through
 * `readStageRequest`, never by parsing the text yourself.
 *
 * A stage request is a chat request whose structured-output schema (`response_format.json_schema.name`,
 * or the schema hint below) is one of `STAGE_SCHEMA_NAMES`:
 *
 *   treesynth_pivots     pivots     write `count` diverse samples of a subspace
 *   treesynth_criterion  criterion  name a new dimension that splits the pivots, assign each pivot a value
 *   treesynth_coverage   coverage   complete the value list of a dimension
 *   treesynth_leaf       leaf       write `count` new samples of a leaf's subspace
 *   treesynth_route      route      say which option of a dimension a sample takes (balancing)
 *   treesynth_answer     answer     write the answer fields of a sample (curation)
 *   treesynth_judge      judge      score a sample and its answer on a rubric, 1-5 per criterion (curation)
 *
 * Its messages are a system message, then one user message of sections, each a `# Heading` line and a
 * body, in this order (repairs add assistant and user turns after it; the request is the first user
 * message with a Task section):
 *
 *   # Task                     the task description, free text
 *   # Sample format            "Each sample is a JSON object with these string fields:", then
 *                              one `- name: description` line per field, in the task's order
 *   # Requirements             only when the task has some: one `- requirement` line each
 *   # Subspace                 "No constraints: ..." or one `- dimension: value` line per constraint
 *   then, by stage:
 *   pivots, leaf:   # Request             "... exactly N ..." (N: the number of samples)
 *   criterion:      # Dimensions already used   `- name` lines, or "None yet."
 *                   # Pivots              one `[n] {json}` line per pivot, n from 1, the sample's fields
 *                   # Request
 *   coverage:       # Dimension           the dimension's name
 *                   # Known values        one `- value` line per value known so far
 *                   # Request
 *   route:          # Dimension, # Options (`- value` lines), # Request, then
 *                   # Sample              the sample's text, always last: it runs to the end of the
 *                                         message, so it may hold lines that look like headings
 *   answer:         # Answer format       one `- name: description` line per answer field, # Request,
 *                   # Sample              the sample as one JSON object of its task fields (last)
 *   judge:          # Criteria            one `- name: description` line per rubric criterion, # Request,
 *                   # Sample              the sample with its answer fields as one JSON object (last)
 *
 * The baselines' requests (`treesynth_evolve`, `treesynth_persona`) follow the same layout and are
 * read by `readBaselineRequest` (baseline-prompts.ts).
 *
 * Everything up to the Subspace section is the same for every request of a task (`staticPrefixLength`),
 * so endpoints with prefix caching reuse it. The builders are in `stage-prompts.ts`.
 */
export type StageName = keyof typeof STAGE_SCHEMA_NAMES;

const pathStepSchema = z.object({ dimension: z.string().min(1), value: z.string() });
const namedLineSchema = z.object({ name: z.string().min(1), description: z.string() });

/** What every stage request carries: the task and the subspace it is about. */
const requestHeadSchema = z.object({
  /** The Task section: the task description. */
  task: z.string().min(1),
  /** The Sample format section: each field of a sample, in order. */
  fields: z.array(z.object({ name: z.string().min(1), description: z.string() })).min(1),
  /** The Requirements section; empty when the prompt has none. */
  requirements: z.array(z.string()),
  /** The Subspace section: the constraints every sample satisfies; empty at the root. */
  path: z.array(pathStepSchema),
});

export const stageRequestSchema = z.discriminatedUnion('stage', [
  requestHeadSchema.extend({
    stage: z.enum(['pivots', 'leaf']),
    /** How many samples the Request section asks for; absent when it names no number. */
    count: z.number().int().nonnegative().optional(),
  }),
  requestHeadSchema.extend({
    stage: z.literal('criterion'),
    usedDimensions: z.array(z.string()),
    /** The pivots, in order: pivot n of the answer's assignments is `pivots[n - 1]`. */
    pivots: z.array(z.record(z.string(), z.string())),
  }),
  requestHeadSchema.extend({
    stage: z.literal('coverage'),
    dimension: z.string().min(1),
    /** The values known so far. */
    values: z.array(z.string()),
  }),
  requestHeadSchema.extend({
    stage: z.literal('route'),
    dimension: z.string().min(1),
    /** The values to choose from, in the tree's order. */
    options: z.array(z.string()),
    /** The sample's text, exactly as given to the prompt builder. */
    sample: z.string(),
  }),
  requestHeadSchema.extend({
    stage: z.literal('answer'),
    /** The fields the answer must have, in order. */
    answerFields: z.array(namedLineSchema).min(1),
    /** The sample's task fields. */
    sample: z.record(z.string(), z.string()),
  }),
  requestHeadSchema.extend({
    stage: z.literal('judge'),
    /** The rubric: each criterion scored 1 to 5. */
    criteria: z.array(namedLineSchema).min(1),
    /** The sample's task fields and its answer fields. */
    sample: z.record(z.string(), z.string()),
  }),
]);

/** A typed view of a stage request, by stage. */
export type StageRequest = z.infer<typeof stageRequestSchema>;

/** The chat messages of a request; only the role and the text matter here. */
export type PromptMessages = readonly { role: string; content: string }[];

/** The start of the schema hint (see `schemaHint`). */
const HINT_LEAD = 'Reply with only a JSON value, no prose and no code fences, that follows this JSON schema';
const SCHEMA_HINT = /follows this JSON schema \("([^"]+)"\):\n(.+)$/s;
const sampleHeading = `# ${PROMPT_SECTIONS.sample}\n`;

const STAGE_BY_SCHEMA_NAME = new Map<string, StageName>(
  Object.entries(STAGE_SCHEMA_NAMES).map(([stage, name]) => [name, stage as StageName]),
);

/** The stage a structured-output schema name belongs to, or `undefined` for a schema of no stage. */
export function stageOfSchema(schemaName: string): StageName | undefined {
  return STAGE_BY_SCHEMA_NAME.get(schemaName);
}

const STAGE_SECTIONS: Record<StageName, readonly string[]> = {
  pivots: [PROMPT_SECTIONS.request],
  leaf: [PROMPT_SECTIONS.request],
  criterion: [PROMPT_SECTIONS.usedDimensions, PROMPT_SECTIONS.pivots],
  coverage: [PROMPT_SECTIONS.dimension, PROMPT_SECTIONS.knownValues],
  route: [PROMPT_SECTIONS.dimension, PROMPT_SECTIONS.options],
  answer: [PROMPT_SECTIONS.answerFormat],
  judge: [PROMPT_SECTIONS.criteria],
};

/**
 * The request a stage's messages carry, read back into the values the prompt was built from.
 * `undefined` when `schemaName` is no stage's; a `PromptFormatError` naming the section when the
 * messages do not follow the format above.
 */
export function readStageRequest(messages: PromptMessages, schemaName: string): StageRequest | undefined {
  const stage = stageOfSchema(schemaName);
  if (stage === undefined) return undefined;
  const fail = (message: string, section?: string): never => {
    throw new PromptFormatError({ schemaName, section, message });
  };
  const message = messages.find(
    (item) => item.role === 'user' && parsePromptSections(item.content).has(PROMPT_SECTIONS.task),
  );
  if (message === undefined) return fail(`no user message has a "${PROMPT_SECTIONS.task}" section`);
  const text = withoutSchemaHint(message.content);

  const sampleStart = sampleSectionStart(text);
  const sections = parsePromptSections(sampleStart === undefined ? text : text.slice(0, sampleStart));
  const required = [PROMPT_SECTIONS.task, PROMPT_SECTIONS.format, PROMPT_SECTIONS.subspace];
  for (const name of [...required, ...STAGE_SECTIONS[stage]]) if (!sections.has(name)) fail('missing', name);
  const body = (name: string) => sections.get(name) ?? '';
  const head = {
    task: body(PROMPT_SECTIONS.task),
    fields: namedLines(body(PROMPT_SECTIONS.format)),
    requirements: bulletItems(body(PROMPT_SECTIONS.requirements)),
    path: parseSubspace(body(PROMPT_SECTIONS.subspace)),
  };
  const view = (() => {
    switch (stage) {
      case 'pivots':
      case 'leaf': {
        const count = /exactly (\d+)/.exec(body(PROMPT_SECTIONS.request))?.[1];
        return { ...head, stage, count: count === undefined ? undefined : Number(count) };
      }
      case 'criterion':
        return {
          ...head,
          stage,
          usedDimensions: bulletItems(body(PROMPT_SECTIONS.usedDimensions)),
          pivots: readPivots(body(PROMPT_SECTIONS.pivots), fail),
        };
      case 'coverage':
        return {
          ...head,
          stage,
          dimension: body(PROMPT_SECTIONS.dimension),
          values: bulletItems(body(PROMPT_SECTIONS.knownValues)),
        };
      case 'route':
        if (sampleStart === undefined) return fail('missing', PROMPT_SECTIONS.sample);
        return {
          ...head,
          stage,
          dimension: body(PROMPT_SECTIONS.dimension),
          options: bulletItems(body(PROMPT_SECTIONS.options)),
          sample: text.slice(sampleStart + sampleHeading.length).replace(/\n$/, ''),
        };
      case 'answer':
      case 'judge': {
        if (sampleStart === undefined) return fail('missing', PROMPT_SECTIONS.sample);
        const sample = readSampleObject(text.slice(sampleStart + sampleHeading.length), fail);
        return stage === 'answer'
          ? { ...head, stage, answerFields: namedLines(body(PROMPT_SECTIONS.answerFormat)), sample }
          : { ...head, stage, criteria: namedLines(body(PROMPT_SECTIONS.criteria)), sample };
      }
    }
  })();
  const parsed = stageRequestSchema.safeParse(view);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return fail(`${issue.path.join('.') || 'request'}: ${issue.message}`);
  }
  return parsed.data;
}

/**
 * Characters at the head of a request that every request of its task shares: the system messages and
 * the first user message up to its Subspace section (all of it when it has none). What an endpoint
 * with prefix caching can reuse.
 */
export function staticPrefixLength(messages: PromptMessages): number {
  let length = 0;
  for (const message of messages) {
    if (message.role === 'system') {
      length += message.content.length;
      continue;
    }
    const subspace = message.content.indexOf(`# ${PROMPT_SECTIONS.subspace}\n`);
    return length + Math.max(subspace, 0);
  }
  return length;
}

/**
 * The schema hint: when an endpoint refuses `response_format`, the chat model asks for the schema in
 * words at the end of the last user message. The name in quotes is the schema name.
 */
export function schemaHint(name: string, schema: unknown): string {
  return `${HINT_LEAD} ("${name}"):\n${JSON.stringify(schema)}`;
}

/** The text without a schema hint appended to it (as `\n\n` + hint). */
export function withoutSchemaHint(text: string): string {
  const start = text.lastIndexOf(`\n\n${HINT_LEAD} ("`);
  return start >= 0 && readSchemaHint(text.slice(start)) ? text.slice(0, start) : text;
}

/** The schema name and body of a schema hint at the end of `text` (the body `undefined` if not JSON). */
export function readSchemaHint(text: string): { name: string; schema: unknown } | undefined {
  const match = SCHEMA_HINT.exec(text);
  if (!match) return undefined;
  try {
    return { name: match[1]!, schema: JSON.parse(match[2]!) as unknown };
  } catch {
    return { name: match[1]!, schema: undefined };
  }
}

/** Where the Sample heading of a route prompt starts: the first line that is exactly that heading. */
function sampleSectionStart(text: string): number | undefined {
  if (text.startsWith(sampleHeading)) return 0;
  const index = text.indexOf(`\n${sampleHeading}`);
  return index < 0 ? undefined : index + 1;
}

/** `- item` lines of a section; anything else ("None yet.", an introducing line) is skipped. */
function bulletItems(body: string): string[] {
  return body
    .split('\n')
    .filter((line) => line.startsWith('- '))
    .map((line) => line.slice(2).trim())
    .filter((item) => item.length > 0);
}

/** `- name: description` lines of a section (the description empty when there is no colon). */
function namedLines(body: string): { name: string; description: string }[] {
  return bulletItems(body).map((item) => {
    const colon = item.indexOf(':');
    return colon < 0
      ? { name: item, description: '' }
      : { name: item.slice(0, colon).trim(), description: item.slice(colon + 1).trim() };
  });
}

/** The Sample section of an answer or judge request: one JSON object of string fields. */
function readSampleObject(text: string, fail: (message: string, section?: string) => never): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return fail('is not one JSON object', PROMPT_SECTIONS.sample);
  }
}

/** `[n] {json}` lines, numbered from 1 in order, each a sample's fields. */
function readPivots(body: string, fail: (message: string, section?: string) => never): unknown[] {
  const pivots: unknown[] = [];
  for (const line of body.split('\n')) {
    if (line.trim() === '') continue;
    const match = /^\[(\d+)\] (.*)$/.exec(line);
    if (!match || Number(match[1]) !== pivots.length + 1)
      fail(`line ${pivots.length + 1} is not "[${pivots.length + 1}] {json}"`, PROMPT_SECTIONS.pivots);
    try {
      pivots.push(JSON.parse(match![2]!));
    } catch {
      fail(`pivot ${pivots.length + 1} is not JSON`, PROMPT_SECTIONS.pivots);
    }
  }
  return pivots;
}
