// The ordered list of erase steps, one module per table family. A part that adds a table
// holding personal data adds its step here (before `contacts`, after what it references).
// Queued jobs are not a step: the queue may be Redis, so erase-subject.ts sweeps it around
// the transaction (erase/subject-jobs-sweep.ts).
import type { EraseStep } from './erase-step.js';
import { spamLearningStep } from './steps/spam-learning-step.js';
import { outboxStep } from './steps/outbox-step.js';
import { attachmentsStep } from './steps/attachments-step.js';
import { messagesStep } from './steps/messages-step.js';
import { ticketsStep } from './steps/tickets-step.js';
import { quarantineStep } from './steps/quarantine-step.js';
import { eventMentionsStep, mentionsStep } from './steps/mentions-step.js';
import { contactsStep } from './steps/contacts-step.js';
import { suppressedStep } from './steps/suppressed-step.js';
import { poisonStep } from './steps/poison-step.js';

export const ERASE_STEPS: readonly EraseStep[] = [
  // Reads rows the later steps delete: first.
  spamLearningStep,
  outboxStep,
  attachmentsStep,
  messagesStep,
  ticketsStep,
  quarantineStep,
  suppressedStep,
  poisonStep,
  // Add steps for new tables here (webhook deliveries when they land).
  mentionsStep,
  eventMentionsStep,
  contactsStep,
];
