import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { StructuredOutputError } from '../errors/structured-output-error.js';
import type { ChatMessage } from '../spec/chat-model.js';
import { ScriptedChatModel } from '../test/scripted-chat-model.js';
import { generateObject } from './generate-object.js';

const schema = z.object({ colour: z.string(), count: z.number().int() });
const messages: ChatMessage[] = [{ role: 'user', content: 'Name a colour and a count.' }];

function ask(model: ScriptedChatModel, maxRepairs?: number) {
  return generateObject({
    generate: (options) => model.doGenerate(options),
    schema,
    schemaName: 'colour_count',
    messages,
    callKey: 'node-1',
    ...(maxRepairs !== undefined ? { maxRepairs } : {}),
  });
}

describe('generateObject', () => {
  it('sends the schema as response_format and returns the parsed object from one call', async () => {
    const model = new ScriptedChatModel(() => ({ colour: 'red', count: 3 }));
    expect(await ask(model)).toEqual({ object: { colour: 'red', count: 3 }, calls: 1 });
    const call = model.calls[0]!;
    expect(call.responseFormat).toMatchObject({ type: 'json_schema', name: 'colour_count', strict: true });
    expect(call.responseFormat?.schema).toMatchObject({ type: 'object', required: ['colour', 'count'] });
    expect(call.callKey).toBe('node-1');
  });

  it('accepts JSON wrapped in prose or a Markdown fence, with a trailing comma', async () => {
    const replies = [
      'Sure! Here it is: {"colour": "blue", "count": 2} Hope that helps.',
      '```json\n{"colour": "green", "count": 5,}\n```',
    ];
    for (const reply of replies) {
      const model = new ScriptedChatModel(() => reply);
      expect((await ask(model)).calls).toBe(1);
    }
  });

  it('asks again, with its answer and what was wrong, and returns the repaired object', async () => {
    const model = new ScriptedChatModel((_, call) =>
      call === 0 ? { colour: 'red', count: 'three' } : { colour: 'red', count: 3 },
    );
    expect(await ask(model)).toEqual({ object: { colour: 'red', count: 3 }, calls: 2 });
    const repair = model.calls[1]!;
    expect(repair.callKey).toBe('node-1#repair1');
    expect(repair.messages.slice(0, 1)).toEqual(messages);
    expect(repair.messages[1]).toEqual({ role: 'assistant', content: '{"colour":"red","count":"three"}' });
    expect(repair.messages[2]!.content).toMatch(/^That reply could not be used: count: .*number/);
  });

  it('stops after maxRepairs extra calls with a StructuredOutputError naming the schema and the reason', async () => {
    for (const maxRepairs of [0, 1, 3]) {
      const model = new ScriptedChatModel(() => 'I would rather not.');
      const error = await ask(model, maxRepairs).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(StructuredOutputError);
      expect((error as StructuredOutputError).attempts).toBe(maxRepairs + 1);
      expect((error as Error).message).toBe(
        `colour_count: no valid answer after ${maxRepairs + 1} attempt(s): the reply held no JSON`,
      );
      expect(model.calls).toHaveLength(maxRepairs + 1);
    }
  });

  it('says the reply was cut off when the endpoint stopped at the length limit', async () => {
    const model = new ScriptedChatModel(() => ({
      text: '{"colour": "re',
      usage: { promptTokens: 1, completionTokens: 1 },
      finishReason: 'length',
    }));
    await expect(ask(model, 0)).rejects.toThrow(/the reply was cut off \(length\)/);
  });
});
