// Test levers that are not Google behaviour: injected error responses and
// per-path request counters.
import type { FakeFault } from './types.js';

interface ArmedFault {
  path: RegExp;
  status: number;
  body: unknown;
  headers: Record<string, string>;
  remaining: number;
}

export interface FaultHit {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

export class Faults {
  private readonly armed: ArmedFault[] = [];
  private readonly counts = new Map<string, number>();
  /** The last requests' path + query, so tests can read what was asked (e.g. a q=after: relist). */
  private readonly recent: string[] = [];
  readonly refusals = { user: 0, project: 0, daily: 0, concurrency: 0 };

  inject(f: FakeFault): void {
    this.armed.push({ path: f.path, status: f.status, body: f.body, headers: f.headers ?? {}, remaining: f.times ?? 1 });
  }

  /** Disarms every injected fault that has not fired yet (counters stay). */
  clear(): void {
    this.armed.length = 0;
  }

  /** Counts the request, then returns the first armed fault that matches path or path+query. */
  onRequest(pathname: string, search: string): FaultHit | undefined {
    this.counts.set(pathname, (this.counts.get(pathname) ?? 0) + 1);
    this.recent.push(pathname + search);
    if (this.recent.length > 20_000) this.recent.splice(0, 10_000);
    const i = this.armed.findIndex((f) => matches(f.path, pathname) || (search !== '' && matches(f.path, pathname + search)));
    const fault = this.armed[i];
    if (!fault) return undefined;
    if (--fault.remaining <= 0) this.armed.splice(i, 1);
    return { status: fault.status, body: fault.body, headers: fault.headers };
  }

  requests(path?: RegExp): string[] {
    return path ? this.recent.filter((r) => matches(path, r)) : [...this.recent];
  }

  count(path?: RegExp): number {
    let total = 0;
    for (const [p, n] of this.counts) if (!path || matches(path, p)) total += n;
    return total;
  }
}

function matches(re: RegExp, text: string): boolean {
  re.lastIndex = 0; // a /g regex would otherwise remember where it stopped
  return re.test(text);
}
