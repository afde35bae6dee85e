import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HubUploadError } from '../errors/hub-upload-error.js';
import { type FakeHub, startFakeHub } from '../test/fake-hub.js';
import { exportDataset } from './export-dataset.js';

const TOKEN = 'hf_secretTOKEN0123456789abcdef';
const work = mkdtempSync(join(tmpdir(), 'treesynth-push-'));
let hub: FakeHub;
const data = join(work, 'rows.jsonl');

beforeAll(async () => {
  hub = await startFakeHub({ token: TOKEN });
  const rows = Array.from({ length: 30 }, (_, n) => ({
    id: `r${n}`,
    question: `What is ${n} + 1?`,
    answer: `#### ${n + 1}`,
  }));
  writeFileSync(data, rows.map((row) => JSON.stringify(row)).join('\n'));
});
afterAll(async () => {
  await hub.close();
  rmSync(work, { recursive: true, force: true });
});

describe('pushToHub through exportDataset', () => {
  const pushArith = () =>
    exportDataset({
      source: data,
      format: 'parquet',
      split: 'train=0.8,test=0.2',
      out: join(work, 'out'),
      pushToHub: 'me/arith',
      hubUrl: hub.url,
      hubToken: TOKEN,
    });

  it('creates the dataset repo (private) and commits the data, provenance, card and dataset_info, never the token', async () => {
    const result = await pushArith();
    expect(result.pushed).toMatchObject({
      repo: 'me/arith',
      created: true,
      url: `${hub.url}/datasets/me/arith`,
    });
    expect(hub.created).toEqual([{ repo: 'me/arith', visibility: 'private' }]);
    const files = hub.repos.get('me/arith')!;
    expect([...files.keys()].sort()).toEqual([
      'README.md',
      'dataset_info.json',
      'test.parquet',
      'test.provenance.jsonl',
      'train.parquet',
      'train.provenance.jsonl',
    ]);
    // What arrived is what was written, byte for byte; the parquet files went through LFS.
    for (const [name, bytes] of files)
      expect(bytes.equals(readFileSync(join(result.out, name))), name).toBe(true);
    expect(hub.requests.some((request) => request.path.endsWith('.git/info/lfs/objects/batch'))).toBe(true);
    expect(files.get('README.md')!.toString()).toMatch(/^---\n[\s\S]*path: "train\.parquet"/);
    expect(
      hub.requests
        .filter((request) => !request.path.startsWith('/lfs-upload/'))
        .every((request) => request.authorized),
    ).toBe(true);
    for (const name of readdirSync(result.out))
      expect(readFileSync(join(result.out, name)).includes(TOKEN), name).toBe(false);
    // A second push to the existing repo commits again without creating it.
    const again = await pushArith();
    expect(again.pushed?.created).toBe(false);
    expect(hub.created).toHaveLength(1);
  });

  it('reports a refused token as a HubUploadError that does not hold the token', async () => {
    const wrong = 'hf_wrongTOKENwrongTOKEN42';
    const error = await exportDataset({
      source: data,
      format: 'openai',
      out: join(work, 'refused'),
      pushToHub: 'me/other',
      hubUrl: hub.url,
      hubToken: wrong,
    }).catch((caught: unknown) => caught);
    expect(HubUploadError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/^me\/other: Invalid credentials/);
    expect(JSON.stringify(error) + String((error as Error).stack)).not.toContain(wrong);
  });

  it('reads HF_TOKEN and HF_ENDPOINT from env when hubToken and hubUrl are not given; neither reaches the card', async () => {
    const result = await exportDataset({
      source: data,
      format: 'openai',
      out: join(work, 'from-env'),
      pushToHub: 'me/from-env',
      env: { HF_TOKEN: TOKEN, HF_ENDPOINT: hub.url },
    });
    expect(result.pushed?.url).toBe(`${hub.url}/datasets/me/from-env`);
    expect(hub.repos.get('me/from-env')?.has('README.md')).toBe(true);
    const card = readFileSync(join(result.out, 'README.md'), 'utf8');
    expect(card).not.toContain(TOKEN);
    expect(card).not.toContain(hub.url);
    const bad = exportDataset({
      source: data,
      format: 'openai',
      out: join(work, 'bad-endpoint'),
      pushToHub: 'me/x',
      env: { HF_TOKEN: TOKEN, HF_ENDPOINT: 'not a url' },
    });
    await expect(bad).rejects.toThrow('HF_ENDPOINT: expected a URL, got "not a url"');
  });
});
