// After the test run: every token, code and secret the fake Google issued during the
// tests is searched for in every log line the tests captured, raw and in each encoding a
// logger or URL could give it (URL-encoded, base64 / base64url at any alignment,
// JSON-escaped). One hit fails the run. `--root DIR` scans another artifacts folder.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const rootArg = process.argv.indexOf('--root');
const root = rootArg > 0 ? process.argv[rootArg + 1] : join(process.cwd(), 'test-artifacts');
const read = (dir) => (existsSync(join(root, dir)) ? readdirSync(join(root, dir)).map((f) => join(root, dir, f)) : []);
const secrets = new Set(
  read('secrets')
    .flatMap((f) => JSON.parse(readFileSync(f, 'utf8')))
    .filter((s) => s.length >= 8),
);
const logs = read('logs');
if (process.env.CI && rootArg < 0 && (secrets.size === 0 || logs.length === 0)) {
  console.error(`scan-test-logs: expected captured secrets and logs, found ${secrets.size} secrets and ${logs.length} logs`);
  process.exit(1);
}

/**
 * The base64 text that encodes `secret` wherever it starts in a longer byte string: for each
 * of the three alignments, only the characters that depend on the secret's bytes alone.
 */
function base64Forms(secret) {
  const bytes = Buffer.from(secret, 'utf8');
  const forms = [];
  for (const offset of [0, 1, 2]) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes])
      .toString('base64')
      .replace(/=+$/, '');
    const start = [0, 2, 3][offset];
    const end = (offset + bytes.length) % 3 === 0 ? encoded.length : encoded.length - 1;
    const core = encoded.slice(start, end);
    if (core.length >= 8) forms.push(core, core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return forms;
}

/** Every form of one secret the scan looks for, with the name of its encoding. */
export function encodedForms(secret) {
  const json = JSON.stringify(secret).slice(1, -1);
  const forms = [
    ['raw', secret],
    ['URL-encoded', encodeURIComponent(secret)],
    ['form-encoded', new URLSearchParams({ s: secret }).toString().slice(2)],
    ['JSON-escaped', json],
    ['JSON-escaped', json.replace(/\//g, '\\/')],
    ...base64Forms(secret).map((f) => ['base64', f]),
  ];
  const seen = new Set();
  return forms.filter(([, f]) => !seen.has(f) && seen.add(f));
}

let hits = 0;
const forms = [...secrets].map((s) => encodedForms(s));
for (const file of logs) {
  const text = readFileSync(file, 'utf8');
  for (const secretForms of forms) {
    const found = secretForms.find(([, f]) => text.includes(f));
    if (found) {
      hits++;
      console.error(`scan-test-logs: a secret issued by the fake Google appears ${found[0]} in ${file}`);
    }
  }
}
console.log(`scan-test-logs: ${secrets.size} issued secrets searched in ${logs.length} log files: ${hits} found`);
process.exit(hits > 0 ? 1 : 0);
