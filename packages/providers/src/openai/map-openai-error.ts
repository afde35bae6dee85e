import { AbortedError, ApiCallError } from '@treesynth/core';
import { scrubSecrets } from '@treesynth/core/internal';
import type { APIError } from 'openai';
import { loadedOpenAI } from './openai-client.js';

type SdkErrors = Pick<
  typeof import('openai'),
  'APIConnectionError' | 'APIConnectionTimeoutError' | 'APIError' | 'APIUserAbortError'
>;

/** Whether `error` is one of the SDK's errors; none can be before the SDK is loaded (`loadOpenAI`). */
function isSdkError<Name extends keyof SdkErrors>(
  error: unknown,
  name: Name,
): error is InstanceType<SdkErrors[Name]> {
  const sdk = loadedOpenAI();
  return sdk !== undefined && error instanceof sdk[name];
}

/** What an error message may say about the call, and what it must never say. */
export interface ErrorContext {
  /** The base URL as shown to users (no credentials). */
  baseURL: string;
  /** The endpoint URL (no credentials). */
  url: string;
  timeoutMs: number;
  signal: AbortSignal | undefined;
  /** The raw body of an error response, when one was read. */
  errorBody: string | undefined;
  /** Texts that must not appear in any message: the API key, secret header values. */
  secrets: readonly string[];
}

const RETRYABLE_STATUS = new Set([408, 409, 429]);
const MAX_MESSAGE_LENGTH = 500;

/** Whether an HTTP status means that the same request may succeed later. */
export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUS.has(status) || status >= 500;
}

/**
 * Seconds to wait from `retry-after-ms` or `Retry-After` (delta seconds or an HTTP date);
 * undefined when neither header is present or readable.
 */
export function parseRetryAfter(
  headers: { get(name: string): string | null } | undefined,
  now = Date.now(),
): number | undefined {
  if (!headers) return undefined;
  const milliseconds = headers.get('retry-after-ms');
  if (milliseconds !== null && milliseconds.trim() !== '') {
    const value = Number(milliseconds);
    if (Number.isFinite(value) && value >= 0) return value / 1000;
  }
  const retryAfter = headers.get('retry-after')?.trim();
  if (!retryAfter) return undefined;
  if (/^\d+(\.\d+)?$/.test(retryAfter)) return Number(retryAfter);
  const date = Date.parse(retryAfter);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, (date - now) / 1000);
}

/** Map anything the OpenAI SDK throws to core's `ApiCallError` or `AbortedError`. */
export function mapOpenAIError(error: unknown, context: ErrorContext): Error {
  if (context.signal?.aborted || isSdkError(error, 'APIUserAbortError')) {
    return new AbortedError(context.signal?.reason);
  }
  const clean = (text: string) => oneLine(scrubSecrets(text, context.secrets));
  if (isSdkError(error, 'APIConnectionTimeoutError')) {
    return new ApiCallError({
      message: `request to ${context.baseURL} timed out after ${context.timeoutMs} ms`,
      isRetryable: true,
      url: context.url,
    });
  }
  if (isSdkError(error, 'APIConnectionError')) {
    const code = findErrorCode(error);
    return new ApiCallError({
      message: clean(
        code === undefined || UNREACHABLE.has(code)
          ? `cannot reach ${context.baseURL} (${code ?? describeCause(error)})`
          : `connection to ${context.baseURL} failed (${code})`,
      ),
      isRetryable: true,
      url: context.url,
      cause: error.cause,
    });
  }
  if (isSdkError(error, 'APIError') && typeof error.status === 'number') {
    const status = error.status;
    const detail = describeBody(context.errorBody) ?? describeSdkError(error);
    return new ApiCallError({
      message: clean(`HTTP ${status} from ${context.url}: ${detail}`),
      statusCode: status,
      isRetryable: isRetryableStatus(status),
      url: context.url,
      retryAfterSeconds: parseRetryAfter(error.headers),
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ApiCallError({
    message: clean(`request to ${context.url} failed: ${message}`),
    isRetryable: false,
    url: context.url,
  });
}

/** The text of an error body: `error.message` (OpenAI), `message` (vLLM), `detail` (FastAPI), or raw. */
function describeBody(body: string | undefined): string | undefined {
  if (body === undefined || body.trim() === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return body;
  }
  if (typeof parsed !== 'object' || parsed === null) return body;
  const record = parsed as Record<string, unknown>;
  const nested = record.error;
  if (typeof nested === 'string') return nested;
  if (typeof nested === 'object' && nested !== null) {
    const message = (nested as Record<string, unknown>).message;
    if (typeof message === 'string') return message;
  }
  if (typeof record.message === 'string') return record.message;
  if (record.detail !== undefined)
    return typeof record.detail === 'string' ? record.detail : JSON.stringify(record.detail);
  return body;
}

function describeSdkError(error: APIError): string {
  const body = error.error as Record<string, unknown> | undefined;
  if (body && typeof body.message === 'string') return body.message;
  if (body) return JSON.stringify(body);
  return '(no body)';
}

/** Codes that mean no connection was made at all. */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);
const CONNECTION_CODE = /^(E[A-Z_]+|UND_ERR_[A-Z_]+)$/;

/** The first system error code (ECONNREFUSED, ECONNRESET, ENOTFOUND, UND_ERR_SOCKET...) in the cause chain. */
function findErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current; depth++) {
    if (typeof current !== 'object') return undefined;
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && CONNECTION_CODE.test(code)) return code;
    const errors = (current as { errors?: unknown }).errors;
    if (Array.isArray(errors)) {
      for (const inner of errors) {
        const innerCode = findErrorCode(inner);
        if (innerCode) return innerCode;
      }
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function describeCause(error: Error): string {
  const cause = error.cause;
  if (cause instanceof Error && cause.message) return cause.message;
  return error.message || 'connection error';
}

function oneLine(text: string): string {
  const flat = text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
  return flat.length <= MAX_MESSAGE_LENGTH ? flat : `${flat.slice(0, MAX_MESSAGE_LENGTH)}…`;
}
