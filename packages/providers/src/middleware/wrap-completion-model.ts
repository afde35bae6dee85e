import {
  type ChatModel,
  type ChatModelMiddleware,
  type CompletionCallOptions,
  type CompletionModel,
  wrapChatModel,
} from '@treesynth/core';

/** Suffix of the provider name under which completion calls pass through chat middleware. */
export const COMPLETION_PROVIDER_SUFFIX = '/completions';

/**
 * Wrap a completion model in the chat middleware (response cache, rate limits, retries) instead of a
 * second implementation of each: inside the stack a completion call travels as a one-message
 * conversation whose only message is the prompt, under the provider name `<provider>/completions`,
 * so it never shares a response-cache entry with a chat call of the same text. Stop sequences,
 * sampling parameters and the call key keep their own fields and enter the cache key as they do for chat.
 */
export function wrapCompletionModel(options: {
  model: CompletionModel;
  middleware: ChatModelMiddleware[];
}): CompletionModel {
  const { model } = options;
  const asChat: ChatModel = {
    specificationVersion: 'v1',
    provider: `${model.provider}${COMPLETION_PROVIDER_SUFFIX}`,
    modelId: model.modelId,
    doGenerate: ({ messages, responseFormat: _format, ...rest }) =>
      model.doComplete({ ...rest, prompt: messages[0]?.content ?? '' }),
  };
  const wrapped = wrapChatModel({ model: asChat, middleware: options.middleware });
  return {
    specificationVersion: 'v1',
    provider: model.provider,
    modelId: model.modelId,
    doComplete: ({ prompt, ...rest }: CompletionCallOptions) =>
      wrapped.doGenerate({ ...rest, messages: [{ role: 'user', content: prompt }] }),
  };
}
