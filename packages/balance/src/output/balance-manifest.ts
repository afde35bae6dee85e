import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { RunStoreError } from '@treesynth/core';
import {
  isOwnTemporaryFile,
  RUN_LOCK_FILE,
  stableStringify,
  writeFileAtomic,
} from '@treesynth/core/internal';
import { z } from 'zod';
import { readJsonThrough } from './read-json-through.js';

/** The files of a balance folder. */
export const BALANCE_FILES = {
  manifest: 'balance.json',
  balanced: 'balanced.jsonl',
  plan: 'plan.json',
  routes: 'routes.jsonl',
  report: 'report.html',
  tree: 'tree',
  cache: 'cache',
  embeddings: 'embeddings',
} as const;

/**
 * What a balance's outputs depend on, flat so that a difference names its key: the data file's hash,
 * the field, where the tree comes from, router, embedder, model and seed.
 */
export const balanceInputsSchema = z.record(z.string(), z.unknown());
export type BalanceInputs = z.infer<typeof balanceInputsSchema>;

/** `balance.json`: the folder's inputs and how far the balance in it got. */
export const balanceManifestSchema = z.object({
  tool: z.literal('treesynth-ts'),
  kind: z.literal('balance'),
  schemaVersion: z.literal(1),
  status: z.enum(['running', 'planned', 'complete', 'failed', 'interrupted']),
  updatedAt: z.string(),
  inputs: balanceInputsSchema,
  dryRun: z.boolean().optional(),
  /** Why it failed, one line, secrets removed. */
  error: z.string().optional(),
});

export type BalanceManifest = z.infer<typeof balanceManifestSchema>;
export type BalanceStatus = BalanceManifest['status'];

export async function writeBalanceManifest(
  dir: string,
  inputs: BalanceInputs,
  status: BalanceStatus,
  extra: { dryRun?: boolean; error?: string } = {},
): Promise<void> {
  const manifest = balanceManifestSchema.parse({
    tool: 'treesynth-ts',
    kind: 'balance',
    schemaVersion: 1,
    status,
    updatedAt: new Date().toISOString(),
    inputs,
    ...extra,
  });
  await writeFileAtomic(join(dir, BALANCE_FILES.manifest), `${JSON.stringify(manifest, null, 2)}\n`);
}

export function readBalanceManifest(dir: string): BalanceManifest {
  return readJsonThrough(balanceManifestSchema, join(dir, BALANCE_FILES.manifest), 'balance.json');
}

/** The first key where two flat input records differ. */
function firstDifference(a: BalanceInputs, b: BalanceInputs): string | undefined {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].find(
    (key) => stableStringify(a[key]) !== stableStringify(b[key]),
  );
}

/**
 * Make sure `dir` may hold this balance: it is missing, empty, or holds a balance of the same inputs
 * (then its outputs are rewritten, and its caches answer what was paid for). Anything else is refused.
 */
export function checkBalanceFolder(dir: string, inputs: BalanceInputs): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory())
    throw new RunStoreError({ file: dir, message: 'is a file; choose a folder for the output' });
  const entries = readdirSync(dir).filter((name) => !isOwnTemporaryFile(name) && name !== RUN_LOCK_FILE);
  if (entries.length === 0) return;
  if (!existsSync(join(dir, BALANCE_FILES.manifest)))
    throw new RunStoreError({
      file: dir,
      message: `is not empty and holds no balance (${BALANCE_FILES.manifest} is missing); choose another output folder`,
    });
  const stored = readBalanceManifest(dir).inputs;
  const where = firstDifference(stored, inputs);
  if (where)
    throw new RunStoreError({
      file: dir,
      message: `holds a balance of other inputs (${where} was ${JSON.stringify(stored[where]) ?? 'unset'} there and is ${JSON.stringify(inputs[where]) ?? 'unset'} now); choose another output folder`,
    });
}
