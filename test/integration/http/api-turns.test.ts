// API requests take turns with the rest of the event loop: at most `perTurn` start per turn,
// the others wait in arrival order, a client that leaves loses its place, an over-long line is
// refused in the error envelope, and probes never wait. Real fastify; requests are injected
// so that hundreds arrive in one turn of the loop, as they do from many remote clients.
import { afterEach, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance, type LightMyRequestResponse as Reply } from 'fastify';
import { ApiTurns, registerApiTurns } from '../../../src/http/api-turns.js';
import { sendError } from '../../../src/http/error-reply.js';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('ApiTurns', () => {
  it('starts perTurn requests at once and the rest on later turns, in arrival order', async () => {
    const turns = new ApiTurns({ perTurn: 2, maxWaiting: 100 });
    const started: number[] = [];
    for (let i = 0; i < 5; i++) {
      const turn = turns.take();
      if (turn === null) started.push(i);
      else if (turn !== 'full') turn.admit = () => started.push(i);
    }
    expect(started).toEqual([0, 1]);
    expect(turns.waiting).toBe(3);
    await nextTurn();
    expect(started).toEqual([0, 1, 2, 3]);
    await nextTurn();
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(turns.waiting).toBe(0);
  });

  it('skips a waiter whose client left, and refuses past maxWaiting', async () => {
    const turns = new ApiTurns({ perTurn: 1, maxWaiting: 2 });
    expect(turns.take()).toBeNull();
    const left = turns.take();
    const stays = turns.take();
    expect(turns.take()).toBe('full');
    if (left === null || left === 'full' || stays === null || stays === 'full') throw new Error('expected two waiters');
    let admitted = '';
    left.admit = () => (admitted += 'left');
    stays.admit = () => (admitted += 'stays');
    left.gone = true;
    await nextTurn();
    expect(admitted).toBe('stays');
  });

  it('refuses a budget below one', () => {
    expect(() => new ApiTurns({ perTurn: 0, maxWaiting: 1 })).toThrow(/apiRequestsPerTurn/);
  });
});

describe('registerApiTurns on a server', () => {
  let app: FastifyInstance | null = null;
  afterEach(async () => {
    await app?.close();
    app = null;
  });

  async function serve(perTurn: number, maxWaiting: number): Promise<{ get: (url: string) => Promise<Reply>; log: string[] }> {
    const log: string[] = [];
    app = Fastify();
    registerApiTurns(app, new ApiTurns({ perTurn, maxWaiting }), (reply) => sendError(reply, 'INTAKE_ERR_BUSY', 'busy'));
    app.get('/api/work', () => {
      log.push('request');
      return { ok: true };
    });
    app.get('/healthz', () => ({ ok: true }));
    await app.ready();
    const server = app;
    return { get: (url) => server.inject({ method: 'GET', url }), log };
  }

  it('200 parallel requests all succeed, never more than perTurn between two turns of the loop', async () => {
    const { get, log } = await serve(4, 1000);
    let ticking = true;
    const tick = () => {
      log.push('turn');
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    const answers = await Promise.all(Array.from({ length: 200 }, () => get('/api/work').then((r) => r.statusCode)));
    ticking = false;
    expect(answers.filter((s) => s === 200)).toHaveLength(200);
    const runs = log
      .join(',')
      .split('turn')
      .map((chunk) => chunk.split(',').filter((e) => e === 'request').length);
    expect(Math.max(...runs)).toBeLessThanOrEqual(4);
    expect(log.filter((e) => e === 'request')).toHaveLength(200);
  });

  it('answers 503 INTAKE_ERR_BUSY with Retry-After past maxWaiting, and probes never wait', async () => {
    const { get } = await serve(1, 3);
    const responses = await Promise.all([
      ...Array.from({ length: 60 }, () => get('/api/work')),
      ...Array.from({ length: 20 }, () => get('/healthz')),
    ]);
    const api = responses.slice(0, 60);
    const busy = api.filter((r) => r.statusCode === 503);
    // One starts, three wait: every other request of the burst is refused.
    expect(busy).toHaveLength(56);
    expect(api.filter((r) => r.statusCode === 200)).toHaveLength(4);
    expect(busy.length + api.filter((r) => r.statusCode === 200).length).toBe(60);
    expect(busy[0]!.headers['retry-after']).toBe('1');
    expect(busy[0]!.json()).toEqual({ error: { code: 'INTAKE_ERR_BUSY', message: 'busy' } });
    expect(responses.slice(60).every((r) => r.statusCode === 200)).toBe(true);
  });
});
