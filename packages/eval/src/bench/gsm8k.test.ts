import { describe, expect, it } from 'vitest';
import type { ScoreContext } from './benchmark.js';
import { loadBenchmarkSet } from './benchmark-sets.js';
import { extractGsm8kAnswers, gsm8kBenchmark, gsm8kGoldAnswer, normalizeGsm8kNumber } from './gsm8k.js';

/** GSM8K needs no sandbox; a score() that touched it would fail loudly. */
const context = {
  get sandbox(): never {
    throw new Error('gsm8k must not use the sandbox');
  },
} as ScoreContext;

describe('normalizeGsm8kNumber', () => {
  it.each([
    ['18', '18'],
    ['1,000', '1000'],
    ['$1,000.00', '1000'],
    ['$ 5', '5'],
    ['-3', '-3'],
    ['-$4.50', '-4.5'],
    ['5.', '5'],
    ['5.0', '5'],
    ['.5', '0.5'],
    ['0.50', '0.5'],
    ['007', '7'],
    ['-0', '0'],
    ['-0.0', '0'],
    ['12 dollars', '12'],
    ['1,234,567', '1234567'],
  ])('%s → %s', (text, expected) => {
    expect(normalizeGsm8kNumber(text)).toBe(expected);
  });

  it('returns null without a number', () => {
    expect(normalizeGsm8kNumber('none')).toBeNull();
    expect(normalizeGsm8kNumber('')).toBeNull();
  });
});

describe('extractGsm8kAnswers', () => {
  it.each([
    ['So the total is 20.\n#### 20', '20', '20'],
    ['#### 5.', '5', '5'],
    ['She pays $1,000.00 in total.\n#### $1,000.00', '1000', '1000'],
    ['The answer is 1,250 apples.', null, '1250'],
    ['The temperature ends at -7 degrees.\n#### -7', '-7', '-7'],
    ['####42', '42', '42'],
    ['#### 3.50 dollars', '3.5', '3.5'],
    ['#### 12\nCheck: 12 / 4 = 3', '12', '3'],
    ['#### 7\n#### 9', '7', '9'],
    ['It takes 2.5 hours, so the answer is .5 of that: 1.25', null, '1.25'],
    ['No number here.', null, null],
    ['#### eighteen', null, null],
  ])('%j → strict %s, flexible %s', (output, strict, flexible) => {
    expect(extractGsm8kAnswers(output)).toEqual({ strict, flexible });
  });
});

describe('gsm8kBenchmark on the shipped test set', () => {
  it('scores every released solution against its own gold on both metrics (1319/1319)', async () => {
    const problems = await gsm8kBenchmark.problems();
    expect(problems).toHaveLength(1319);
    let strict = 0;
    let flexible = 0;
    for (const problem of problems) {
      const score = await gsm8kBenchmark.score(problem, problem.solution, context);
      if (score.verdicts.strict) strict++;
      if (score.verdicts.flexible) flexible++;
    }
    console.log(`gsm8k gold: strict ${strict}/1319, flexible ${flexible}/1319`);
    expect(strict).toBe(1319);
    expect(flexible).toBe(1319);
  });

  it('scores solutions against the next row’s gold near zero (shifted control)', async () => {
    const problems = await gsm8kBenchmark.problems();
    let strict = 0;
    let flexible = 0;
    for (const [index, problem] of problems.entries()) {
      const next = problems[(index + 1) % problems.length];
      if (next === undefined) throw new Error('no next row');
      const score = await gsm8kBenchmark.score(problem, next.solution, context);
      if (score.verdicts.strict) strict++;
      if (score.verdicts.flexible) flexible++;
    }
    console.log(`gsm8k shifted control: strict ${strict}/1319, flexible ${flexible}/1319`);
    expect(strict / problems.length).toBeLessThan(0.02);
    expect(flexible / problems.length).toBeLessThan(0.02);
  });

  it('ids rows gsm8k/<0-based index> and reads the gold after ####', async () => {
    const [rows, problems] = await Promise.all([loadBenchmarkSet('gsm8k-test'), gsm8kBenchmark.problems()]);
    expect(problems[0]?.id).toBe('gsm8k/0');
    expect(problems[1318]?.id).toBe('gsm8k/1318');
    expect(problems[0]?.gold).toBe('18');
    expect(problems[2]?.gold).toBe(gsm8kGoldAnswer(rows[2]?.answer ?? ''));
    expect(() => gsm8kGoldAnswer('no marker')).toThrow(/####/);
  });
});

describe('gsm8kBenchmark prompts', () => {
  it('builds an 8-shot completion prompt from the shipped train rows, without calculator notes', async () => {
    const [problem] = await gsm8kBenchmark.problems();
    if (problem === undefined) throw new Error('no problem');
    const prompt = gsm8kBenchmark.prompt(problem, { mode: 'completion', shots: 8 });
    if (prompt.mode !== 'completion') throw new Error('expected a completion prompt');
    const shots = await loadBenchmarkSet('gsm8k-train-shots');
    expect(prompt.prompt.match(/^Question: /gm)).toHaveLength(9);
    expect(prompt.prompt).toContain(`Question: ${shots[7]?.question}\nAnswer: `);
    expect(prompt.prompt).not.toContain('<<');
    expect(prompt.prompt.endsWith(`Question: ${problem.question}\nAnswer:`)).toBe(true);
    expect(prompt.stop).toContain('\n\nQuestion:');
    expect(gsm8kBenchmark.defaultShots).toEqual({ chat: 0, completion: 8 });
  });

  it('asks chat models for #### <number>, shots as prior turns', async () => {
    const [problem] = await gsm8kBenchmark.problems();
    if (problem === undefined) throw new Error('no problem');
    const zero = gsm8kBenchmark.prompt(problem, { mode: 'chat', shots: 0 });
    if (zero.mode !== 'chat') throw new Error('expected a chat prompt');
    expect(zero.messages).toHaveLength(1);
    expect(zero.messages[0]?.content).toContain('#### <number>');
    expect(zero.messages[0]?.content).toContain(problem.question);
    const two = gsm8kBenchmark.prompt(problem, { mode: 'chat', shots: 2 });
    if (two.mode !== 'chat') throw new Error('expected a chat prompt');
    expect(two.messages.map((message) => message.role)).toEqual([
      'user',
      'assistant',
      'user',
      'assistant',
      'user',
    ]);
    expect(two.messages[1]?.content).toMatch(/#### \d+$/);
  });

  it('refuses more shots than shipped, naming the option', async () => {
    const [problem] = await gsm8kBenchmark.problems();
    if (problem === undefined) throw new Error('no problem');
    expect(() => gsm8kBenchmark.prompt(problem, { mode: 'completion', shots: 9 })).toThrow(/^shots: /);
    expect(() => gsm8kBenchmark.prompt(problem, { mode: 'chat', shots: -1 })).toThrow(/^shots: /);
  });
});
