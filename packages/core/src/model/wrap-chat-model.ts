import type { ChatCallOptions, ChatModel, ChatModelMiddleware, ChatResult } from '../spec/chat-model.js';

/**
 * Wrap a chat model in middleware. The first middleware is the outermost:
 * `wrapChatModel({ model, middleware: [cache(), retry()] })` consults the cache before retrying.
 */
export function wrapChatModel(options: { model: ChatModel; middleware: ChatModelMiddleware[] }): ChatModel {
  const { model } = options;
  let doGenerate = (callOptions: ChatCallOptions): Promise<ChatResult> => model.doGenerate(callOptions);
  for (const middleware of [...options.middleware].reverse()) {
    const inner = doGenerate;
    doGenerate = async (callOptions) => {
      const transformed = middleware.transformOptions
        ? await middleware.transformOptions(callOptions)
        : callOptions;
      return middleware.wrapGenerate
        ? middleware.wrapGenerate({ doGenerate: inner, options: transformed, model })
        : inner(transformed);
    };
  }
  return {
    specificationVersion: 'v1',
    provider: model.provider,
    modelId: model.modelId,
    doGenerate,
  };
}
