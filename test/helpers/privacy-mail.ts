// Fixed, distinctive messages for the privacy tests: each body line and attachment line is
// unique, so a byte scan can tell whose mail survived. No randomness: the same mail gives
// the same spam features in two installations.
export interface SeedMail {
  raw: string;
  from: string;
  subject: string;
  lines: string[];
  attachmentLines: string[];
}

export function seedMail(opts: {
  n: number;
  from: string;
  to: string;
  subject: string;
  lines: string[];
  cc?: string;
  attachmentLines?: string[];
}): SeedMail {
  const attachmentLines = opts.attachmentLines ?? [];
  const head = [
    `From: ${opts.from.split('@')[0]} <${opts.from}>`,
    `To: ${opts.to}`,
    ...(opts.cc ? [`Cc: ${opts.cc}`] : []),
    `Subject: ${opts.subject}`,
    `Message-ID: <seed-${opts.n}@mail.example.org>`,
    'Date: Mon, 02 Nov 2026 10:00:00 +0000',
    'MIME-Version: 1.0',
  ];
  const text = [...opts.lines, ''].join('\r\n');
  const raw =
    attachmentLines.length === 0
      ? [...head, 'Content-Type: text/plain; charset=utf-8', '', text].join('\r\n')
      : [
          ...head,
          'Content-Type: multipart/mixed; boundary="b1"',
          '',
          '--b1',
          'Content-Type: text/plain; charset=utf-8',
          '',
          text,
          '--b1',
          'Content-Type: text/plain; name="statement.txt"',
          'Content-Disposition: attachment; filename="statement.txt"',
          'Content-Transfer-Encoding: base64',
          '',
          Buffer.from(attachmentLines.join('\n') + '\n').toString('base64'),
          '--b1--',
          '',
        ].join('\r\n');
  return { raw, from: opts.from, subject: opts.subject, lines: opts.lines, attachmentLines };
}
