export { cosine, PARAPHRASE_PROBE } from './paraphrase-probe.js';
export {
  ScriptedChatModel,
  type ScriptedChatModelOptions,
  type ScriptedReply,
  type ScriptedReplyFunction,
  scriptedApiError,
} from './scripted-chat-model.js';
