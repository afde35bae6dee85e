import { existsSync, readFileSync, statSync } from 'node:fs';
import { ConfigError } from '@treesynth/core';

/**
 * Personas from a file in Persona Hub's format: JSONL, one object a line with a non-empty string
 * `persona` (other fields, e.g. `input persona` or ids, are ignored); blank lines are skipped. The
 * first bad line is a ConfigError naming the file and line.
 */
export function readPersonaFile(file: string): string[] {
  if (!existsSync(file) || !statSync(file).isFile())
    throw new ConfigError({
      path: file,
      message: 'no such persona file (JSONL, one {"persona": "..."} a line)',
    });
  const personas: string[] = [];
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((raw, index) => {
      const line = raw.trim();
      if (line === '') return;
      const where = `${file}:${index + 1}`;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        throw new ConfigError({ path: where, message: 'not a JSON object (expected {"persona": "..."})' });
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        throw new ConfigError({ path: where, message: 'not a JSON object (expected {"persona": "..."})' });
      const persona = (value as { persona?: unknown }).persona;
      if (typeof persona !== 'string' || persona.trim() === '')
        throw new ConfigError({ path: where, message: 'no "persona" string field' });
      personas.push(persona.replace(/\s+/g, ' ').trim());
    });
  if (personas.length === 0) throw new ConfigError({ path: file, message: 'holds no persona' });
  return personas;
}
