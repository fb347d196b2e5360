// Hand-built raw messages for the spam tests: each one a real RFC 822 byte string.

export function rawMessage(opts: {
  from?: string;
  subject?: string;
  headers?: string[];
  contentType?: string;
  body?: string | Buffer;
  cte?: string;
}): Buffer {
  const head = [
    `From: ${opts.from ?? 'Sender <sender@example.com>'}`,
    'To: support@intake.test',
    `Subject: ${opts.subject ?? 'hello'}`,
    'Date: Tue, 01 Jul 2025 10:00:00 +0000',
    `Message-ID: <${Math.random().toString(36).slice(2)}@example.com>`,
    'MIME-Version: 1.0',
    `Content-Type: ${opts.contentType ?? 'text/plain; charset=utf-8'}`,
    ...(opts.cte ? [`Content-Transfer-Encoding: ${opts.cte}`] : []),
    ...(opts.headers ?? []),
  ].join('\r\n');
  const body = opts.body ?? '';
  return Buffer.concat([Buffer.from(`${head}\r\n\r\n`), typeof body === 'string' ? Buffer.from(body) : body]);
}

export function multipart(
  subtype: string,
  parts: { contentType: string; body: string; cte?: string; disposition?: string }[],
): { contentType: string; body: string } {
  const boundary = `b-${Math.random().toString(36).slice(2)}`;
  const body = parts
    .map((p) =>
      [
        `--${boundary}`,
        `Content-Type: ${p.contentType}`,
        ...(p.cte ? [`Content-Transfer-Encoding: ${p.cte}`] : []),
        ...(p.disposition ? [`Content-Disposition: ${p.disposition}`] : []),
        '',
        p.body,
      ].join('\r\n'),
    )
    .join('\r\n');
  return { contentType: `multipart/${subtype}; boundary="${boundary}"`, body: `${body}\r\n--${boundary}--\r\n` };
}
