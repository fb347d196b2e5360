// Child process of bench:ingest --with-api-load: N concurrent API readers against the real
// HTTP server (GET /api/tickets, then one ticket), in their own process so their CPU is not
// the server's. Runs until the parent sends 'stop', then reports requests and latencies.
const [url, token, n] = process.argv.slice(2);
if (!url || !token) throw new Error('usage: api-readers.ts URL TOKEN N');
const headers = { authorization: `Bearer ${token}` };
const latencies: number[] = [];
let errors = 0;
let stopping = false;

async function reader(): Promise<void> {
  while (!stopping) {
    const t = performance.now();
    try {
      const res = await fetch(`${url}/api/tickets?limit=50`, { headers });
      const body = (await res.json()) as { tickets?: { id: number }[] };
      const first = body.tickets?.[0];
      if (first) await (await fetch(`${url}/api/tickets/${first.id}`, { headers })).arrayBuffer();
      if (!res.ok) errors++;
    } catch {
      errors++;
    }
    latencies.push(performance.now() - t);
  }
}

const readers = Array.from({ length: Number(n ?? 50) }, reader);
process.on('message', (m) => {
  if (m !== 'stop') return;
  stopping = true;
  void Promise.all(readers).then(() => {
    latencies.sort((a, b) => a - b);
    const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
    process.send?.({ requests: latencies.length, errors, p50Ms: at(50), p99Ms: at(99) }, () => process.exit(0));
  });
});
process.send?.('ready');
