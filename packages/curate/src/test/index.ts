// Test doubles: a loopback stand-in for the Hugging Face Hub.
export { type FakeHub, type FakeHubRequest, startFakeHub } from './fake-hub.js';
