// Public entry of the fake Google (OAuth 2.0 + Gmail API v1 on 127.0.0.1) used by
// tests, benchmarks and the demo. Production code never imports this folder.
export type {
  DeliveredMessage,
  DeliverOptions,
  FakeClient,
  FakeEndpoints,
  FakeFault,
  FakeGoogle,
  FakeGoogleOptions,
  FakePushRecord,
  FakePushSubscription,
  FakeWatch,
} from './types.js';
export { DEFAULT_CLIENT, startFakeGoogle } from './fake-google.js';
export { SCOPE } from './scopes.js';
export { QUOTA_UNITS } from './quota.js';
