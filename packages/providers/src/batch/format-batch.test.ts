import type { RunSummary } from '@treesynth/core';
import { describe, expect, it } from 'vitest';
import type { BatchIngestReport } from './batch-jobs.js';
import { type BatchResult, batchResultJson, formatBatchResult } from './format-batch.js';

const counts = { calls: 4, cachedCalls: 0, promptTokens: 100, cachedPromptTokens: 0, completionTokens: 50 };
const summary: RunSummary = {
  status: 'awaiting-batch',
  nodes: 5,
  splitNodes: 1,
  leaves: 4,
  leafReasons: { 'max-depth': 4 },
  maxDepthReached: 1,
  infiniteNodes: 0,
  leafCalls: { planned: 30, done: 5, failed: 0, deferred: 25 },
  samples: 5,
  usage: { total: counts, stages: { batch: counts } },
  elapsedMs: 100,
  simulated: false,
};
const exported: BatchResult = {
  dir: 'runs/x',
  requestsFile: 'runs/x/batch_requests.jsonl',
  requests: 25,
  summary,
  cost: { modelId: 'm', total: undefined, stages: {}, warnings: [] },
};
const usage = { promptTokens: 1, completionTokens: 1 };
const report: BatchIngestReport = {
  stored: [{ line: 1, customId: 'a', usage }],
  alreadyStored: 2,
  failed: Array.from({ length: 25 }, (_, index) => ({
    line: index + 2,
    customId: `f${index}`,
    error: 'boom',
  })),
  foreign: { count: 3 },
  duplicates: [{ line: 30, firstLine: 1, customId: 'a' }],
};

describe('formatBatchResult', () => {
  it('tells the run, then the next step in the caller’s words', () => {
    const text = formatBatchResult(exported, {
      resumeWith: 'resume-here',
      ingestWith: 'ingest-here runs/x <results.jsonl>',
    });
    expect(text).toMatch(/^run awaiting-batch: runs\/x\n/);
    expect(text).toMatch(
      /\n {2}25 leaf calls written to runs\/x\/batch_requests\.jsonl\n {2}run them with .*, then: ingest-here runs\/x <results\.jsonl>\n$/,
    );
    expect(formatBatchResult({ ...exported, requests: 0 })).toMatch(/\n {2}no leaf call is pending\n$/);
    expect(formatBatchResult(exported)).toContain('then: ingestBatch({ dir: "runs/x", results })');
  });

  it('starts an ingest with what the file gave and its first 20 failed lines', () => {
    const text = formatBatchResult({ ...exported, ingested: report }, { results: 'out.jsonl' });
    const lines = text.split('\n');
    expect(lines[0]).toBe('ingested 1 results from out.jsonl; 25 failed in the batch, 2 ingested before');
    expect(lines.slice(1, 21)).toEqual(Array.from({ length: 20 }, (_, index) => `  line ${index + 2}: boom`));
    expect(lines[21]).toMatch(/^run awaiting-batch/);
  });
});

describe('batchResultJson', () => {
  it('counts what an ingest gave beside the run summary, and leaves the counts out of an export', () => {
    const json = batchResultJson({ ...exported, ingested: report });
    expect(json).toMatchObject({ dir: 'runs/x', requests: 25, status: 'awaiting-batch', samples: 5 });
    expect(json.ingested).toEqual({ stored: 1, alreadyStored: 2, failed: 25, foreign: 3, duplicates: 1 });
    expect(batchResultJson(exported)).not.toHaveProperty('ingested');
  });
});
