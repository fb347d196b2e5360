// How an IMAP connection of a Gmail mailbox logs in: XOAUTH2 with an access token minted
// from the mailbox's sealed refresh token (scope https://mail.google.com/). The token is asked
// for at every connect, so google-auth-library refreshes it only when it has expired; a token
// endpoint answer such as invalid_grant is classified as for the Gmail API (a revoked grant
// pauses the mailbox).
import type { OAuth2Client } from 'google-auth-library';
import { classifyGoogleError } from '../google/classify-google-error.js';
import type { ImapLogin } from '../sources/imap-source.js';

export function xoauth2Login(address: string, client: OAuth2Client): () => Promise<ImapLogin> {
  return async () => {
    let token: string | null | undefined;
    try {
      token = (await client.getAccessToken()).token;
    } catch (err) {
      throw classifyGoogleError(err);
    }
    if (!token) throw classifyGoogleError(new Error('the token endpoint returned no access token'));
    return { user: address, accessToken: token };
  };
}
