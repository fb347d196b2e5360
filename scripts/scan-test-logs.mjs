// After the test run: every token, code and secret the fake Google issued during the
// tests is searched for in every log line the tests captured. One hit fails the run.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(process.cwd(), 'test-artifacts');
const read = (dir) => (existsSync(join(root, dir)) ? readdirSync(join(root, dir)).map((f) => join(root, dir, f)) : []);
const secrets = new Set(
  read('secrets')
    .flatMap((f) => JSON.parse(readFileSync(f, 'utf8')))
    .filter((s) => s.length >= 8),
);
const logs = read('logs');
if (process.env.CI && (secrets.size === 0 || logs.length === 0)) {
  console.error(`scan-test-logs: expected captured secrets and logs, found ${secrets.size} secrets and ${logs.length} logs`);
  process.exit(1);
}
let hits = 0;
for (const file of logs) {
  const text = readFileSync(file, 'utf8');
  for (const s of secrets) {
    if (text.includes(s)) {
      hits++;
      console.error(`scan-test-logs: a secret issued by the fake Google appears in ${file}`);
    }
  }
}
console.log(`scan-test-logs: ${secrets.size} issued secrets searched in ${logs.length} log files: ${hits} found`);
process.exit(hits > 0 ? 1 : 0);
