import type { ChatCallOptions, ChatModel, ChatResult } from '../spec/chat-model.js';

export type ScriptedReply = string | ChatResult;

/**
 * A chat model for tests: `reply` decides each answer from the call options; every call is recorded.
 * Objects are serialised to JSON text. Throwing from `reply` makes the call fail.
 */
export class ScriptedChatModel implements ChatModel {
  readonly specificationVersion = 'v1' as const;
  readonly provider = 'scripted';
  readonly calls: ChatCallOptions[] = [];

  constructor(
    private readonly reply: (
      options: ChatCallOptions,
      callNumber: number,
    ) => ScriptedReply | object | Promise<ScriptedReply | object>,
    readonly modelId = 'scripted-model',
  ) {}

  async doGenerate(options: ChatCallOptions): Promise<ChatResult> {
    this.calls.push(options);
    const answer = await this.reply(options, this.calls.length - 1);
    if (typeof answer === 'string')
      return { text: answer, usage: { promptTokens: 10, completionTokens: 10 } };
    if (isChatResult(answer)) return answer;
    return { text: JSON.stringify(answer), usage: { promptTokens: 10, completionTokens: 10 } };
  }

  /** The calls of one stage (by the schema name of their response format). */
  callsFor(schemaName: string): ChatCallOptions[] {
    return this.calls.filter((call) => call.responseFormat?.name === schemaName);
  }
}

function isChatResult(value: object): value is ChatResult {
  return 'text' in value && 'usage' in value && typeof (value as ChatResult).text === 'string';
}
