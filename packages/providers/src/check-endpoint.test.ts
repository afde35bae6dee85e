import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AbortedError, ApiCallError } from '@treesynth/core';
import { afterEach, describe, expect, it } from 'vitest';
import { checkEndpoint } from './check-endpoint.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((done) => server.close(done))));
});

/** A loopback server answering every request with `status` (or never, with `hang`); its requests seen. */
async function endpoint(
  status: number,
  hang = false,
): Promise<{ url: string; seen: { url?: string; auth?: string }[] }> {
  const seen: { url?: string; auth?: string }[] = [];
  const server = createServer((request, response) => {
    seen.push({ url: request.url, auth: request.headers.authorization });
    if (hang) return;
    response.writeHead(status, status === 302 ? { location: '/elsewhere' } : {});
    response.end('{"data":[]}');
  });
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, seen };
}

describe('checkEndpoint', () => {
  it.each([200, 404, 302, 500])(
    'passes an endpoint that answers %i, having asked GET /v1/models with the key',
    async (status) => {
      const { url, seen } = await endpoint(status);
      await expect(checkEndpoint({ baseURL: url, apiKey: 'sk-test' })).resolves.toBeUndefined();
      expect(seen).toEqual([{ url: '/v1/models', auth: 'Bearer sk-test' }]);
    },
  );

  it.each([401, 403])('refuses a key the endpoint rejects (%i) in one line', async (status) => {
    const { url } = await endpoint(status);
    const error = await checkEndpoint({ baseURL: url, apiKey: 'sk-secret' }).catch((caught) => caught);
    expect(error).toBeInstanceOf(ApiCallError);
    expect(error.message).toBe(`${url} rejected the API key (HTTP ${status}); check OPENAI_API_KEY`);
  });

  it('names a closed port, and a silent endpoint after its timeout', async () => {
    const closed = await endpoint(200);
    await new Promise((done) => servers.pop()!.close(done));
    await expect(checkEndpoint({ baseURL: closed.url })).rejects.toThrow(
      `cannot reach ${closed.url} (ECONNREFUSED)`,
    );
    const silent = await endpoint(200, true);
    await expect(checkEndpoint({ baseURL: silent.url, timeoutMs: 200 })).rejects.toThrow(
      `cannot reach ${silent.url} (no answer in 0.2 s)`,
    );
  });

  it('stops on its signal with AbortedError, and keeps credentials in the URL out of its message', async () => {
    const silent = await endpoint(200, true);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('SIGINT')), 50);
    await expect(checkEndpoint({ baseURL: silent.url, signal: controller.signal })).rejects.toBeInstanceOf(
      AbortedError,
    );
    const { url } = await endpoint(401);
    const withUser = url.replace('http://', 'http://user:hunter2@');
    const error = await checkEndpoint({ baseURL: withUser }).catch((caught) => caught);
    expect(error.message).not.toContain('hunter2');
  });
});
