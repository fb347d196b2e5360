import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { migrate, readMigrations } from '../../../src/store/database.js';
import { DATA_INVENTORY, inventoryMarkdown } from '../../../src/privacy/data-inventory.js';

/** Every table and column the migrations create, read from an in-memory database built by them. */
function schema(): Map<string, string[]> {
  const db = new Database(':memory:');
  migrate(db, readMigrations('src/store/migrations'));
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as {
    name: string;
  }[];
  const out = new Map(
    tables.map((t) => [t.name, (db.prepare(`PRAGMA table_info("${t.name}")`).all() as { name: string }[]).map((c) => c.name)]),
  );
  db.close();
  return out;
}

describe('the data inventory', () => {
  it('DATA_INVENTORY: names every table and column the migrations create, and nothing they do not', () => {
    const actual = schema();
    const missing: string[] = [];
    for (const [table, columns] of actual) {
      const entry = DATA_INVENTORY.find((t) => t.table === table);
      for (const c of columns) if (!entry || !(c in entry.columns)) missing.push(`${table}.${c}`);
    }
    expect(missing, 'add these to src/privacy/data-inventory.ts (what, why, how long, how deleted)').toEqual([]);
    const stale = DATA_INVENTORY.flatMap((t) =>
      Object.keys(t.columns)
        .filter((c) => !actual.get(t.table)?.includes(c))
        .map((c) => `${t.table}.${c}`),
    );
    expect(stale, 'the inventory names columns no migration creates').toEqual([]);
  });

  it('docs/privacy.md: carries the inventory table exactly as generated (npx tsx scripts/privacy-inventory.ts)', () => {
    const doc = readFileSync('docs/privacy.md', 'utf8');
    const start = doc.indexOf('<!-- inventory:start -->');
    const end = doc.indexOf('<!-- inventory:end -->');
    expect(start).toBeGreaterThan(-1);
    expect(doc.slice(start + '<!-- inventory:start -->\n'.length, end)).toBe(inventoryMarkdown());
  });
});
