// What the admin page and the token API need beyond the REST API's dependencies: the
// account, session and token stores, the login throttle and the cookie policy.
import type { AdminRepo } from '../../auth/admin-repo.js';
import type { SessionRepo } from '../../auth/session-repo.js';
import type { ApiTokenRepo } from '../../auth/api-token-repo.js';
import type { LoginThrottle } from '../../auth/login-throttle.js';
import type { AuthSettings } from '../../auth/sign-in.js';
import type { AuditRepo } from '../../store/audit-repo.js';
import type { CookiePolicy } from '../security/session-cookie.js';
import type { SubjectRefFn } from '../../crypto/subject-ref.js';

export interface AdminDeps {
  admins: AdminRepo;
  sessions: SessionRepo;
  tokens: ApiTokenRepo;
  throttle: LoginThrottle;
  settings: AuthSettings;
  audit: AuditRepo;
  cookies: CookiePolicy;
  /** Keyed hash for the audit log, so a failed sign-in is recorded without the client address in clear. */
  subjectRef: SubjectRefFn;
  /** Signs the sign-in form's CSRF nonce; derived from the secret key. */
  formKey: Buffer;
}
