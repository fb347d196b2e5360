// The fake's controllable clock for what Google expires by date (watches, refresh tokens in
// Testing mode or unused for six months): tests move it forward instead of waiting days.
// Timers (push coalescing) and access-token lifetimes still run on real time.
export class FakeClock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
