import { describe, expect, it } from 'vitest';
import { extractCodeBlock, humanEvalSolution, mbppSolution, truncateAtStop } from './code-completion.js';

const PROMPT = 'from typing import List\n\n\ndef add(a: int, b: int) -> int:\n    """Add two numbers."""\n';

describe('extractCodeBlock', () => {
  it('prefers the first python block over an earlier untagged one', () => {
    const reply = 'Shell:\n```\npip install x\n```\nCode:\n```python\nx = 1\n```\n```python\ny = 2\n```';
    expect(extractCodeBlock(reply)).toBe('x = 1\n');
  });

  it('takes the first block when none is tagged python, and accepts py and python3', () => {
    expect(extractCodeBlock('```\na = 1\n```\n```js\nb\n```')).toBe('a = 1\n');
    expect(extractCodeBlock('```py\nc = 3\n```')).toBe('c = 3\n');
    expect(extractCodeBlock('```Python3\nd = 4\n```')).toBe('d = 4\n');
  });

  it('runs an unclosed fence to the end of the reply, and is null without a fence', () => {
    expect(extractCodeBlock('Here:\n```python\ndef f():\n    return 1\n')).toBe('def f():\n    return 1\n');
    expect(extractCodeBlock('no code here')).toBeNull();
  });
});

describe('truncateAtStop', () => {
  it('cuts at the earliest stop sequence, and keeps everything when none occurs', () => {
    expect(truncateAtStop('a\n#b\ndef c', ['\ndef', '\n#'])).toBe('a');
    expect(truncateAtStop('abc', ['\ndef'])).toBe('abc');
  });
});

describe('humanEvalSolution', () => {
  it('appends a completion model body to the prompt, cut at the stop sequences', () => {
    for (const tail of [
      '\ndef helper():\n    pass',
      '\nclass X: pass',
      '\n# test',
      '\nif __name__ == "__main__":',
      '\nprint(add(1, 2))',
    ]) {
      expect(humanEvalSolution(PROMPT, 'add', `    return a + b\n${tail}`)).toBe(
        `${PROMPT}    return a + b\n`,
      );
    }
  });

  it('keeps indented comments and nested definitions inside the body', () => {
    const body = '    # sum them\n    def inner(x):\n        return x\n    return inner(a) + b\n';
    expect(humanEvalSolution(PROMPT, 'add', body)).toBe(`${PROMPT}${body}`);
  });

  it('takes the code from a chat reply fence', () => {
    const reply = 'Sure! Here is the body:\n```python\n    return a + b\n```\nThis adds them.';
    expect(humanEvalSolution(PROMPT, 'add', reply)).toBe(`${PROMPT}    return a + b\n`);
  });

  it('uses a whole function (signature repeated) in place of the prompt body', () => {
    const reply = '```python\ndef add(a: int, b: int) -> int:\n    return a + b\n```';
    expect(humanEvalSolution(PROMPT, 'add', reply)).toBe(
      `${PROMPT}\ndef add(a: int, b: int) -> int:\n    return a + b\n`,
    );
  });

  it('uses a repeated prompt (imports, helpers, def) as a whole function, cutting a __main__ block', () => {
    const reply = `\`\`\`python\n${PROMPT}    return a + b\n\nif __name__ == "__main__":\n    print(add(input(), 1))\n\`\`\``;
    expect(humanEvalSolution(PROMPT, 'add', reply)).toBe(`${PROMPT}\n${PROMPT}    return a + b\n`);
  });

  it('recognises an async def and ignores a def of another name', () => {
    expect(humanEvalSolution(PROMPT, 'add', 'async def add(a, b):\n    return a + b')).toContain(
      '\nasync def add(',
    );
    const other = humanEvalSolution(
      PROMPT,
      'add',
      '    return adder(a, b)\ndef adder(a, b):\n    return a + b',
    );
    expect(other).toBe(`${PROMPT}    return adder(a, b)`);
  });

  it('indents a body written flush left', () => {
    const reply = '```python\ntotal = a + b\n\nreturn total\n```';
    expect(humanEvalSolution(PROMPT, 'add', reply)).toBe(`${PROMPT}    total = a + b\n\n    return total\n`);
  });
});

describe('mbppSolution', () => {
  it('takes the code between [BEGIN] and [DONE]', () => {
    expect(mbppSolution('[BEGIN]\ndef f(x):\n    return x\n[DONE]\nTask: next')).toBe(
      'def f(x):\n    return x',
    );
    expect(mbppSolution('def f(x):\n    return x\n[DONE]')).toBe('def f(x):\n    return x');
  });

  it('takes the code from a fence, and cuts a __main__ block', () => {
    const reply = 'Here:\n```python\ndef f(x):\n    return x\n\nif __name__ == "__main__":\n    f(1)\n```';
    expect(mbppSolution(reply)).toBe('def f(x):\n    return x');
  });

  it('keeps a plain reply as it is, trimmed', () => {
    expect(mbppSolution('\nimport math\ndef f(x):\n    return math.sqrt(x)\n\n')).toBe(
      'import math\ndef f(x):\n    return math.sqrt(x)',
    );
  });
});
