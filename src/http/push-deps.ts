// What the Gmail push endpoint is handed by the daemon: the check of a push's credential;
// apart from the routes so http-deps.ts can name it without an import cycle.
import type { PushCredentials } from '../google/push-token-verifier.js';

export interface PushHttpDeps {
  /** True when the OIDC token or the shared secret proves the push; never throws. */
  verify: (credentials: PushCredentials) => Promise<boolean>;
}
