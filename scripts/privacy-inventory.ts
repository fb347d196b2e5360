// Rewrites the inventory table in docs/privacy.md from src/privacy/data-inventory.ts
// (a unit test fails when they differ): `npx tsx scripts/privacy-inventory.ts`.
import { readFileSync, writeFileSync } from 'node:fs';
import { inventoryMarkdown } from '../src/privacy/data-inventory.js';

const FILE = 'docs/privacy.md';
const START = '<!-- inventory:start -->\n';
const END = '<!-- inventory:end -->';
const doc = readFileSync(FILE, 'utf8');
const a = doc.indexOf(START);
const b = doc.indexOf(END);
if (a < 0 || b < 0) throw new Error(`${FILE} needs the ${START.trim()} and ${END} markers`);
writeFileSync(FILE, doc.slice(0, a + START.length) + inventoryMarkdown() + doc.slice(b));
process.stderr.write(`${FILE}: inventory updated\n`);
