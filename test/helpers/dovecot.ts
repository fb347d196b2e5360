// A real IMAP server for tests: Debian's Dovecot (dovecot-imapd) on a free loopback port with
// its own temp dir, Maildir storage, a password file for PLAIN/LOGIN and an oauth2 passdb for
// XOAUTH2/OAUTHBEARER whose token introspection is a small HTTP endpoint here that asks
// `validToken` (tests answer from the fake Google's issued tokens). Mail is delivered with
// dovecot-lda, as a mail server would. A missing dovecot fails the test (never a skip).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';

const DOVECOT = '/usr/sbin/dovecot';
const LDA = '/usr/lib/dovecot/dovecot-lda';

export interface TestDovecot {
  host: string;
  port: number;
  /** Delivers a raw message into the user's INBOX (dovecot-lda, as an MTA would). */
  deliver(user: string, raw: Buffer): Promise<void>;
  /** Gives the user's INBOX a new UIDVALIDITY (doveadm), as a server does when it rebuilds a folder. */
  renumber(user: string): Promise<void>;
  /** Changes a user's password for the next logins (connections already signed in stay). */
  setPassword(user: string, pass: string): void;
  /** Stops the server (every connection drops) and starts it again on the same port and mail. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export interface DovecotOptions {
  /** user -> password for PLAIN/LOGIN. */
  passwords: Record<string, string>;
  /** The address an access token belongs to, or null when it is not valid (the server refuses it). */
  validToken?: (token: string) => Promise<string | null>;
  /** Or an introspection endpoint of its own (the fake Google's /introspect): Dovecot asks it directly. */
  introspectionUrl?: string;
}

function requireBinaries(): void {
  const probe = spawnSync(DOVECOT, ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(`${DOVECOT} is not installed: the IMAP tests run a real Dovecot. Install dovecot-imapd (bash scripts/setup.sh test)`);
  }
}

function config(dir: string, port: number, introspectionUrl: string): { conf: string; oauth: string } {
  const conf = `protocols = imap
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
info_log_path = ${dir}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login xoauth2 oauthbearer
auth_failure_delay = 0
mail_location = maildir:${dir}/mail/%u
mail_uid = nobody
mail_gid = nogroup
first_valid_uid = 65534
default_internal_user = dovecot
default_login_user = dovenull
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
}
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
passdb {
  driver = passwd-file
  mechanisms = plain login
  args = scheme=PLAIN username_format=%u ${dir}/passwd
}
passdb {
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = ${dir}/dovecot-oauth2.conf.ext
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=${dir}/mail/%u allow_all_users=yes
}
`;
  const oauth = `introspection_mode = post
introspection_url = ${introspectionUrl}
username_attribute = email
active_attribute = active
active_value = true
`;
  return { conf, oauth };
}

/** RFC 7662 introspection as Dovecot's oauth2 passdb reads it: {"active": true, "email": ...}. */
function startIntrospection(validToken: NonNullable<DovecotOptions['validToken']>): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const token = new URLSearchParams(body).get('token') ?? (req.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
      void validToken(token).then(
        (email) => {
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify(email ? { active: true, email } : { active: false }));
        },
        () => {
          res.statusCode = 500;
          res.end();
        },
      );
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ server, port: typeof address === 'object' && address ? address.port : 0 });
    }),
  );
}

function greets(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('data', (d) => {
      socket.destroy();
      resolve(d.toString().startsWith('* OK'));
    });
    socket.once('error', () => resolve(false));
  });
}

export async function startTestDovecot(options: DovecotOptions): Promise<TestDovecot> {
  requireBinaries();
  const dir = mkdtempSync(join(tmpdir(), 'intake-dovecot-'));
  chmodSync(dir, 0o755);
  for (const sub of ['run', 'state', 'mail']) mkdirSync(join(dir, sub));
  chownSync(join(dir, 'mail'), 65534, 65534);
  const validToken = options.validToken;
  const introspection = validToken ? await startIntrospection(validToken) : null;
  const introspectionUrl = introspection ? `http://127.0.0.1:${introspection.port}/introspect` : options.introspectionUrl;
  if (!introspectionUrl) throw new Error('startTestDovecot needs validToken or introspectionUrl');
  const port = await freePort();
  const { conf, oauth } = config(dir, port, introspectionUrl);
  const confFile = join(dir, 'dovecot.conf');
  writeFileSync(confFile, conf);
  writeFileSync(join(dir, 'dovecot-oauth2.conf.ext'), oauth);
  const passwords = { ...options.passwords };
  const writePasswords = () =>
    writeFileSync(
      join(dir, 'passwd'),
      Object.entries(passwords)
        .map(([user, pass]) => `${user}:{PLAIN}${pass}`)
        .join('\n') + '\n',
    );
  writePasswords();
  const start = async (): Promise<{ child: ChildProcess; exited: Promise<void> }> => {
    // Its own process group: stopping it ends every imap process too, as a server restart
    // drops its connections (the master alone leaves signed-in sessions running for a while).
    const child: ChildProcess = spawn(DOVECOT, ['-F', '-c', confFile], { stdio: 'ignore', detached: true });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const deadline = Date.now() + 20_000;
    while (!(await greets(port))) {
      if (child.exitCode !== null) throw new Error(`dovecot exited at start: ${logTail(dir)}`);
      if (Date.now() > deadline) throw new Error(`dovecot did not greet on port ${port}: ${logTail(dir)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return { child, exited };
  };
  const stop = async (): Promise<void> => {
    if (running.child.exitCode === null) {
      try {
        process.kill(-(running.child.pid ?? 0), 'SIGTERM');
      } catch {
        running.child.kill('SIGTERM');
      }
      await running.exited;
    }
  };
  let running = await start();
  return {
    host: '127.0.0.1',
    port,
    deliver: (user, raw) =>
      new Promise<void>((resolve, reject) => {
        const lda = spawn(LDA, ['-c', confFile, '-d', user], { stdio: ['pipe', 'ignore', 'pipe'] });
        let err = '';
        lda.stderr.on('data', (c: Buffer) => (err += c.toString()));
        lda.once('error', reject);
        lda.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`dovecot-lda exited ${code}: ${err.slice(0, 300)}`))));
        lda.stdin.end(raw);
      }),
    renumber: (user) =>
      doveadm(confFile, ['mailbox', 'update', '-u', user, '--uid-validity', String(Math.floor(Date.now() / 1000) + 1000), 'INBOX']),
    setPassword: (user, pass) => {
      passwords[user] = pass;
      writePasswords();
    },
    restart: async () => {
      await stop();
      running = await start();
    },
    close: async () => {
      await stop();
      if (introspection) await new Promise<void>((resolve) => introspection.server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function doveadm(confFile: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/doveadm', ['-c', confFile, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`doveadm ${args[0]} exited ${code}: ${err.slice(0, 300)}`))));
  });
}

function logTail(dir: string): string {
  try {
    return readFileSync(join(dir, 'dovecot.log'), 'utf8').split('\n').slice(-8).join(' | ');
  } catch {
    return '(no log)';
  }
}
