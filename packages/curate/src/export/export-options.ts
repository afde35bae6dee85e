import type { Logger } from '@treesynth/core';
import { z } from 'zod';
import { parseSplitSpec, type SplitRatio } from './split-rows.js';

export const EXPORT_FORMATS = ['openai', 'messages', 'alpaca', 'sharegpt', 'jsonl', 'parquet'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** One field name, or several whose texts are joined by a blank line (e.g. code's instruction and input). */
const fieldList = z
  .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
  .transform((value) => (Array.isArray(value) ? value : [value]));

/**
 * The options of `exportDataset`: the one source of its defaults and limits. Errors name the option
 * (`format`, `split`, `responseField`, `out`), never a CLI flag.
 */
export const exportOptionsSchema = z.object({
  source: z
    .string()
    .min(1)
    .describe('a run folder (curated.jsonl when present, else samples.jsonl) or a JSONL/JSON dataset file'),
  format: z
    .enum(EXPORT_FORMATS, {
      error: (issue) =>
        `${issue.input === undefined ? 'which format?' : 'expected'} one of ${EXPORT_FORMATS.join(', ')}`,
    })
    .describe(EXPORT_FORMATS.join(', ')),
  split: z
    .union([z.string(), z.record(z.string(), z.number())])
    .default('train=1')
    .transform((value, context): SplitRatio[] => {
      const parsed = parseSplitSpec(value);
      if (typeof parsed === 'string') {
        context.addIssue({ code: 'custom', message: parsed });
        return z.NEVER;
      }
      return parsed;
    })
    .describe(
      'splits and their shares, e.g. train=0.95,validation=0.05; a row goes by a seeded hash of its id',
    ),
  out: z
    .string()
    .min(1)
    .optional()
    .describe('the export folder (default: <run>/export-<format>, or <file>-export-<format> beside a file)'),
  seed: z.number().int().default(0).describe('seed of the split hash'),
  promptField: fieldList
    .optional()
    .describe(
      "the row field(s) that make the prompt (default: the task's, e.g. question; code: instruction, input)",
    ),
  responseField: z
    .string()
    .min(1)
    .optional()
    .describe(
      'the row field that holds the response (default by task: gsm8k answer, math solution, code output)',
    ),
  system: z.string().min(1).optional().describe('a system prompt added to every conversation'),
  allowUnanswered: z
    .boolean()
    .default(false)
    .describe('skip rows without the response field (counted in the card) instead of refusing'),
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'letters, digits, _ . - only')
    .optional()
    .describe('dataset name in the card and dataset_info.json (default: the source folder or file name)'),
  license: z.string().min(1).default('other').describe('license field of the dataset card'),
  language: z.string().min(1).default('en').describe('language field of the dataset card'),
  /** The command line shown in the card (the CLI passes its own, without --out); without it the card shows the exportDataset options, out and the hub left out. */
  command: z.string().optional(),
  pushToHub: z
    .string()
    .regex(/^[A-Za-z0-9][\w.-]*\/[\w.-]+$/, 'expected a dataset repo as owner/name')
    .optional()
    .describe('upload the export to this Hugging Face dataset repo (token: HF_TOKEN)'),
  hubUrl: z
    .url()
    .optional()
    .describe('the hub to push to (default: HF_ENDPOINT, else https://huggingface.co)'),
  /** The hub token (default: HF_TOKEN). Used only in the upload's Authorization header; never written. */
  hubToken: z.string().optional(),
  /** Where HF_TOKEN and HF_ENDPOINT are read (default `process.env`; `{}` reads none). */
  env: z.record(z.string(), z.string().optional()).optional(),
  logger: z.custom<Logger>().optional(),
});

export type ExportOptions = z.input<typeof exportOptionsSchema>;
export type ParsedExportOptions = z.output<typeof exportOptionsSchema>;
