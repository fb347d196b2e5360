// Intake's google.endpoints configuration pointing at a running fake Google: shared by the
// demo, the tests and the benchmarks, so they cannot drift apart.
import type { FakeGoogle } from './fake-google/index.js';

export function intakeEndpointsFor(fake: FakeGoogle) {
  return {
    authUrl: fake.endpoints.oauth2AuthBaseUrl,
    tokenUrl: fake.endpoints.oauth2TokenUrl,
    revokeUrl: fake.endpoints.oauth2RevokeUrl,
    tokenInfoUrl: fake.endpoints.tokenInfoUrl,
    userInfoUrl: fake.userInfoUrl,
    gmailRootUrl: fake.gmailRootUrl,
    pushCertsUrl: fake.endpoints.oauth2FederatedSignonPemCertsUrl,
  };
}
