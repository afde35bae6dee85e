import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the fake hub received (the Authorization header reduced to whether it was right). */
export interface FakeHubRequest {
  method: string;
  path: string;
  authorized: boolean;
}

export interface FakeHub {
  /** `http://127.0.0.1:<port>`: pass as hubUrl (or HF_ENDPOINT to the CLI). */
  url: string;
  /** The files of each dataset repo (`owner/name` -> path -> bytes), as the last commits left them. */
  repos: Map<string, Map<string, Buffer>>;
  /** Repos created through /api/repos/create, with the visibility asked for. */
  created: Array<{ repo: string; visibility: unknown }>;
  requests: FakeHubRequest[];
  close(): Promise<void>;
}

function body(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  return new Promise((resolve, reject) => {
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function json(response: ServerResponse, status: number, value: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/json' });
  response.end(JSON.stringify(value));
}

/**
 * A loopback stand-in for the Hugging Face Hub: just the endpoints `@huggingface/hub`'s repoExists,
 * createRepo and uploadFiles call (repo info, repo creation, preupload, the LFS batch API with the
 * basic transfer, the LFS object PUT and the NDJSON commit). `.parquet` files go through LFS, the
 * rest inline, as on the hub. Requests without `Bearer <token>` get a 401.
 */
export async function startFakeHub(options: { token: string }): Promise<FakeHub> {
  const repos = new Map<string, Map<string, Buffer>>();
  const created: FakeHub['created'] = [];
  const requests: FakeHubRequest[] = [];
  const objects = new Map<string, Buffer>();
  let url = '';
  const server = createServer(async (request, response) => {
    const path = new URL(request.url ?? '/', 'http://hub').pathname;
    const authorized = request.headers.authorization === `Bearer ${options.token}`;
    requests.push({ method: request.method ?? '', path, authorized });
    const payload = await body(request);
    const lfsPut = /^\/lfs-upload\/([0-9a-f]{64})$/.exec(path);
    if (request.method === 'PUT' && lfsPut) {
      // The upload URL is pre-signed (no Authorization), so the bytes are checked against their oid.
      if (createHash('sha256').update(payload).digest('hex') !== lfsPut[1])
        return json(response, 400, { error: 'sha256 mismatch' });
      objects.set(lfsPut[1]!, payload);
      return json(response, 200, {});
    }
    if (!authorized) return json(response, 401, { error: 'Invalid credentials in Authorization header' });
    if (request.method === 'POST' && path === '/api/repos/create') {
      const asked = JSON.parse(payload.toString()) as {
        name: string;
        organization?: string;
        visibility?: unknown;
      };
      const repo = `${asked.organization}/${asked.name}`;
      created.push({ repo, visibility: asked.visibility });
      repos.set(repo, repos.get(repo) ?? new Map());
      return json(response, 200, { url: `${url}/datasets/${repo}` });
    }
    const info = /^\/api\/datasets\/([^/]+\/[^/]+)$/.exec(path);
    if (request.method === 'GET' && info)
      return repos.has(info[1]!)
        ? json(response, 200, { id: info[1] })
        : json(response, 404, { error: 'Repository not found' });
    const preupload = /^\/api\/datasets\/([^/]+\/[^/]+)\/preupload\/[^/]+$/.exec(path);
    if (request.method === 'POST' && preupload) {
      const { files } = JSON.parse(payload.toString()) as { files: Array<{ path: string }> };
      return json(response, 200, {
        files: files.map((file) => ({
          path: file.path,
          uploadMode: file.path.endsWith('.parquet') ? 'lfs' : 'regular',
        })),
      });
    }
    if (
      request.method === 'POST' &&
      /^\/datasets\/[^/]+\/[^/]+\.git\/info\/lfs\/objects\/batch$/.test(path)
    ) {
      const batch = JSON.parse(payload.toString()) as { objects: Array<{ oid: string; size: number }> };
      return json(response, 200, {
        transfer: 'basic',
        objects: batch.objects.map((object) => ({
          ...object,
          actions: { upload: { href: `${url}/lfs-upload/${object.oid}` } },
        })),
      });
    }
    const commit = /^\/api\/datasets\/([^/]+\/[^/]+)\/commit\/[^/]+$/.exec(path);
    if (request.method === 'POST' && commit) {
      const files = repos.get(commit[1]!);
      if (!files) return json(response, 404, { error: 'Repository not found' });
      for (const line of payload.toString().split('\n').filter(Boolean)) {
        const { key, value } = JSON.parse(line) as { key: string; value: Record<string, string> };
        if (key === 'file') files.set(value.path!, Buffer.from(value.content!, 'base64'));
        if (key === 'lfsFile') {
          const object = objects.get(value.oid!);
          if (!object) return json(response, 422, { error: `LFS object ${value.oid} was never uploaded` });
          files.set(value.path!, object);
        }
      }
      return json(response, 200, {
        commitOid: 'f'.repeat(40),
        commitUrl: `${url}/datasets/${commit[1]}/commit/${'f'.repeat(40)}`,
      });
    }
    json(response, 404, { error: `the fake hub does not serve ${request.method} ${path}` });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    repos,
    created,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
