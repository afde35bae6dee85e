import { type ChatMessage, parseTask, STAGE_SCHEMA_NAMES } from '@treesynth/core';
import { routePrompt, routeSchema, toJsonSchema } from '@treesynth/core/internal';
import { describe, expect, it } from 'vitest';
import { answerChatRequest } from './answer-request.js';
import {
  chooseRouteOption,
  INVALID_ROUTE_ANSWER,
  ROUTE_INVALID_MARKER,
  ROUTE_INVALID_ONCE_MARKER,
} from './route-answer.js';

const task = parseTask({
  name: 'notes',
  description: 'Short notes.',
  fields: [{ name: 'text', description: 'the note' }],
});

function routeBody(sample: string, options: string[], extra: ChatMessage[] = []) {
  return {
    model: 'test-model',
    temperature: 0,
    messages: [...routePrompt({ task, path: [], dimension: 'topic', options, sample }), ...extra],
    response_format: {
      type: 'json_schema',
      json_schema: { name: STAGE_SCHEMA_NAMES.route, schema: toJsonSchema(routeSchema), strict: true },
    },
  };
}

function answerOf(body: unknown): { stage: string; value: string } {
  const reply = answerChatRequest(body);
  if (reply.status !== 200) throw new Error(reply.error.error.message);
  return { stage: reply.stage, value: JSON.parse(reply.completion.choices[0]!.message.content).value };
}

describe('simulated route answers', () => {
  const options = ['Geometry', 'Number Theory', 'Counting & Probability'];

  it('picks the option whose words the sample shares, whole words first', () => {
    expect(chooseRouteOption('Find the area of the triangle (geometry).', options, 0)).toBe('Geometry');
    expect(chooseRouteOption('A number theory question: is 91 prime?', options, 0)).toBe('Number Theory');
    // 4-grams give partial credit to inflections: "probabilities" shares "<pro", "prob", "roba", …
    expect(chooseRouteOption('What are the probabilities of two heads?', options, 0)).toBe(
      'Counting & Probability',
    );
  });

  it('breaks ties by hash: deterministic, and not always the first option', () => {
    const picks = Array.from({ length: 40 }, (_, index) => chooseRouteOption(`note ${index}`, options, 0));
    expect(picks).toEqual(
      Array.from({ length: 40 }, (_, index) => chooseRouteOption(`note ${index}`, options, 0)),
    );
    expect(new Set(picks).size).toBe(3);
  });

  it('answers a route request recognised by its schema name, reading the sample to the end', () => {
    // A sample line that looks like a heading must not cut the sample short.
    const reply = answerOf(routeBody('Intro\n# Notes\nthe number theory of 91', options));
    expect(reply).toEqual({ stage: 'route', value: 'Number Theory' });
  });

  it('answers no option on a marker: always, or only before the first retry', () => {
    expect(answerOf(routeBody(`geometry ${ROUTE_INVALID_MARKER}`, options)).value).toBe(INVALID_ROUTE_ANSWER);
    const once = `geometry ${ROUTE_INVALID_ONCE_MARKER}`;
    expect(answerOf(routeBody(once, options)).value).toBe(INVALID_ROUTE_ANSWER);
    const retry = [
      { role: 'assistant' as const, content: JSON.stringify({ value: INVALID_ROUTE_ANSWER }) },
      { role: 'user' as const, content: 'That is not an option. Answer again.' },
    ];
    expect(answerOf(routeBody(once, options, retry)).value).toBe('Geometry');
    expect(answerOf(routeBody(`geometry ${ROUTE_INVALID_MARKER}`, options, retry)).value).toBe(
      INVALID_ROUTE_ANSWER,
    );
  });
});
