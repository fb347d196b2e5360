import { afterEach, describe, expect, it } from 'vitest';
import { startTestFake } from '../../helpers/test-fake.js';
import { startTestDaemon, type TestDaemon } from '../../helpers/test-daemon.js';
import { cliEnv, runIntake } from '../../helpers/cli-run.js';
import type { FakeGoogle } from '../../../src/dev/fake-google/index.js';

interface Page {
  entries: { id: number; actor: string; action: string; subjectRef: string | null }[];
  nextBefore: number | null;
}

describe('the audit trail', () => {
  let fake: FakeGoogle | undefined;
  let t: TestDaemon | undefined;
  afterEach(async () => {
    await t?.close();
    await fake?.close();
  });

  it('audit: pages newest first naming the token, and `intake audit verify` detects a row deleted or edited in the database', async () => {
    fake = await startTestFake();
    t = await startTestDaemon(fake);
    const created: number[] = [];
    for (const name of ['one', 'two', 'three', 'four']) {
      const res = await t.api<{ id: number }>('/api/tokens', { method: 'POST', body: JSON.stringify({ name, scope: 'agent' }) });
      expect(res.status).toBe(201);
      created.push(res.body.id);
    }
    expect((await t.api(`/api/tokens/${created[0]}`, { method: 'DELETE' })).status).toBe(200);

    const first = await t.api<Page>('/api/audit?limit=3');
    expect(first.status).toBe(200);
    expect(first.body.entries.map((e) => e.action)).toEqual(['api_token.revoked', 'api_token.created', 'api_token.created']);
    expect(first.body.entries.every((e) => e.actor === 'api_token:bootstrap')).toBe(true);
    const second = await t.api<Page>(`/api/audit?limit=3&before=${first.body.nextBefore}`);
    expect(second.body.entries.map((e) => e.action)).toEqual(['api_token.created', 'api_token.created']);
    expect(second.body.nextBefore).toBeNull();
    expect((await t.api('/api/audit?limit=0')).status).toBe(400);

    const env = cliEnv(t);
    const intact = await runIntake(['audit', 'verify'], env);
    expect(intact).toMatchObject({ code: 0, out: 'audit log intact: 5 rows, chain verified\n' });
    expect((await t.api<{ ok: boolean }>('/api/audit/verify')).body.ok).toBe(true);

    const db = t.daemon.db;
    expect(() => db.prepare("UPDATE audit_log SET actor = 'cli' WHERE id = 2").run()).toThrow(/append-only/);
    // Someone with the file drops the guard and edits a row.
    db.exec('DROP TRIGGER audit_log_sealed_no_update');
    db.prepare("UPDATE audit_log SET actor = 'cli' WHERE id = 2").run();
    const edited = await runIntake(['audit', 'verify'], env);
    expect(edited.code).toBe(1);
    expect(edited.err).toContain('row 2 was changed after it was written');
    db.prepare("UPDATE audit_log SET actor = 'api_token:bootstrap' WHERE id = 2").run();
    expect((await runIntake(['audit', 'verify'], env)).code).toBe(0);

    db.prepare('DELETE FROM audit_log WHERE id = 3').run();
    const deleted = await runIntake(['audit', 'verify'], env);
    expect(deleted.code).toBe(1);
    expect(deleted.err).toContain('rows before row 4 were removed');

    const verdict = await t.api<{ ok: boolean; problems: string[] }>('/api/audit/verify');
    expect(verdict.body).toMatchObject({ ok: false, problems: [expect.stringContaining('row 4') as unknown] });
  });
});
