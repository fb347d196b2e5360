// The shape of Intake's configuration: one zod schema, strict at every level so a typo
// is an error rather than a silently ignored key. Defaults live in config/default.json.
import { z } from 'zod';
// A part that owns tunable behaviour owns its option schema; config composes them.
import { spamConfigSchema } from '../spam/spam-options.js';
import { guardConfigSchema, htmlConfigSchema, threadingConfigSchema } from '../ingest/mail-options.js';
import { trustProxySchema } from './trust-proxy.js';

const url = z.url({ message: 'expected an absolute URL such as https://host/path' });
const port = z.number().int().min(0).max(65535);
const positiveInt = z.number().int().positive();
const cidr = z.string().regex(/^[0-9a-fA-F.:]+(\/\d{1,3})?$/, 'expected an IP address or CIDR such as 10.0.0.0/8');

export const configSchema = z.strictObject({
  dataDir: z.string().min(1),
  database: z.strictObject({ file: z.string() }),
  log: z.strictObject({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) }),
  http: z.strictObject({
    host: z.string().min(1),
    port,
    publicUrl: z.union([z.literal(''), url]),
    trustProxy: trustProxySchema,
    allowlist: z.array(cidr),
    apiRequestsPerTurn: positiveInt,
    apiMaxWaiting: positiveInt,
    tls: z.strictObject({ certFile: z.string(), keyFile: z.string(), redirectHttpPort: port }),
  }),
  google: z.strictObject({
    clientId: z.string(),
    labelImported: z.boolean(),
    /** The Gmail label imported mail gets when labelImported is on (created if missing). */
    importedLabelName: z.string().min(1).max(225),
    requestTimeoutMs: positiveInt,
    // Quota regime and pacing (issue 16): see README "Gmail quota".
    quotaRegime: z.enum(['current', 'legacy']),
    quotaWindowMs: z.number().int().min(1000).max(60_000),
    maxInFlightPerUser: z.number().int().min(1).max(50),
    endpoints: z.strictObject({
      authUrl: url,
      tokenUrl: url,
      revokeUrl: url,
      tokenInfoUrl: url,
      userInfoUrl: url,
      gmailRootUrl: url,
      /** Google's signing certificates (PEM by key id) that Pub/Sub push tokens are checked against. */
      pushCertsUrl: url,
    }),
    // Gmail push (issue 16): users.watch per mailbox, POST /push/gmail; see README "Gmail push".
    push: z
      .strictObject({
        enabled: z.boolean(),
        topicName: z.union([
          z.literal(''),
          z.string().regex(/^projects\/[^/]+\/topics\/[^/]+$/, 'expected projects/<project>/topics/<topic>'),
        ]),
        /** The push subscription's OIDC audience ('' accepts only the shared secret). */
        audience: z.string(),
        /** The service account the subscription pushes as ('' accepts any Google-verified sender). */
        serviceAccountEmail: z.string(),
        renewBeforeSeconds: z.number().int().min(1),
      })
      .refine((p) => !p.enabled || p.topicName !== '', { message: 'required when google.push.enabled is true', path: ['topicName'] }),
  }),
  sync: z.strictObject({
    pollIntervalSeconds: z.number().positive(),
    pageSize: z.number().int().min(1).max(500),
    concurrency: positiveInt,
    enqueueTimeoutMs: positiveInt,
    // What is fetched and the first import (issue 16): see README "Backfill and what is fetched".
    backfill: z.string().regex(/^(all|none|days:[1-9]\d{0,4})$/, 'expected "all", "none" or "days:N" such as "days:30"'),
    previewFirst: z.boolean(),
    previewSample: z.number().int().min(0).max(500),
    labels: z.array(z.string().min(1)).min(1),
    spamLabel: z.enum(['skip', 'judge']),
  }),
  // The IMAP source (issue 16): Gmail's IMAP server for mailboxes connected with source "imap"
  // (XOAUTH2), and what every IMAP connection uses. Password mailboxes name their own server.
  imap: z.strictObject({
    gmail: z.strictObject({ host: z.string().min(1), port, security: z.enum(['tls', 'starttls', 'plain']) }),
    folder: z.string().min(1),
    timeoutMs: positiveInt,
    /** RFC 2177: servers may drop an IDLE after 30 minutes; renew it before. */
    idleRenewSeconds: z.number().int().min(10).max(1740),
    allowSelfSigned: z.boolean(),
  }),
  queue: z.strictObject({
    driver: z.enum(['embedded', 'bullmq']),
    concurrency: positiveInt,
    maxAttempts: positiveInt,
    backoffMs: positiveInt,
    maxBackoffMs: positiveInt,
    leaseSeconds: positiveInt,
    pollMs: positiveInt,
    keepCompletedSeconds: positiveInt,
    pruneIntervalSeconds: positiveInt,
    // bullmq driver (issue 17): where Redis is, its key prefix, how many completed jobs it keeps,
    // how long one Redis command may take, the scheduler lock's lease and the worker role's port.
    redisUrl: z.string(),
    redisPrefix: z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only'),
    keepCompletedCount: positiveInt,
    redisCommandTimeoutMs: positiveInt,
    schedulerLeaseSeconds: positiveInt,
    workerPort: z.number().int().min(0).max(65535),
  }),
  ingest: z.strictObject({
    maxMessageBytes: positiveInt,
    maxAttachmentBytes: positiveInt,
    // Parse + classify off the event loop: "auto" (config/worker-threads.ts), a count, or 0 (on the main thread).
    // A count given in the environment arrives as a string, hence the coercion.
    workerThreads: z.union([z.literal('auto'), z.coerce.number().int().min(0).max(64)]),
    workerMaxHeapMb: positiveInt,
    parseTimeoutMs: positiveInt,
    workerIdleSeconds: positiveInt,
  }),
  shutdown: z.strictObject({ deadlineMs: positiveInt }),
  spam: spamConfigSchema.strict(),
  threading: threadingConfigSchema,
  guard: guardConfigSchema,
  html: htmlConfigSchema,
  // Days after which each kind of data is purged (0: kept until deleted by hand); see docs/privacy.md.
  retention: z.strictObject({
    quarantineDays: z.number().positive(),
    closedTicketDays: z.number().min(0),
    suppressedDays: z.number().min(0),
    auditDays: z.number().min(0),
    disconnectedMailboxGraceDays: z.number().min(0),
    intervalHours: z.number().positive(),
  }),
  // Encrypted online backups (`intake backup`); an empty dir turns the scheduled backup off.
  backup: z.strictObject({ dir: z.string(), intervalHours: z.number().positive(), keep: positiveInt }),
  privacy: z.strictObject({ logAddresses: z.enum(['hash', 'redact', 'clear']) }),
  auth: z.strictObject({
    sessionIdleMinutes: z.number().positive(),
    sessionAbsoluteHours: z.number().positive(),
    maxFailedLogins: positiveInt,
    lockoutMinutes: z.number().positive(),
    ipMaxFailures: positiveInt,
    ipWindowMinutes: z.number().positive(),
  }),
  webhooks: z.strictObject({
    allowInsecureLoopback: z.boolean(),
    allowPrivateNetworks: z.boolean(),
    allowLinkLocal: z.boolean(),
    maxRetryHours: z.number().positive(),
    requestTimeoutMs: positiveInt,
    concurrency: positiveInt,
    dispatchIntervalMs: positiveInt,
  }),
  secrets: z.strictObject({
    secretKey: z.string().optional(),
    googleClientSecret: z.string().optional(),
    apiToken: z.string().optional(),
    adminPassword: z.string().optional(),
    redisPassword: z.string().optional(),
    backupKey: z.string().optional(),
    /** google.push's shared secret (the ?token= of the push endpoint URL); from INTAKE_GOOGLE_PUSH_SHARED_SECRET. */
    googlePushSharedSecret: z.string().min(16).optional(),
    /** Shared by the store host and `intake worker --remote` processes; from INTAKE_WORKER_KEY. */
    workerKey: z.string().optional(),
  }),
});

export type Config = z.infer<typeof configSchema>;

/** Secret values come only from the environment (or *_FILE), never from JSON files. */
export const SECRET_ENV = {
  INTAKE_SECRET_KEY: 'secretKey',
  INTAKE_GOOGLE_CLIENT_SECRET: 'googleClientSecret',
  INTAKE_API_TOKEN: 'apiToken',
  INTAKE_ADMIN_PASSWORD: 'adminPassword',
  INTAKE_REDIS_PASSWORD: 'redisPassword',
  INTAKE_BACKUP_KEY: 'backupKey',
  INTAKE_GOOGLE_PUSH_SHARED_SECRET: 'googlePushSharedSecret',
  INTAKE_WORKER_KEY: 'workerKey',
} as const satisfies Record<string, keyof Config['secrets']>;
