// The settings of threading, the machine-mail guard and HTML sanitising, as zod schemas the
// app config merges under `threading`, `guard` and `html`. The part that decides owns them.
import { z } from 'zod';

const allowOrSuppress = z.enum(['suppress', 'allow']);

export const threadingConfigSchema = z.strictObject({
  /** Same sender + same normalised subject joins a ticket within this many hours; 0 turns the rule off. */
  subjectWindowHours: z.number().min(0),
  /** How a ticket id appears in a subject; `{id}` is the number, e.g. "[#{id}]". */
  ticketTagFormat: z.string().regex(/\{id\}/, 'must contain {id}, e.g. "[#{id}]"'),
});

export const guardConfigSchema = z.strictObject({
  autoSubmitted: allowOrSuppress,
  /** Precedence: junk | auto_reply. */
  precedence: allowOrSuppress,
  autoResponseSuppress: allowOrSuppress,
  autoReplyHeader: allowOrSuppress,
  outOfOffice: allowOrSuppress,
  /**
   * List-Id, List-Unsubscribe, Precedence: bulk | list. Allowed by default: a support address
   * that is a Google Group or a list adds these to every customer's mail.
   */
  mailingList: allowOrSuppress,
  complaint: allowOrSuppress,
  systemSender: allowOrSuppress,
  ownAddress: allowOrSuppress,
  /** attach: a DSN goes onto the ticket of the message it reports on (suppressed when none is found). */
  bounce: z.enum(['attach', 'suppress', 'allow']),
  /** The loop breaker: more new tickets than this from one sender within the window are suppressed. */
  rateLimit: z.strictObject({ maxNewTicketsPerSender: z.number().int().positive(), windowMinutes: z.number().positive() }),
});

export const htmlConfigSchema = z.strictObject({
  /** false: remote images become a placeholder, so opening a ticket tells no tracker anything. */
  allowRemoteImages: z.boolean(),
});

export type ThreadingOptions = z.infer<typeof threadingConfigSchema>;
export type GuardOptions = z.infer<typeof guardConfigSchema>;
export type HtmlOptions = z.infer<typeof htmlConfigSchema>;

export interface MailHandlingOptions {
  threading: ThreadingOptions;
  guard: GuardOptions;
  html: HtmlOptions;
}

/** The shipped defaults (config/default.json holds the same values), for benches and tests built without a config. */
export function defaultMailHandling(): MailHandlingOptions {
  return {
    threading: { subjectWindowHours: 72, ticketTagFormat: '[#{id}]' },
    guard: {
      autoSubmitted: 'suppress',
      precedence: 'suppress',
      autoResponseSuppress: 'suppress',
      autoReplyHeader: 'suppress',
      outOfOffice: 'suppress',
      mailingList: 'allow',
      complaint: 'suppress',
      systemSender: 'suppress',
      ownAddress: 'suppress',
      bounce: 'attach',
      rateLimit: { maxNewTicketsPerSender: 5, windowMinutes: 60 },
    },
    html: { allowRemoteImages: false },
  };
}
