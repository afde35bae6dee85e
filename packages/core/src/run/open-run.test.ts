import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/config-error.js';
import { RunStoreError } from '../errors/run-store-error.js';
import type { ChatCallOptions } from '../spec/chat-model.js';
import { type Logger, silentLogger } from '../spec/logger.js';
import type { TaskDefinitionInput } from '../tasks/task-definition.js';
import { ScriptedChatModel } from '../test/scripted-chat-model.js';
import { type OpenRunOptions, openRun } from './open-run.js';

const task: TaskDefinitionInput = {
  name: 'toy',
  description: 'Toy questions.',
  fields: [{ name: 'question', description: 'the question' }],
};

/** Answers a leaf call with as many samples as it asks for; a depth-0 tree needs nothing else. */
function leafModel(modelId = 'scripted-model') {
  return new ScriptedChatModel((call: ChatCallOptions) => {
    const text = call.messages.map((message) => message.content).join('\n');
    const count = Number(/exactly (\d+) samples/.exec(text)?.[1] ?? 1);
    return {
      samples: Array.from({ length: count }, (_, index) => ({ question: `q${call.seed}-${index}` })),
    };
  }, modelId);
}

const work = mkdtempSync(join(tmpdir(), 'treesynth-open-run-'));
let runs = 0;
const freshOut = () => join(work, `run-${runs++}`);

function sampleLines(out: string): number {
  return readFileSync(join(out, 'samples.jsonl'), 'utf8').split('\n').filter(Boolean).length;
}

describe('openRun', () => {
  it('creates a run folder, runs it, and a resume with the same settings continues it without a new call', async () => {
    const out = freshOut();
    const first = await openRun({ out, task, model: leafModel(), config: { tree: { depth: 0 } } });
    expect(first.resumed).toBe(false);
    expect(first.config.tree.depth).toBe(0);
    const summary = await first.run();
    expect(summary.status).toBe('complete');
    expect(sampleLines(out)).toBe(summary.samples);
    expect(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')).extra.command).toBe('run');

    const model = leafModel();
    const again = await openRun({ out, resume: true, model, config: { tree: { depth: 0 } } });
    expect(again.resumed).toBe(true);
    expect(again.task.name).toBe('toy');
    expect((await again.run()).status).toBe('complete');
    expect(model.calls).toHaveLength(0);
    expect(sampleLines(out)).toBe(summary.samples);
  });

  it('refuses a resume that changes the dataset, naming the setting and the option, and leaves run.json as it was', async () => {
    const out = freshOut();
    await (await openRun({ out, task, model: leafModel(), config: { tree: { depth: 0 } } })).run();
    const before = readFileSync(join(out, 'run.json'), 'utf8');
    const error = await openRun({
      out,
      resume: true,
      model: leafModel(),
      config: { tree: { depth: 1 } },
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RunStoreError);
    expect((error as Error).message).toBe(
      `${out}: cannot resume: tree.depth was 0 in this run and is 1 now; drop the setting that changes it, or use a new out`,
    );
    await expect(
      openRun({ out, resume: true, model: leafModel('another-model'), config: { tree: { depth: 0 } } }),
    ).rejects.toThrow(/model was "scripted-model" in this run and is "another-model" now/);
    expect(readFileSync(join(out, 'run.json'), 'utf8')).toBe(before);
    // The refusals released the folder: it opens again.
    await (await openRun({ out, resume: true, model: leafModel(), config: { tree: { depth: 0 } } })).close();
  });

  it('lets a resume raise the sample budget, not lower it, and names options the way the caller asks', async () => {
    const out = freshOut();
    const config = { tree: { depth: 0 }, maxSamples: 8 };
    await (await openRun({ out, task, model: leafModel(), config })).run();
    await expect(
      openRun({ out, resume: true, model: leafModel(), config: { ...config, maxSamples: 4 } }),
    ).rejects.toThrow(
      'cannot resume: maxSamples was 8 in this run and is 4 now; a resume may raise maxSamples, not lower it (the rows already made would not fit); for a smaller dataset use a new out',
    );
    const flags = (option: string) => `--${option.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
    await expect(
      openRun({
        out,
        resume: true,
        model: leafModel(),
        config: { ...config, maxSamples: 4 },
        optionName: flags,
      }),
    ).rejects.toThrow(
      /a resume may raise --max-samples, not lower it .*; for a smaller dataset use a new --out$/,
    );
    const raised = await openRun({
      out,
      resume: true,
      model: leafModel(),
      config: { ...config, maxSamples: 12 },
    });
    expect(raised.config.maxSamples).toBe(12);
    await raised.close();
    expect(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')).config.maxSamples).toBe(12);
  });

  it('merges the resumed run, the config file and `config`, in that order', async () => {
    const out = freshOut();
    const configFile = join(work, 'merge.json');
    writeFileSync(configFile, JSON.stringify({ seed: 7, tree: { depth: 0, pivots: 3 } }));
    const opened = await openRun({
      out,
      task,
      model: leafModel(),
      configFile,
      config: { tree: { pivots: 5 } },
    });
    expect(opened.config).toMatchObject({ seed: 7, tree: { depth: 0, pivots: 5 } });
    await opened.close();
  });

  it('names the option of bad input and creates nothing', async () => {
    const out = freshOut();
    const cases: [Partial<OpenRunOptions>, RegExp][] = [
      [{ resume: true, out: undefined }, /^out: resume needs the run folder$/],
      [{ out: '' }, /^out: is empty/],
      [{ resume: 'yes' as never, optionName: (option: string) => `--${option}` }, /^--resume: /],
      [{ task: undefined }, /^task: which task\?/],
      [{ model: 5 as never }, /^model: expected a ChatModel/],
      [{ config: { tree: { depth: 99 } } }, /^config\.tree\.depth: /],
      [{ unknown: true } as never, /unknown/i],
    ];
    for (const [change, message] of cases) {
      const error = await openRun({ out, task, model: leafModel(), ...change }).catch(
        (caught: unknown) => caught,
      );
      expect(error, String(message)).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(message);
    }
    expect(existsSync(out)).toBe(false);
  });

  it('starts the run when a resume finds none yet, and says so', async () => {
    const out = freshOut();
    const warnings: string[] = [];
    const logger: Logger = { ...silentLogger, warn: (message) => void warnings.push(message) };
    const opened = await openRun({
      out,
      resume: true,
      task,
      model: leafModel(),
      config: { tree: { depth: 0 } },
      logger,
    });
    expect(opened.resumed).toBe(false);
    await opened.close();
    expect(warnings).toEqual([`no run in ${out} yet (run.json is missing): started it`]);
  });

  it('loads a stage module named in the config file, and refuses a resume after its source changed', async () => {
    const out = freshOut();
    const folder = mkdtempSync(join(work, 'stages-'));
    const module = join(folder, 'leaf.mjs');
    const source = (tag: string) =>
      `export default { id: 'my-leaf', run: async (input) => ({ samples: Array.from({ length: input.count }, (_, i) => ({ question: '${tag}' + i })), calls: 0 }) };\n`;
    writeFileSync(module, source('a'));
    const configFile = join(folder, 'config.json');
    writeFileSync(configFile, JSON.stringify({ tree: { depth: 0 }, stages: { leaf: './leaf.mjs' } }));
    const model = leafModel();
    const summary = await (await openRun({ out, task, model, configFile })).run();
    expect(summary.samples).toBeGreaterThan(0);
    expect(model.calls).toHaveLength(0);
    expect(readFileSync(join(out, 'samples.jsonl'), 'utf8')).toContain('"question":"a0"');
    writeFileSync(module, source('b'));
    await expect(openRun({ out, resume: true, model: leafModel() })).rejects.toThrow(
      /cannot resume: stages\.leaf was "[0-9a-f]{64}" in this run and is "[0-9a-f]{64}" now/,
    );
  });
});
