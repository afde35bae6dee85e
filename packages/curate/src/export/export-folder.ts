import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, readdir, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { ConfigError } from '@treesynth/core';
import { isOwnTemporaryFile, readJsonFile } from '@treesynth/core/internal';
import { z } from 'zod';

/** `export.json`: what an export folder holds, so a later export of the same source may replace it. */
export const EXPORT_MANIFEST_FILE = 'export.json';

export const exportManifestSchema = z.object({
  tool: z.literal('treesynth-ts'),
  kind: z.literal('export'),
  schemaVersion: z.literal(1),
  /** The source's absolute path: only an export of the same source may replace this folder. */
  source: z.string(),
  format: z.string(),
  seed: z.number().int(),
  splits: z.array(
    z.object({ name: z.string(), ratio: z.number(), file: z.string(), rows: z.number().int() }),
  ),
  unanswered: z.number().int(),
  files: z.array(z.string()),
});

export type ExportManifest = z.infer<typeof exportManifestSchema>;

/** The export.json of a folder, or undefined when it has none or it is not one. */
export function readExportManifest(folder: string): ExportManifest | undefined {
  const file = join(folder, EXPORT_MANIFEST_FILE);
  if (!existsSync(file)) return undefined;
  const parsed = exportManifestSchema.safeParse(readJsonFile(file, EXPORT_MANIFEST_FILE));
  return parsed.success ? parsed.data : undefined;
}

/** Whether `path` lies strictly inside `folder`. */
function isInside(path: string, folder: string): boolean {
  const rel = relative(folder, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/**
 * Refuse `out` unless it is missing, empty (our temp files aside), or a previous export of `source` (or
 * an export inside `source`'s own folder, carried along when the run folder was copied).
 * The ConfigError names the `out` option.
 */
export function checkExportFolder(out: string, source: string): void {
  if (!existsSync(out)) return;
  if (!statSync(out).isDirectory())
    throw new ConfigError({ path: 'out', message: `${out} is a file; choose a folder` });
  const entries = readdirSync(out).filter((name) => !isOwnTemporaryFile(name));
  if (entries.length === 0) return;
  const previous = readExportManifest(out);
  if (previous?.source === resolve(source)) return;
  // A run folder that was copied or moved carries its own export along (the demo's export-openai/):
  // an export inside the source's folder is that run's, whatever path its manifest recorded.
  if (previous && isInside(resolve(out), resolve(source))) return;
  const shown = entries.slice(0, 3).join(', ') + (entries.length > 3 ? `, +${entries.length - 3} more` : '');
  throw new ConfigError({
    path: 'out',
    message: previous
      ? `${out} holds an export of another source (${previous.source}); choose a new or empty folder`
      : `${out} is not empty (${shown}) and holds no export; choose a new or empty folder`,
  });
}

/**
 * Write `files` as the whole content of `out`, all or nothing: into a temp folder beside `out`
 * (`.treesynth-<name>.<12 hex>.tmp`, a name core's cleanup knows as ours), then renamed into place;
 * a previous export there is renamed aside first and removed after. A failure leaves `out` as it was.
 */
export async function writeExportFolder(
  out: string,
  files: ReadonlyMap<string, string | Uint8Array>,
): Promise<void> {
  const parent = dirname(resolve(out));
  await mkdir(parent, { recursive: true });
  const temporary = () => join(parent, `.treesynth-${basename(out)}.${randomBytes(6).toString('hex')}.tmp`);
  const stage = temporary();
  try {
    await mkdir(stage);
    for (const [name, content] of files) await writeFile(join(stage, name), content);
  } catch (error) {
    await rm(stage, { recursive: true, force: true });
    throw error;
  }
  if (!existsSync(out)) {
    await rename(stage, out);
    return;
  }
  if ((await readdir(out)).length === 0) {
    await rmdir(out);
    await rename(stage, out);
    return;
  }
  const aside = temporary();
  await rename(out, aside);
  try {
    await rename(stage, out);
  } catch (error) {
    await rename(aside, out);
    await rm(stage, { recursive: true, force: true });
    throw error;
  }
  await rm(aside, { recursive: true, force: true });
}
