import { ConfigError } from '@treesynth/core';
import { scrubSecrets } from '@treesynth/core/internal';
import { HubUploadError } from '../errors/hub-upload-error.js';

export interface PushToHubOptions {
  /** `owner/name` of a dataset repo; created (private) when it does not exist. */
  repo: string;
  hubUrl: string;
  /** Sent only in the Authorization header; never written, logged or put in an error. */
  token: string | undefined;
  /** File name in the repo -> content. */
  files: ReadonlyMap<string, string | Uint8Array>;
  commitTitle: string;
}

export interface PushToHubResult {
  repo: string;
  url: string;
  commit: string | undefined;
  created: boolean;
}

export function missingHubToken(): ConfigError {
  return new ConfigError({
    path: 'HF_TOKEN',
    message: 'is not set; pushing to the hub needs a Hugging Face token',
  });
}

/**
 * Upload files to a Hugging Face dataset repo in one commit through `@huggingface/hub` (loaded only
 * when a push is asked for). Errors are a HubUploadError whose message has the token removed.
 */
export async function pushToHub(options: PushToHubOptions): Promise<PushToHubResult> {
  const { repo: name, hubUrl, token } = options;
  if (!token) throw missingHubToken();
  const hub = await import('@huggingface/hub');
  const repo = { type: 'dataset' as const, name };
  try {
    const exists = await hub.repoExists({ repo, hubUrl, accessToken: token });
    if (!exists) await hub.createRepo({ repo, hubUrl, accessToken: token, private: true });
    const output = await hub.uploadFiles({
      repo,
      hubUrl,
      accessToken: token,
      commitTitle: options.commitTitle,
      files: [...options.files].map(([path, content]) => ({
        path,
        content: new Blob([typeof content === 'string' ? content : new Uint8Array(content)]),
      })),
    });
    return {
      repo: name,
      url: `${hubUrl.replace(/\/$/, '')}/datasets/${name}`,
      commit: output?.commit.oid,
      created: !exists,
    };
  } catch (error) {
    const status = (error as { statusCode?: unknown }).statusCode;
    throw new HubUploadError({
      repo: name,
      message: scrubSecrets((error as Error).message ?? String(error), [token]),
      statusCode: typeof status === 'number' ? status : undefined,
    });
  }
}
