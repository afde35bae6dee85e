import { describe, expect, it } from 'vitest';
import { PromptFormatError } from '../errors/prompt-format-error.js';
import type { ChatMessage } from '../spec/chat-model.js';
import { parseTask } from '../tasks/load-task.js';
import { answerPrompt, judgePrompt } from './curation-prompts.js';
import {
  readSchemaHint,
  readStageRequest,
  schemaHint,
  stageOfSchema,
  staticPrefixLength,
} from './prompt-format.js';
import { STAGE_SCHEMA_NAMES } from './prompt-layout.js';
import { coveragePrompt, criterionPrompt, leafPrompt, pivotPrompt, routePrompt } from './stage-prompts.js';

const task = parseTask({
  name: 'parcels',
  description: 'Customer-support emails about delayed parcels.\nWrite them as customers do.',
  fields: [
    { name: 'email', description: 'the customer email: one paragraph' },
    { name: 'reply', description: 'the reply' },
  ],
  requirements: ['Polite.', 'No real names.'],
});
const bare = parseTask({
  name: 'poems',
  description: 'Short poems.',
  fields: [{ name: 'poem', description: 'a poem' }],
});
const path = [
  { dimension: 'carrier', value: 'postal service' },
  { dimension: 'delay', value: 'over a week: lost?' },
];
const head = {
  task: task.description,
  fields: [
    { name: 'email', description: 'the customer email: one paragraph' },
    { name: 'reply', description: 'the reply' },
  ],
  requirements: ['Polite.', 'No real names.'],
  path,
};

function failure(run: () => unknown): PromptFormatError {
  try {
    run();
  } catch (error) {
    if (PromptFormatError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a PromptFormatError');
}

describe('readStageRequest', () => {
  it('reads back what every stage prompt was built from', () => {
    const common = { task, path, temperature: 1, callKey: 'k' };
    expect(readStageRequest(pivotPrompt({ ...common, count: 12 }), STAGE_SCHEMA_NAMES.pivots)).toEqual({
      ...head,
      stage: 'pivots',
      count: 12,
    });
    expect(readStageRequest(leafPrompt({ ...common, count: 7 }), STAGE_SCHEMA_NAMES.leaf)).toEqual({
      ...head,
      stage: 'leaf',
      count: 7,
    });
    const pivots = [
      { email: 'Where is my parcel?\n# Not a heading', reply: 'On its way.' },
      { email: '[2] looks like a pivot', reply: '' },
    ];
    const criterion = criterionPrompt({ ...common, pivots, usedDimensions: ['carrier'], attempt: 0 });
    expect(readStageRequest(criterion, STAGE_SCHEMA_NAMES.criterion)).toEqual({
      ...head,
      stage: 'criterion',
      usedDimensions: ['carrier'],
      pivots,
    });
    const coverage = coveragePrompt({ ...common, dimension: 'tone', values: ['angry', 'calm'], round: 0 });
    expect(readStageRequest(coverage, STAGE_SCHEMA_NAMES.coverage)).toEqual({
      ...head,
      stage: 'coverage',
      dimension: 'tone',
      values: ['angry', 'calm'],
    });
    const sample = 'Hello,\n# Options\n- angry\n\nstill the sample';
    const route = routePrompt({ task, path, dimension: 'tone', options: ['angry', 'calm'], sample });
    expect(readStageRequest(route, STAGE_SCHEMA_NAMES.route)).toEqual({
      ...head,
      stage: 'route',
      dimension: 'tone',
      options: ['angry', 'calm'],
      sample,
    });
  });

  it('reads empty lists as empty, and a root request as an empty path', () => {
    const common = { task: bare, path: [], temperature: 1, callKey: 'k' };
    expect(
      readStageRequest(
        criterionPrompt({ ...common, pivots: [], usedDimensions: [], attempt: 0 }),
        STAGE_SCHEMA_NAMES.criterion,
      ),
    ).toEqual({
      task: 'Short poems.',
      fields: [{ name: 'poem', description: 'a poem' }],
      requirements: [],
      path: [],
      stage: 'criterion',
      usedDimensions: [],
      pivots: [],
    });
    const coverage = coveragePrompt({ ...common, dimension: 'form', values: [], round: 0 });
    expect(readStageRequest(coverage, STAGE_SCHEMA_NAMES.coverage)).toMatchObject({ values: [] });
  });

  it('reads the first user message with a Task section, past a schema hint and later repair turns', () => {
    const [system, user] = leafPrompt({ task, path, count: 3, temperature: 1, callKey: 'k' });
    const hinted: ChatMessage[] = [
      system!,
      {
        role: 'user',
        content: `${user!.content}\n\n${schemaHint(STAGE_SCHEMA_NAMES.leaf, { type: 'object' })}`,
      },
      { role: 'assistant', content: 'not json' },
      { role: 'user', content: '# Task\nsomething else\n# Request\nexactly 99' },
    ];
    expect(readStageRequest(hinted, STAGE_SCHEMA_NAMES.leaf)).toEqual({ ...head, stage: 'leaf', count: 3 });

    const sample = 'The sample text.';
    const route = routePrompt({ task, path, dimension: 'tone', options: ['calm'], sample });
    const routeHinted = [
      route[0]!,
      { role: 'user', content: `${route[1]!.content}\n\n${schemaHint(STAGE_SCHEMA_NAMES.route, {})}` },
    ];
    expect(readStageRequest(routeHinted, STAGE_SCHEMA_NAMES.route)).toMatchObject({ sample });
  });

  it('leaves the count out when the Request section names none', () => {
    const [system, user] = pivotPrompt({ task, path, count: 4, temperature: 1, callKey: 'k' });
    const messages = [system!, { role: 'user', content: user!.content.replace('exactly 4 ', '') }];
    const request = readStageRequest(messages, STAGE_SCHEMA_NAMES.pivots);
    expect(request?.stage).toBe('pivots');
    expect(request && 'count' in request ? request.count : 'absent').toBeUndefined();
  });

  it('is undefined for a schema that belongs to no stage', () => {
    expect(readStageRequest([{ role: 'user', content: '# Task\nx' }], 'my_schema')).toBeUndefined();
    expect(stageOfSchema('my_schema')).toBeUndefined();
    expect(stageOfSchema(STAGE_SCHEMA_NAMES.route)).toBe('route');
  });

  it('names the section a malformed stage request lacks or gets wrong', () => {
    const noTask = failure(() => readStageRequest([{ role: 'user', content: 'hello' }], 'treesynth_leaf'));
    expect(noTask.schemaName).toBe('treesynth_leaf');
    expect(noTask.message).toBe('treesynth_leaf request: no user message has a "Task" section');

    const leaf = leafPrompt({ task, path, count: 3, temperature: 1, callKey: 'k' });
    const noSubspace = leaf.map((message) => ({
      ...message,
      content: message.content.replace('# Subspace', '# Elsewhere'),
    }));
    const missing = failure(() => readStageRequest(noSubspace, STAGE_SCHEMA_NAMES.leaf));
    expect(missing.section).toBe('Subspace');
    expect(missing.message).toBe('treesynth_leaf request: section "Subspace": missing');

    // A leaf prompt is not a coverage request: it has no Dimension section.
    expect(failure(() => readStageRequest(leaf, STAGE_SCHEMA_NAMES.coverage)).section).toBe('Dimension');

    const route = routePrompt({ task, path, dimension: 'tone', options: ['calm'], sample: 's' });
    const noSample = route.map((message) => ({
      ...message,
      content: message.content.replace('# Sample\n', ''),
    }));
    expect(failure(() => readStageRequest(noSample, STAGE_SCHEMA_NAMES.route)).section).toBe('Sample');

    const criterion = criterionPrompt({
      task,
      path,
      pivots: [{ email: 'a', reply: 'b' }],
      usedDimensions: [],
      attempt: 0,
      temperature: 1,
      callKey: 'k',
    });
    const broken = (from: string, to: string) =>
      failure(() =>
        readStageRequest(
          criterion.map((message) => ({ ...message, content: message.content.replace(from, to) })),
          STAGE_SCHEMA_NAMES.criterion,
        ),
      );
    expect(broken('[1] {', '[1] not json {').message).toBe(
      'treesynth_criterion request: section "Pivots": pivot 1 is not JSON',
    );
    expect(broken('[1] {', '[2] {').section).toBe('Pivots');
    expect(broken('[1] {"email":"a","reply":"b"}', '[1] {"email":3}').message).toMatch(
      /^treesynth_criterion request: pivots\.0\.email: /,
    );
  });
});

describe('staticPrefixLength', () => {
  it('covers the system message and the user message up to its Subspace section, shared by every leaf', () => {
    const prompts = [path, []].map((steps) =>
      leafPrompt({ task, path: steps, count: 3, temperature: 1, callKey: 'k' }),
    );
    const [first, second] = prompts.map((messages) => staticPrefixLength(messages));
    expect(first).toBe(second);
    const [system, user] = prompts[0]!;
    expect(first).toBe(system!.content.length + user!.content.indexOf('# Subspace\n'));
    expect(user!.content.slice(0, first! - system!.content.length)).toContain('# Requirements');
    expect(staticPrefixLength([{ role: 'user', content: 'hello' }])).toBe(0);
  });
});

describe('schemaHint', () => {
  it('round-trips the schema name and body, and tolerates a body that is not JSON', () => {
    const schema = { type: 'object', properties: { value: { type: 'string' } } };
    expect(readSchemaHint(`Some prompt.\n\n${schemaHint('treesynth_route', schema)}`)).toEqual({
      name: 'treesynth_route',
      schema,
    });
    expect(readSchemaHint(schemaHint('x', {}).slice(0, -1))).toEqual({ name: 'x', schema: undefined });
    expect(readSchemaHint('no hint here')).toBeUndefined();
  });
});

describe('curation requests (answer, judge)', () => {
  const sample = { email: 'Where is my parcel?\n# Task\nIt has been ten days.', reply: 'We are sorry.' };
  it('reads back the answer fields, the rubric and the sample, even a sample holding a heading', () => {
    const answerFields = [
      { name: 'solution', description: 'the solution: step by step' },
      { name: 'answer', description: 'the final answer' },
    ];
    const answer = answerPrompt({ task, path, answerFields, instructions: 'Solve it.', sample });
    expect(readStageRequest(answer, STAGE_SCHEMA_NAMES.answer)).toEqual({
      ...head,
      stage: 'answer',
      answerFields,
      sample,
    });
    const criteria = [{ name: 'clarity', description: 'clear: and short' }];
    const judge = judgePrompt({ task, path: [], criteria, sample });
    expect(readStageRequest(judge, STAGE_SCHEMA_NAMES.judge)).toEqual({
      ...head,
      path: [],
      stage: 'judge',
      criteria,
      sample,
    });
    expect(stageOfSchema('treesynth_answer')).toBe('answer');
  });

  it('names the section of a broken answer request', () => {
    const answer = answerPrompt({
      task,
      path,
      answerFields: [{ name: 'answer', description: 'the answer' }],
      instructions: 'Answer.',
      sample,
    });
    const user = answer[1]!;
    const broken: ChatMessage[] = [
      answer[0]!,
      { ...user, content: user.content.replace(/# Sample\n.*$/s, '# Sample\nnot json') },
    ];
    expect(() => readStageRequest(broken, STAGE_SCHEMA_NAMES.answer)).toThrow(/Sample/);
    const noFormat: ChatMessage[] = [
      answer[0]!,
      { ...user, content: user.content.replace('# Answer format', '# Answers') },
    ];
    expect(() => readStageRequest(noFormat, STAGE_SCHEMA_NAMES.answer)).toThrow(/Answer format/);
    expect(() => readStageRequest(noFormat, STAGE_SCHEMA_NAMES.answer)).toThrow(PromptFormatError);
  });
});
