// The Gmail notification inside a Pub/Sub push body (SPEC.md §3.7): base64 JSON
// {emailAddress, historyId} in message.data. Pure; anything else is null.
export interface GmailNotification {
  emailAddress: string;
  historyId: string;
}

export function parsePushBody(body: unknown): GmailNotification | null {
  if (typeof body !== 'object' || body === null) return null;
  const message = (body as { message?: unknown }).message;
  if (typeof message !== 'object' || message === null) return null;
  const data = (message as { data?: unknown }).data;
  if (typeof data !== 'string' || data.length > 4096) return null;
  try {
    const decoded = JSON.parse(Buffer.from(data, 'base64').toString('utf8')) as { emailAddress?: unknown; historyId?: unknown };
    const { emailAddress, historyId } = decoded;
    if (typeof emailAddress !== 'string' || !emailAddress.includes('@')) return null;
    if (typeof historyId !== 'string' && typeof historyId !== 'number') return null;
    return { emailAddress, historyId: String(historyId) };
  } catch {
    return null;
  }
}
