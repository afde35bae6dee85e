import {
  BUILTIN_TASKS,
  type ChatMessage,
  type PathStep,
  parseTask,
  type SampleFields,
  STAGE_SCHEMA_NAMES,
  type TaskDefinition,
} from '@treesynth/core';
import {
  checkCriterion,
  coveragePrompt,
  coverageSchema,
  criterionPrompt,
  criterionSchema,
  genericTask,
  leafPrompt,
  pivotPrompt,
  samplesSchema,
  toJsonSchema,
} from '@treesynth/core/internal';
import { describe, expect, it } from 'vitest';
import { type AnswerOptions, answerChatRequest, type ChatCompletion } from './answer-request.js';
import { parseMarkers } from './sample-markers.js';
import { worldForTask } from './world-for-task.js';

const gsm8k = parseTask(BUILTIN_TASKS.gsm8k);
const math = parseTask(BUILTIN_TASKS.math);
const tom = parseTask(BUILTIN_TASKS.tom);
const code = parseTask(BUILTIN_TASKS.code);
const custom = parseTask(
  genericTask({
    description: 'Customer-support emails about delayed parcels.',
    fields: [
      { name: 'email', description: 'the customer email' },
      { name: 'reply', description: 'the reply' },
    ],
  }),
);

type Stage = keyof typeof STAGE_SCHEMA_NAMES;

function body(stage: Stage, task: TaskDefinition, messages: ChatMessage[], seed = 1, extra = {}) {
  const schema =
    stage === 'criterion' ? criterionSchema : stage === 'coverage' ? coverageSchema : samplesSchema(task);
  return {
    model: 'test-model',
    messages,
    seed,
    temperature: 0.7,
    response_format: {
      type: 'json_schema',
      json_schema: { name: STAGE_SCHEMA_NAMES[stage], schema: toJsonSchema(schema), strict: true },
    },
    ...extra,
  };
}

function answer(request: unknown, options?: AnswerOptions): ChatCompletion {
  const reply = answerChatRequest(request, options);
  if (reply.status !== 200) throw new Error(reply.error.error.message);
  return reply.completion;
}

function content(completion: ChatCompletion): unknown {
  return JSON.parse(completion.choices[0]!.message.content);
}

function pivots(task: TaskDefinition, path: PathStep[], count = 10, seed = 1): SampleFields[] {
  const messages = pivotPrompt({ task, path, count, temperature: 0.7, callKey: 'pivots:x' });
  return samplesSchema(task).parse(content(answer(body('pivots', task, messages, seed)))).samples;
}

function criterion(
  task: TaskDefinition,
  path: PathStep[],
  items: SampleFields[],
  used: string[],
  seed = 2,
  options?: AnswerOptions,
) {
  const messages = criterionPrompt({
    task,
    path,
    pivots: items,
    usedDimensions: used,
    attempt: 0,
    temperature: 1,
    callKey: 'c',
  });
  return criterionSchema.parse(content(answer(body('criterion', task, messages, seed), options)));
}

function coverage(task: TaskDefinition, dimension: string, values: string[], path: PathStep[] = []) {
  const messages = coveragePrompt({
    task,
    path,
    dimension,
    values,
    round: 0,
    temperature: 0.7,
    callKey: 'v',
  });
  return coverageSchema.parse(content(answer(body('coverage', task, messages))));
}

describe('answerChatRequest: determinism', () => {
  const messages = leafPrompt({
    task: gsm8k,
    path: [{ dimension: 'setting', value: 'farm' }],
    count: 5,
    temperature: 1,
    callKey: 'l',
  });

  it('answers identical requests with byte-identical replies', () => {
    const first = JSON.stringify(answer(body('leaf', gsm8k, messages, 9)));
    const second = JSON.stringify(answer(structuredClone(body('leaf', gsm8k, messages, 9))));
    expect(second).toBe(first);
  });

  it('gives different samples for a different seed, model, temperature or simulator seed', () => {
    const reference = content(answer(body('leaf', gsm8k, messages, 9)));
    expect(content(answer(body('leaf', gsm8k, messages, 10)))).not.toEqual(reference);
    expect(content(answer(body('leaf', gsm8k, messages, 9, { model: 'other' })))).not.toEqual(reference);
    expect(content(answer(body('leaf', gsm8k, messages, 9, { temperature: 1 })))).not.toEqual(reference);
    expect(content(answer(body('leaf', gsm8k, messages, 9), { seed: 1 }))).not.toEqual(reference);
  });

  it('labels the model as simulated and estimates usage from characters', () => {
    const completion = answer(body('leaf', gsm8k, messages, 9));
    expect(completion.model).toBe('simulated/test-model');
    expect(completion.object).toBe('chat.completion');
    expect(completion.choices[0]!.finish_reason).toBe('stop');
    const promptCharacters = messages.reduce((total, message) => total + message.content.length, 0);
    expect(completion.usage.prompt_tokens).toBe(Math.ceil(promptCharacters / 4));
    expect(completion.usage.completion_tokens).toBe(
      Math.ceil(completion.choices[0]!.message.content.length / 4),
    );
    expect(completion.usage.total_tokens).toBe(
      completion.usage.prompt_tokens + completion.usage.completion_tokens,
    );
    expect(completion.usage.prompt_tokens_details.cached_tokens).toBeGreaterThan(0);
    expect(completion.usage.prompt_tokens_details.cached_tokens).toBeLessThan(completion.usage.prompt_tokens);
  });
});

describe('answerChatRequest: pivots and leaves', () => {
  it.each([
    [
      'gsm8k',
      gsm8k,
      [
        { dimension: 'setting', value: 'bakery' },
        { dimension: 'number size', value: 'three-digit' },
      ],
    ],
    [
      'math',
      math,
      [
        { dimension: 'subject', value: 'Counting & Probability' },
        { dimension: 'technique', value: 'symmetry' },
      ],
    ],
    ['tom', tom, [{ dimension: 'main character', value: 'Someone Not (In; the) World' }]],
    ['code', code, [{ dimension: 'input kind', value: 'no input' }]],
    ['custom', custom, [{ dimension: 'urgency', value: 'very urgent' }]],
  ])('%s: exactly N distinct samples of the schema, honouring every constraint', (_, task, path) => {
    for (const count of [1, 7, 25]) {
      const samples = pivots(task, path, count);
      expect(samples).toHaveLength(count);
      const first = task.fields[0]!.name;
      expect(new Set(samples.map((sample) => sample[first])).size).toBe(count);
      for (const sample of samples) {
        const markers = parseMarkers(sample[first]!);
        expect(markers, sample[first]).toBeDefined();
        expect(sample[first]).toMatch(/^\[simulated /);
        for (const step of path) {
          const expected = step.value.replace(/[();]/g, ' ').replace(/\s+/g, ' ').trim();
          expect(markers!.get(step.dimension.toLowerCase())).toBe(expected);
        }
        // Every world dimension is present in the markers.
        const world = worldForTask(task.description, 0);
        for (const dimension of world.dimensions)
          expect(markers!.has(dimension.name.toLowerCase())).toBe(true);
      }
    }
  });

  it('follows the request schema fields, not the task', () => {
    const messages = leafPrompt({ task: gsm8k, path: [], count: 3, temperature: 1, callKey: 'l' });
    const request = body('leaf', tom, messages);
    const samples = samplesSchema(tom).parse(content(answer(request))).samples;
    expect(samples).toHaveLength(3);
    expect(samples[0]!.story).toMatch(/^\[simulated gsm8k\]/);
  });

  it('writes consistent tom answers and empty code input when none is needed', () => {
    for (const sample of pivots(tom, [], 20)) {
      expect(['a', 'b']).toContain(sample.correct);
      expect(sample.answer_a).not.toBe(sample.answer_b);
    }
    for (const sample of pivots(code, [{ dimension: 'input kind', value: 'no input' }], 5))
      expect(sample.input).toBe('');
    for (const sample of pivots(code, [{ dimension: 'input kind', value: 'sample data' }], 5))
      expect(sample.input).not.toBe('');
  });

  it('defaults to 10 samples and reads the schema from the prompt hint when response_format is missing', () => {
    const messages = pivotPrompt({ task: gsm8k, path: [], count: 4, temperature: 0.7, callKey: 'p' });
    const hint = `Reply with only a JSON value, no prose and no code fences, that follows this JSON schema ("treesynth_pivots"):\n${JSON.stringify(toJsonSchema(samplesSchema(gsm8k)))}`;
    const last = messages[1]!;
    const reply = answerChatRequest({
      model: 'm',
      messages: [messages[0], { role: 'user', content: `${last.content}\n\n${hint}` }],
    });
    expect(reply.status === 200 && reply.stage).toBe('pivots');
    const withoutCount = [messages[0]!, { role: 'user', content: last.content.replace(/exactly 4 /, '') }];
    expect(
      samplesSchema(gsm8k).parse(content(answer(body('pivots', gsm8k, withoutCount as ChatMessage[]))))
        .samples,
    ).toHaveLength(10);
  });
});

describe('answerChatRequest: criterion', () => {
  it('assigns every pivot exactly once, by its markers, on an unused dimension', () => {
    const path = [{ dimension: 'setting', value: 'farm' }];
    const items = pivots(gsm8k, path, 10);
    for (let seed = 0; seed < 30; seed++) {
      const used = ['setting', 'question type'];
      const output = criterion(gsm8k, path, items, used, seed);
      const zeroBased = output.assignments.map((item) => ({
        ...item,
        pivots: item.pivots.map((pivot) => pivot - 1),
      }));
      expect(
        checkCriterion({ dimension: output.dimension, assignments: zeroBased }, items.length, used),
      ).toEqual([]);
      expect(['setting', 'question type']).not.toContain(output.dimension);
      for (const assignment of output.assignments) {
        for (const pivot of assignment.pivots) {
          expect(parseMarkers(items[pivot - 1]!.question!)!.get(output.dimension)).toBe(assignment.value);
        }
      }
    }
  });

  it('picks large dimensions at the open-ended rate', () => {
    const items = pivots(tom, [], 10);
    const large = new Set(
      worldForTask(tom.description, 0)
        .dimensions.filter((item) => item.large)
        .map((item) => item.name),
    );
    const chosen = (rate: number) =>
      Array.from(
        { length: 40 },
        (_, seed) => criterion(tom, [], items, [], seed, { openEndedRate: rate }).dimension,
      );
    expect(chosen(0).some((name) => large.has(name))).toBe(false);
    expect(chosen(1).every((name) => large.has(name))).toBe(true);
    const mixed = chosen(0.5).filter((name) => large.has(name)).length;
    expect(mixed).toBeGreaterThan(5);
    expect(mixed).toBeLessThan(35);
  });

  it('varies its choice with the seed', () => {
    const items = pivots(math, [], 10);
    const names = new Set(
      Array.from({ length: 20 }, (_, seed) => criterion(math, [], items, [], seed).dimension),
    );
    expect(names.size).toBeGreaterThan(2);
  });

  it('names a used dimension when none is left, so the engine rejects it', () => {
    const world = worldForTask(code.description, 0);
    const used = world.dimensions.map((dimension) => dimension.name);
    const path = used.map((dimension) => ({
      dimension,
      value: world.dimensions.find((item) => item.name === dimension)!.values[0]!,
    }));
    const items = pivots(code, path, 6);
    const output = criterion(code, path, items, used);
    expect(used).toContain(output.dimension);
    expect(output.assignments.flatMap((assignment) => assignment.pivots).sort()).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe('answerChatRequest: coverage', () => {
  const world = worldForTask(gsm8k.description, 0);

  it('completes a finite dimension at once, then has nothing new', () => {
    const setting = world.dimensions.find((dimension) => dimension.name === 'setting')!;
    const first = coverage(gsm8k, 'setting', setting.values.slice(0, 2));
    expect(first.status).toBe('complete');
    expect(first.new_values).toEqual(setting.values.slice(2));
    expect(coverage(gsm8k, 'Setting', [...setting.values])).toEqual({
      status: 'no-new-values',
      new_values: [],
    });
  });

  it('is open-ended in steps of 20 for a large dimension, then complete', () => {
    const character = world.dimensions.find((dimension) => dimension.name === 'main character')!;
    let known = character.values.slice(0, 5);
    const statuses: string[] = [];
    for (let round = 0; round < 20; round++) {
      const output = coverage(gsm8k, 'main character', known);
      statuses.push(output.status);
      if (output.status === 'no-new-values') break;
      expect(output.new_values.length).toBeLessThanOrEqual(20);
      for (const value of output.new_values) expect(known).not.toContain(value);
      known = [...known, ...output.new_values];
    }
    expect(new Set(known)).toEqual(new Set(character.values));
    expect(statuses.at(-1)).toBe('no-new-values');
    expect(statuses.at(-2)).toBe('complete');
    expect(statuses.slice(0, -2).every((status) => status === 'open-ended')).toBe(true);
    expect(statuses.length).toBe(Math.ceil((character.values.length - 5) / 20) + 1);
  });

  it('knows nothing of a dimension outside its world', () => {
    expect(coverage(gsm8k, 'favourite colour', ['red'])).toEqual({ status: 'no-new-values', new_values: [] });
  });
});

describe('answerChatRequest: other requests', () => {
  it('answers a request without a stage schema with simulated plain text', () => {
    const reply = answerChatRequest({ model: 'm', messages: [{ role: 'user', content: 'hello' }] });
    expect(reply.status).toBe(200);
    if (reply.status !== 200) return;
    expect(reply.stage).toBe('other');
    expect(reply.completion.choices[0]!.message.content).toMatch(/simulated/i);
  });

  it('refuses a stage request whose prompt breaks the prompt format, naming the section', () => {
    const messages = leafPrompt({ task: gsm8k, path: [], count: 3, temperature: 1, callKey: 'l' });
    const broken = messages.map((message) => ({
      ...message,
      content: message.content.replace('# Subspace', '# Somewhere'),
    }));
    const reply = answerChatRequest(body('leaf', gsm8k, broken));
    expect(reply.status).toBe(400);
    if (reply.status === 400)
      expect(reply.error.error.message).toBe('treesynth_leaf request: section "Subspace": missing');
    expect(answerChatRequest(body('leaf', gsm8k, messages)).status).toBe(200);
  });

  it.each([
    ['a non-object', 'text'],
    ['no messages', { model: 'm' }],
    ['empty messages', { model: 'm', messages: [] }],
    ['a message without role', { model: 'm', messages: [{ content: 'x' }] }],
  ])('refuses %s with a 400 error object', (_, request) => {
    const reply = answerChatRequest(request);
    expect(reply.status).toBe(400);
    if (reply.status === 400) expect(reply.error.error.type).toBe('invalid_request_error');
  });
});
