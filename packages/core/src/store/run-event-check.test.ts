import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJsonl } from './jsonl.js';
import { isPlainRunEvent } from './run-event-check.js';
import { type RunEvent, runEventSchema } from './run-events.js';

const split: Extract<RunEvent, { type: 'node-split' }>['split'] = {
  dimension: 'topic',
  values: ['money', 'time'],
  infinite: false,
  fixed: false,
  pivots: [{ question: 'How much?' }, { question: 'How long?', answer: '3' }],
  assignments: [
    { value: 'money', pivots: [0] },
    { value: 'time', pivots: [1] },
  ],
  coverageRounds: 1,
  rejections: ['color'],
};

/** One event of each kind the quick check knows, with and without their optional fields. */
const COMMON: RunEvent[] = [
  { type: 'run-start', at: '2026-01-01T00:00:00.000Z', resumed: false },
  { type: 'node-split', node: 'root', split },
  { type: 'node-split', node: 'root', split: { ...split, infinite: true, pivots: [], assignments: [] } },
  { type: 'node-leaf', node: 'n1', reason: 'max-depth' },
  { type: 'node-leaf', node: 'n1', reason: 'pivots-failed', detail: ['timeout', 'bad json'] },
  { type: 'budget', maxSamples: 100, demand: 250, planned: 100, leaves: 4 },
  {
    type: 'call',
    stage: 'leaf',
    key: 'leaf:n1:0',
    usage: { promptTokens: 10, completionTokens: 20 },
    cached: false,
    ms: 12.5,
  },
  {
    type: 'call',
    stage: 'pivots',
    key: 'pivots:root',
    usage: { promptTokens: 10, completionTokens: 20, cachedPromptTokens: 8 },
    cached: true,
    ms: 0,
  },
  { type: 'leaf-call', leaf: 'n1', index: 0, samples: 5 },
  { type: 'leaf-call', leaf: 'n1', index: 1, samples: 4, size: 5, rowsEnd: 0 },
  { type: 'run-end', at: '2026-01-01T00:00:00.000Z', status: 'complete' },
  { type: 'run-end', at: '2026-01-01T00:00:00.000Z', status: 'failed', error: 'disk full' },
];

/** Kinds left to the schema. */
const RARE: RunEvent[] = [
  { type: 'leaf-call-failed', leaf: 'n1', index: 2, error: 'timeout', retryable: true },
  { type: 'batch-request', key: 'k', call: 'n1.0' },
  { type: 'samples-repaired', rowsFromCache: 1, rowsRequested: 0, duplicatesDropped: 2 },
];

const BAD_VALUES: unknown[] = [
  null,
  'x',
  '',
  0,
  -1,
  1.5,
  -0,
  2 ** 53,
  Number.MAX_SAFE_INTEGER,
  Number.POSITIVE_INFINITY,
  Number.NaN,
  true,
  [],
  ['x'],
  [1],
  {},
  JSON.parse('{"__proto__":"x"}'),
];

/** Every value reachable by changing one place of `value`: each field replaced, removed, or added to. */
function* mutations(value: unknown): Generator<unknown> {
  for (const bad of BAD_VALUES) yield bad;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++)
      for (const changed of mutations(value[index]))
        yield value.map((item, at) => (at === index ? changed : item));
    for (const bad of BAD_VALUES) yield [...value, bad];
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const entries = Object.entries(value);
  for (const [key, item] of entries) {
    for (const changed of mutations(item)) yield { ...value, [key]: changed };
    yield Object.fromEntries(entries.filter(([other]) => other !== key));
  }
  yield { ...value, extra: 1 };
  yield Object.fromEntries([...entries].reverse());
  yield JSON.parse(
    `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${JSON.stringify(item)}`).join(',')},"__proto__":"x"}`,
  );
}

/** The quick check may only accept what the schema accepts and returns unchanged, keys in order. */
function expectAgreement(value: unknown): boolean {
  const quick = isPlainRunEvent(value);
  const parsed = runEventSchema.safeParse(value);
  if (quick) {
    expect(parsed.success, JSON.stringify(value)).toBe(true);
    expect(JSON.stringify(parsed.data)).toBe(JSON.stringify(value));
    expect(parsed.data).toEqual(value);
  }
  return quick;
}

describe('isPlainRunEvent', () => {
  it('accepts each common event as the schema returns it', () => {
    for (const event of COMMON) {
      const line = JSON.parse(JSON.stringify(event));
      expect(isPlainRunEvent(line), JSON.stringify(event)).toBe(true);
      expectAgreement(line);
    }
  });

  it('leaves the rare kinds, and anything not an event, to the schema', () => {
    for (const event of RARE) expect(isPlainRunEvent(JSON.parse(JSON.stringify(event)))).toBe(false);
    for (const bad of BAD_VALUES) expect(isPlainRunEvent(bad)).toBe(false);
  });

  it('accepts no changed event that the schema rejects, strips or reorders', () => {
    let checked = 0;
    let rejected = 0;
    for (const event of [...COMMON, ...RARE]) {
      for (const changed of mutations(JSON.parse(JSON.stringify(event)))) {
        // Through JSON, as a line of the log would be (undefined and NaN become absent or null).
        const text = JSON.stringify(changed);
        const line = text === undefined ? undefined : JSON.parse(text);
        const quick = expectAgreement(changed) && expectAgreement(line);
        if (!runEventSchema.safeParse(changed).success) {
          expect(quick, text).toBe(false);
          rejected++;
        }
        checked++;
      }
    }
    // The mutations reach deep enough to matter: most break the event.
    expect(checked).toBeGreaterThan(2000);
    expect(rejected).toBeGreaterThan(checked / 2);
  });

  it('gives readJsonl the schema’s error for a bad line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'treesynth-event-check-'));
    const good = JSON.stringify(COMMON[8]);
    const lines = [
      '{"type":"leaf-call","leaf":"n1","index":1.5,"samples":4}',
      '{"type":"node-leaf","node":"n1","reason":"bored"}',
      '{"type":"call","stage":"leaf","key":"k","usage":{"promptTokens":1},"cached":false,"ms":1}',
      '{"type":"mystery"}',
    ];
    for (const [index, bad] of lines.entries()) {
      const file = join(dir, `events-${index}.jsonl`);
      writeFileSync(file, `${good}\n${bad}\n`);
      const read = async (quick: boolean) => {
        const events: RunEvent[] = [];
        const options = quick ? { quickCheck: isPlainRunEvent } : {};
        for await (const event of readJsonl(file, runEventSchema, options)) events.push(event);
        return events;
      };
      const plain = await read(false).catch((error: Error) => error.message);
      expect(plain).toMatch(new RegExp(`events-${index}\\.jsonl:2: `));
      expect(await read(true).catch((error: Error) => error.message)).toBe(plain);
    }
  });
});
