import { describe, expect, it } from 'vitest';
import { AbortedError } from './abort-error.js';
import { ApiCallError } from './api-call-error.js';
import { ConfigError } from './config-error.js';
import { StructuredOutputError } from './structured-output-error.js';
import { TreeSynthError } from './treesynth-error.js';

describe('isInstance', () => {
  it('tells the classes apart, and works on plain copies (duplicated installs)', () => {
    const api = new ApiCallError({ message: 'x', isRetryable: true });
    expect(TreeSynthError.isInstance(api)).toBe(true);
    expect(ApiCallError.isInstance(api)).toBe(true);
    expect(StructuredOutputError.isInstance(api)).toBe(false);
    expect(AbortedError.isInstance(api)).toBe(false);
    expect(ConfigError.isInstance(new ConfigError({ path: 'a', message: 'b' }))).toBe(true);
    expect(TreeSynthError.isInstance(new Error('plain'))).toBe(false);
    // An error from another copy of the package: same marker, different class object.
    const foreign = Object.assign(new Error('foreign'), {
      name: 'ApiCallError',
      [Symbol.for('treesynth.error')]: true,
    });
    expect(ApiCallError.isInstance(foreign)).toBe(true);
  });
});
