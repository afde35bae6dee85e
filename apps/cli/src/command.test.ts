import { describe, expect, it } from 'vitest';
import { type CommandSpec, defineCommand, parseCommandArgs } from './command.js';

const command = (args?: string[]): CommandSpec =>
  defineCommand({
    name: 'demo-args',
    summary: 'a command to test positional arguments',
    usage: 'treesynth demo-args ...',
    options: { json: { type: 'boolean', description: 'json', option: false } },
    examples: [],
    ...(args ? { args } : {}),
    run: async () => 0,
  });

/** The error message parseCommandArgs throws, or `ok` with the positionals. */
function parse(spec: CommandSpec, argv: string[]): string {
  try {
    return `ok ${parseCommandArgs(spec, argv).positionals.join(' ')}`.trim();
  } catch (error) {
    return (error as Error).message;
  }
}

describe('positional arguments', () => {
  it('a command without args takes none', () => {
    expect(parse(command(), [])).toBe('ok');
    expect(parse(command(), ['stray'])).toBe('stray: unexpected argument (usage: treesynth demo-args ...)');
  });

  it('one required argument: missing and extra ones are named', () => {
    const spec = command(['<run>']);
    expect(parse(spec, ['runs/a'])).toBe('ok runs/a');
    expect(parse(spec, ['--json'])).toBe('<run>: missing (usage: treesynth demo-args ...)');
    expect(parse(spec, ['runs/a', 'runs/b'])).toMatch(/^runs\/b: unexpected argument/);
  });

  it('a word argument names the words it takes', () => {
    const spec = command(['export|ingest', '<run>', '[<results.jsonl>]']);
    expect(parse(spec, ['ingest', 'runs/a', 'out.jsonl'])).toBe('ok ingest runs/a out.jsonl');
    expect(parse(spec, ['export', 'runs/a'])).toBe('ok export runs/a');
    expect(parse(spec, ['import', 'runs/a'])).toMatch(
      /^export\|ingest: expected "export" or "ingest", got "import"/,
    );
    expect(parse(spec, [])).toMatch(/^export\|ingest: missing/);
  });

  it('a variadic argument takes one or more; an optional one may be left out', () => {
    const files = command(['diversity', '<files>...']);
    expect(parse(files, ['diversity', 'a.jsonl', 'b.jsonl', 'c.jsonl'])).toBe(
      'ok diversity a.jsonl b.jsonl c.jsonl',
    );
    expect(parse(files, ['diversity'])).toMatch(/^<files>\.\.\.: missing/);
    const compare = command(['[compare]', '[<dir>...]']);
    expect(parse(compare, [])).toBe('ok');
    expect(parse(compare, ['compare', 'a', 'b'])).toBe('ok compare a b');
    expect(parse(compare, ['comapre'])).toMatch(/^compare: expected "compare", got "comapre"/);
  });

  it('--help skips the check', () => {
    expect(parseCommandArgs(command(['<run>']), ['--help']).help).toBe(true);
  });
});
