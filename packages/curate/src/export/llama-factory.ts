import type { ExportFormat } from './export-options.js';

/** One LLaMA-Factory `dataset_info.json` entry (its data/README.md describes the keys). */
export interface LlamaFactoryEntry {
  file_name: string;
  formatting: 'alpaca' | 'sharegpt';
  columns: Record<string, string>;
  tags?: Record<string, string>;
}

const OPENAI_TAGS = {
  role_tag: 'role',
  content_tag: 'content',
  user_tag: 'user',
  assistant_tag: 'assistant',
  system_tag: 'system',
};
const SHAREGPT_TAGS = {
  role_tag: 'from',
  content_tag: 'value',
  user_tag: 'human',
  assistant_tag: 'gpt',
  system_tag: 'system',
};

/**
 * The entry that tells LLaMA-Factory how to read one data file of a format: chat formats as
 * `sharegpt` with their role tags, alpaca as `alpaca`, and the raw rows (jsonl, parquet) as `alpaca`
 * with the prompt and response fields as columns (a second prompt field as the query).
 */
export function llamaFactoryEntry(
  format: ExportFormat,
  file: string,
  fields: { prompt: readonly string[]; response: string; system: boolean },
): LlamaFactoryEntry {
  switch (format) {
    case 'openai':
    case 'messages':
      return {
        file_name: file,
        formatting: 'sharegpt',
        columns: { messages: 'messages' },
        tags: OPENAI_TAGS,
      };
    case 'sharegpt':
      return {
        file_name: file,
        formatting: 'sharegpt',
        columns: { messages: 'conversations' },
        tags: SHAREGPT_TAGS,
      };
    case 'alpaca':
      return {
        file_name: file,
        formatting: 'alpaca',
        columns: {
          prompt: 'instruction',
          query: 'input',
          response: 'output',
          ...(fields.system ? { system: 'system' } : {}),
        },
      };
    case 'jsonl':
    case 'parquet': {
      const [prompt = '', query] = fields.prompt;
      return {
        file_name: file,
        formatting: 'alpaca',
        columns: { prompt, ...(query ? { query } : {}), response: fields.response },
      };
    }
  }
}
