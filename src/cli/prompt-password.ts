// Reads a password from the terminal without echoing it (a new one twice). Only for
// interactive use: scripts pass INTAKE_ADMIN_PASSWORD(_FILE) or --password-file.
import { createInterface } from 'node:readline';

function askHidden(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  const output = rl as unknown as { _writeToOutput: (s: string) => void };
  let muted = false;
  output._writeToOutput = (s: string) => {
    if (!muted || s.includes('\n')) process.stderr.write(muted ? '\n' : s);
  };
  return new Promise((resolve) => {
    rl.question(question, (answer) => {
      rl.close();
      resolve(answer);
    });
    muted = true;
  });
}

export async function promptNewPassword(): Promise<string | null> {
  if (!process.stdin.isTTY) return null;
  const first = await askHidden('Password for the new admin: ');
  const second = await askHidden('Repeat the password: ');
  return first === second ? first : null;
}

/** One hidden entry (a secret that exists elsewhere already, such as an IMAP password). */
export async function promptSecret(question: string): Promise<string | null> {
  if (!process.stdin.isTTY) return null;
  const answer = await askHidden(question);
  return answer === '' ? null : answer;
}
