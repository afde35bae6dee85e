import { z } from 'zod';
import { engineConfigSchema } from '../config/engine-config.js';
import { readJsonFile } from '../config/read-json-file.js';
import { taskDefinitionSchema } from '../tasks/task-definition.js';
import { parseVersioned } from './parse-versioned.js';

export const RUN_SCHEMA_VERSION = 1;
const RUN_MANIFEST_FILE = 'run.json';

/** `incomplete`: finished, but leaf calls failed after their retries; a resume tries them again. */
export const runStatusSchema = z.enum([
  'running',
  'tree-built',
  'awaiting-batch',
  'complete',
  'incomplete',
  'failed',
  'interrupted',
]);

export type RunStatus = z.infer<typeof runStatusSchema>;

/** `run.json`: what the run is, how it was configured (secrets redacted) and where it stands. */
export const runManifestSchema = z.object({
  schemaVersion: z.literal(RUN_SCHEMA_VERSION),
  tool: z.literal('treesynth-ts'),
  status: runStatusSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Hash of everything that changes the dataset; a resume must match it. */
  fingerprint: z.string(),
  task: taskDefinitionSchema,
  config: engineConfigSchema,
  model: z.object({ provider: z.string(), modelId: z.string(), baseURL: z.string().optional() }),
  /** True when the LLM was the simulator. */
  simulated: z.boolean().optional(),
  error: z.string().optional(),
  /** Free-form details from the caller (CLI arguments), redacted before writing. */
  extra: z.record(z.string(), z.unknown()).optional(),
});

export type RunManifest = z.infer<typeof runManifestSchema>;

/** Read and check a `run.json`. */
export function readRunManifest(file: string): RunManifest {
  return parseVersioned(runManifestSchema, readJsonFile(file, RUN_MANIFEST_FILE), file, {
    what: 'run.json',
    version: RUN_SCHEMA_VERSION,
  });
}
