export {
  type MockCall,
  MockChatModel,
  type MockChatModelOptions,
  type MockReply,
  mockApiError,
} from './mock-chat-model.js';
