import { describe, expect, it } from 'vitest';
import { redactSecrets, redactUrl, redactUrlsInText, scrubSecrets } from './redact.js';

describe('redactUrl', () => {
  it.each([
    ['http://user:sk-canary@127.0.0.1:8000/v1', 'http://***@127.0.0.1:8000/v1'],
    ['https://sk-canary@host/v1', 'https://***@host/v1'],
    ['http://user:p@ss@host/v1', 'http://***@host/v1'],
    ['http://h/v1?api-key=sk-canary', 'http://h/v1?api-key=***'],
    [
      'http://h/v1?api-version=2024-06-01&api_key=sk-canary#x',
      'http://h/v1?api-version=2024-06-01&api_key=***#x',
    ],
    [
      'http://h/v1?key=a&token=b&access_token=c&subscription-key=d',
      'http://h/v1?key=***&token=***&access_token=***&subscription-key=***',
    ],
    ['http://h/v1?model=x', 'http://h/v1?model=x'],
    ['http://127.0.0.1:8000/v1', 'http://127.0.0.1:8000/v1'],
  ])('%s shows as %s', (url, shown) => {
    expect(redactUrl(url)).toBe(shown);
  });

  it('redacts every URL in a text and in a stored object', () => {
    expect(redactUrlsInText('cannot reach http://u:sk-1@h/v1?token=sk-2 (ECONNREFUSED)')).toBe(
      'cannot reach http://***@h/v1?token=*** (ECONNREFUSED)',
    );
    expect(
      redactSecrets({
        model: { baseURL: 'http://h/v1?api-key=sk-3' },
        apiKey: 'sk-4',
        list: ['http://u:sk-5@h'],
      }),
    ).toEqual({
      model: { baseURL: 'http://h/v1?api-key=***' },
      apiKey: '[redacted]',
      list: ['http://***@h'],
    });
    expect(scrubSecrets('HTTP 401 from http://h/v1?key=sk-6 with sk-7', ['sk-7'])).toBe(
      'HTTP 401 from http://h/v1?key=*** with [redacted]',
    );
  });
});
