// Google OAuth for mailboxes: the consent URL (PKCE S256, offline, forced consent), the code
// exchange, access-token refresh clients and revocation. Access tokens stay in memory.
import { OAuth2Client, CodeChallengeMethod } from 'google-auth-library';
import { IntakeError } from '../errors/intake-error.js';
import { classifyGoogleError, httpStatusOf } from './classify-google-error.js';
import { normaliseScopes } from './scopes.js';

export interface GoogleEndpoints {
  authUrl: string;
  tokenUrl: string;
  revokeUrl: string;
  tokenInfoUrl: string;
  userInfoUrl: string;
  gmailRootUrl: string;
}

export interface GoogleSettings {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  endpoints: GoogleEndpoints;
  requestTimeoutMs: number;
}

export interface ConsentRequest {
  scopes: string[];
  state: string;
  loginHint?: string;
}

export interface ExchangedGrant {
  email: string;
  refreshToken: string | null;
  grantedScopes: string[];
}

export class GoogleOAuth {
  readonly settings: GoogleSettings;

  constructor(settings: GoogleSettings) {
    this.settings = settings;
  }

  newClient(): OAuth2Client {
    const { clientId, clientSecret, redirectUri, endpoints } = this.settings;
    return new OAuth2Client({
      clientId,
      clientSecret,
      redirectUri,
      // Without it a server-side revoked access token with a known expiry is never retried.
      forceRefreshOnFailure: true,
      endpoints: {
        oauth2AuthBaseUrl: endpoints.authUrl,
        oauth2TokenUrl: endpoints.tokenUrl,
        oauth2RevokeUrl: endpoints.revokeUrl,
        tokenInfoUrl: endpoints.tokenInfoUrl,
      },
    });
  }

  async consentUrl(request: ConsentRequest): Promise<{ url: string; codeVerifier: string }> {
    const client = this.newClient();
    const { codeVerifier, codeChallenge } = await client.generateCodeVerifierAsync();
    const url = client.generateAuthUrl({
      access_type: 'offline',
      prompt: 'consent',
      include_granted_scopes: true,
      scope: request.scopes,
      state: request.state,
      code_challenge: codeChallenge,
      code_challenge_method: CodeChallengeMethod.S256,
      ...(request.loginHint ? { login_hint: request.loginHint } : {}),
    });
    return { url, codeVerifier };
  }

  async exchangeCode(code: string, codeVerifier: string): Promise<ExchangedGrant> {
    const client = this.newClient();
    let tokens;
    try {
      ({ tokens } = await client.getToken({ code, codeVerifier }));
    } catch (err) {
      const status = httpStatusOf(err);
      if (status !== undefined && status < 500) {
        throw new IntakeError('INTAKE_ERR_OAUTH_EXCHANGE', 'Google refused the authorization code', false, { cause: err });
      }
      throw classifyGoogleError(err);
    }
    const grantedScopes = normaliseScopes(tokens.scope ?? '');
    const email = emailFromIdToken(tokens.id_token) ?? (await this.userInfoEmail(client, tokens.access_token));
    return { email: email.toLowerCase(), refreshToken: tokens.refresh_token ?? null, grantedScopes };
  }

  /** A client that refreshes access tokens from the stored refresh token, in memory only. */
  clientFor(refreshToken: string): OAuth2Client {
    const client = this.newClient();
    client.setCredentials({ refresh_token: refreshToken });
    return client;
  }

  /** 'already_gone' when Google says the token is invalid: for deletion that is success. */
  async revoke(refreshToken: string): Promise<'revoked' | 'already_gone'> {
    const client = this.newClient();
    try {
      await client.revokeToken(refreshToken);
      return 'revoked';
    } catch (err) {
      const status = httpStatusOf(err);
      if (status === 400) return 'already_gone';
      throw classifyGoogleError(err);
    }
  }

  private async userInfoEmail(client: OAuth2Client, accessToken: string | null | undefined): Promise<string> {
    if (!accessToken) throw new IntakeError('INTAKE_ERR_OAUTH_EXCHANGE', 'Google returned no access token');
    const res = await client.request<{ email?: string }>({
      url: this.settings.endpoints.userInfoUrl,
      timeout: this.settings.requestTimeoutMs,
    });
    if (!res.data.email) {
      throw new IntakeError('INTAKE_ERR_AUTH_SCOPE', 'Google did not share the address; the email scope was not granted');
    }
    return res.data.email;
  }
}

/**
 * The id_token came straight from Google's token endpoint over TLS, so per OpenID Connect
 * (3.1.3.7) its signature need not be checked again; we only read the claims.
 */
function emailFromIdToken(idToken: string | null | undefined): string | undefined {
  const payload = idToken?.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { email?: unknown };
    return typeof claims.email === 'string' ? claims.email : undefined;
  } catch {
    return undefined;
  }
}
