/**
 * Turning a model's reply into a program, for HumanEval and MBPP. The rules are the same for chat
 * and completion replies (the scorer is not told which mode produced the text); docs/sandbox.md
 * lists them with examples.
 */

/** Stop sequences for completion models on HumanEval: the end of the function's body. */
export const HUMANEVAL_STOP_SEQUENCES: readonly string[] = [
  '\nclass',
  '\ndef',
  '\n#',
  '\nif __name__',
  '\nprint(',
];

/** The MBPP few-shot format closes each solution with this marker. */
export const MBPP_END_MARKER = '[DONE]';
export const MBPP_BEGIN_MARKER = '[BEGIN]';

const FENCE = /```[ \t]*([\w+-]*)[^\n]*\n([\s\S]*?)(?:```|$)/g;

/**
 * The code in a reply: the first fenced block tagged python (or py, python3), else the first fenced
 * block; a fence that is never closed runs to the end of the reply. null when there is no fence.
 */
export function extractCodeBlock(reply: string): string | null {
  let first: string | null = null;
  for (const match of reply.matchAll(FENCE)) {
    const language = (match[1] ?? '').toLowerCase();
    const code = match[2] ?? '';
    if (language === 'python' || language === 'py' || language === 'python3') return code;
    first ??= code;
  }
  return first;
}

/** The text before the earliest of the stop sequences (all of it when none occurs). */
export function truncateAtStop(text: string, stops: readonly string[]): string {
  let end = text.length;
  for (const stop of stops) {
    const index = text.indexOf(stop);
    if (index >= 0 && index < end) end = index;
  }
  return text.slice(0, end);
}

function definesAtTopLevel(code: string, name: string): boolean {
  return new RegExp(`^(?:async\\s+)?def\\s+${escapeRegExp(name)}\\s*\\(`, 'm').test(code);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * HumanEval: the program text up to the tests (the prompt with the model's code).
 * 1. A fenced block, if any, is the code; otherwise the whole reply.
 * 2. Code that defines the entry point at the top level is a whole function (the model repeated
 *    the signature or the prompt): it goes after the prompt, whose own `def` has the docstring as
 *    its body and is replaced by the model's; an `if __name__` block after it is cut.
 * 3. Otherwise the code is the function's body: cut at the first stop sequence (a completion
 *    model's next top-level statement); a body whose first line is not indented is indented by
 *    four spaces (a chat model that wrote the body flush left); it goes right after the prompt.
 */
export function humanEvalSolution(prompt: string, entryPoint: string, reply: string): string {
  const code = extractCodeBlock(reply) ?? reply;
  if (definesAtTopLevel(code, entryPoint)) {
    return `${prompt}\n${truncateAtStop(code, ['\nif __name__'])}`;
  }
  let body = truncateAtStop(code, HUMANEVAL_STOP_SEQUENCES);
  const firstLine = body.split('\n').find((line) => line.trim() !== '') ?? '';
  if (firstLine !== '' && !/^\s/.test(firstLine)) {
    body = body
      .split('\n')
      .map((line) => (line.trim() === '' ? line : `    ${line}`))
      .join('\n');
  }
  return `${prompt}${body}`;
}

/**
 * MBPP: the solution's code.
 * 1. Text after a `[BEGIN]` marker and before a `[DONE]` marker (the few-shot format), if present.
 * 2. A fenced block, if any, is the code; otherwise the text itself.
 * 3. An `if __name__` block is cut.
 */
export function mbppSolution(reply: string): string {
  let text = truncateAtStop(reply, [MBPP_END_MARKER]);
  const begin = text.indexOf(MBPP_BEGIN_MARKER);
  if (begin >= 0) text = text.slice(begin + MBPP_BEGIN_MARKER.length);
  const code = extractCodeBlock(text) ?? text;
  return truncateAtStop(code, ['\nif __name__']).trim();
}
