import { TreeSynthError } from '@treesynth/core';

/** Uploading an export to the Hugging Face Hub failed. The message never holds the token. */
export class HubUploadError extends TreeSynthError {
  readonly repo: string;
  readonly statusCode: number | undefined;

  constructor(options: { repo: string; message: string; statusCode?: number | undefined }) {
    super({ code: 'hub-upload', message: `${options.repo}: ${options.message}` });
    this.name = 'HubUploadError';
    this.repo = options.repo;
    this.statusCode = options.statusCode;
  }
}
