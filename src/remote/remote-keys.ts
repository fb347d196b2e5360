// The Redis keys through which a remote worker (`intake worker --remote`) and the store host
// talk: access tokens, token requests and their replies, and the spam model snapshot. All
// under the installation's queue.redisPrefix, beside BullMQ's own keys.
export interface RemoteKeys {
  /** The sealed access token of one mailbox, expiring a minute before the token does. */
  token(mailboxId: number): string;
  /** The list of token requests the store host's broker pops. */
  tokenRequests: string;
  /** One worker's list of replies. */
  replies(workerId: string): string;
  /** The gzipped model snapshot and, set in the same MULTI, its generation. */
  model: string;
  modelGeneration: string;
}

export function remoteKeys(prefix: string): RemoteKeys {
  return {
    token: (mailboxId) => `${prefix}:remote:token:${mailboxId}`,
    tokenRequests: `${prefix}:remote:token-requests`,
    replies: (workerId) => `${prefix}:remote:replies:${workerId}`,
    model: `${prefix}:remote:spam-model`,
    modelGeneration: `${prefix}:remote:spam-generation`,
  };
}

/** What a worker asks the store host for. */
export interface TokenRequest {
  id: string;
  mailboxId: number;
  /** The worker's token was refused: mint a new one even if the current one has not expired. */
  force: boolean;
  replyTo: string;
}

/**
 * The store host's answer: a sealed token; "local" for a mailbox a remote worker cannot fetch
 * (IMAP: its password or connection stays on the store host, so the job is committed there
 * whole); "parked" for one awaiting re-consent; "gone" when no such mailbox is connected.
 */
export type TokenReply =
  | { id: string; kind: 'token'; sealed: string }
  | { id: string; kind: 'local' | 'parked' | 'gone' }
  | { id: string; kind: 'error'; code: string; message: string; retryable: boolean };

/** The sealed payload of a token reply and of the token key. */
export interface AccessGrant {
  token: string;
  expiresAt: number;
}
