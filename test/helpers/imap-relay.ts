// A loopback TCP relay in front of an IMAP server that records the commands clients send
// through it (`NOOP`, `UID SEARCH`, `EXAMINE`, …), so a test can count an IMAP client's round
// trips against a real server. Bytes pass through unchanged.
import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

export interface ImapRelay {
  host: string;
  port: number;
  /** The commands recorded since the last take(), oldest first; the record starts again empty. */
  take(): string[];
  close(): Promise<void>;
}

/** `a1 UID SEARCH …` → `UID SEARCH`, `a2 NOOP` → `NOOP`; null for a line that is no command (a literal's bytes). */
function verbOf(line: string): string | null {
  const [tag, first, second] = line.split(' ');
  if (!tag || !first || !/^[A-Za-z0-9.]+$/.test(tag) || !/^[A-Za-z]+$/.test(first)) return null;
  const verb = first.toUpperCase();
  return verb === 'UID' && second ? `UID ${second.toUpperCase()}` : verb;
}

export async function startImapRelay(target: { host: string; port: number }): Promise<ImapRelay> {
  let commands: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = createConnection(target.port, target.host);
    sockets.add(client).add(upstream);
    let partial = '';
    client.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString('latin1')).split('\r\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        const verb = verbOf(line);
        if (verb) commands.push(verb);
      }
      upstream.write(chunk);
    });
    upstream.pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    host: '127.0.0.1',
    port: (server.address() as AddressInfo).port,
    take() {
      const taken = commands;
      commands = [];
      return taken;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
