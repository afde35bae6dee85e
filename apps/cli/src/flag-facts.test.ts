import { balanceOptionsSchema } from '@treesynth/balance';
import {
  engineConfigSchema,
  openRunOptionsSchema,
  synthesisConfigSchema,
  treeConfigSchema,
} from '@treesynth/core';
import {
  answerSettingsSchema,
  curationConfigSchema,
  decontaminateSettingsSchema,
  dedupSettingsSchema,
  embeddingDedupSettingsSchema,
  exportOptionsSchema,
  judgeSettingsSchema,
  verifySettingsSchema,
} from '@treesynth/curate';
import { buildReportOptionsSchema, compareDatasetsOptionsSchema } from '@treesynth/eval';
import {
  balanceOnEndpointOptionsSchema,
  benchOnEndpointOptionsSchema,
  curateOnEndpointOptionsSchema,
  runDemoOptionsSchema,
  runExperimentOptionsSchema,
} from '@treesynth/experiment';
import {
  callStackOptionsSchema,
  embedderSpecOptionsSchema,
  exportBatchOptionsSchema,
  runOnEndpointOptionsSchema,
} from '@treesynth/providers';
import { simulatorFaultsSchema, simulatorOptionsSchema } from '@treesynth/simulator';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fieldFacts } from './flags.js';

/** Every options schema whose fields the commands' flags are built from. */
const SCHEMAS = {
  balanceOptionsSchema,
  engineConfigSchema,
  openRunOptionsSchema,
  synthesisConfigSchema,
  treeConfigSchema,
  answerSettingsSchema,
  curationConfigSchema,
  decontaminateSettingsSchema,
  dedupSettingsSchema,
  embeddingDedupSettingsSchema,
  exportOptionsSchema,
  judgeSettingsSchema,
  verifySettingsSchema,
  buildReportOptionsSchema,
  compareDatasetsOptionsSchema,
  balanceOnEndpointOptionsSchema,
  benchOnEndpointOptionsSchema,
  curateOnEndpointOptionsSchema,
  runDemoOptionsSchema,
  runExperimentOptionsSchema,
  callStackOptionsSchema,
  embedderSpecOptionsSchema,
  exportBatchOptionsSchema,
  runOnEndpointOptionsSchema,
  simulatorFaultsSchema,
  simulatorOptionsSchema,
};
const KINDS = new Set(['boolean', 'integer', 'number', 'array']);

describe('fieldFacts', () => {
  it('reads every flag-building field as z.toJSONSchema does: type, description, default', () => {
    let compared = 0;
    for (const [name, schema] of Object.entries(SCHEMAS)) {
      const shape = (schema as unknown as { shape: Record<string, z.ZodType> }).shape;
      for (const [field, fieldSchema] of Object.entries(shape)) {
        let json: { type?: string; description?: string; default?: unknown };
        try {
          json = z.toJSONSchema(fieldSchema, { io: 'input', unrepresentable: 'any' }) as typeof json;
        } catch {
          continue; // a field no flag can be built from (a function, a model)
        }
        const facts = fieldFacts(fieldSchema);
        const where = `${name}.${field}`;
        expect(facts.description, where).toBe(json.description);
        // As schemaOption shows it: a list's items joined by commas (an empty list: none).
        const shown = (value: unknown) => (Array.isArray(value) ? value.join(',') || undefined : value);
        expect(shown(facts.default), where).toEqual(shown(json.default));
        if (KINDS.has(json.type ?? '')) expect(facts.type, where).toBe(json.type);
        else expect(KINDS.has(facts.type ?? ''), where).toBe(false);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(150);
  });
});
