export { cosine, PARAPHRASE_PROBE } from './paraphrase-probe.js';
export { ScriptedChatModel, type ScriptedReply } from './scripted-chat-model.js';
