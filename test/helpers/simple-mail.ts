// Small, distinct RFC 822 messages for tests that need mail but not any particular mail.
export function simpleMail(n: number, to: string, subject = `Question ${n}`): string {
  return [
    `From: Customer ${n} <customer${n}@example.net>`,
    `To: ${to}`,
    `Subject: ${subject}`,
    `Message-ID: <q${n}-${Math.random().toString(36).slice(2)}@example.net>`,
    `Date: ${new Date().toUTCString()}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    `Hello, this is question number ${n}. Could you help me with my order?`,
    '',
  ].join('\r\n');
}
