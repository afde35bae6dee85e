import type { z } from 'zod';

/** The first issue of a zod error as a dotted field path and a message. */
export function formatZodError(error: z.ZodError): { path: string; message: string } {
  const issue = error.issues[0];
  if (!issue) return { path: '', message: 'invalid value' };
  const path = issue.path
    .map((part, index) =>
      typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`,
    )
    .join('');
  return { path, message: issue.message };
}
