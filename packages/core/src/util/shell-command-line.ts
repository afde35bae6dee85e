/** What a command line leaves out: options with their value (`--out dir`, `--out=dir`), and switches. */
export interface CommandLineOmissions {
  options?: readonly string[];
  switches?: readonly string[];
}

/** A word as the shell takes it back: bare when it has only safe characters, else in single quotes. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * A command line a person can paste back into a shell: `words` quoted where the shell needs it, with
 * the options and switches of `omit` left out (e.g. where the output went, which does not change it).
 *
 * ```ts
 * shellCommandLine(['treesynth', 'export', 'a b', '--out', 'x'], { options: ['--out'] }) // "treesynth export 'a b'"
 * ```
 */
export function shellCommandLine(words: readonly string[], omit: CommandLineOmissions = {}): string {
  const options = new Set(omit.options);
  const switches = new Set(omit.switches);
  const kept: string[] = [];
  for (let index = 0; index < words.length; index++) {
    const word = words[index]!;
    const name = word.split('=')[0]!;
    if (switches.has(name)) continue;
    if (options.has(name)) {
      if (!word.includes('=')) index++;
      continue;
    }
    kept.push(shellQuote(word));
  }
  return kept.join(' ');
}
