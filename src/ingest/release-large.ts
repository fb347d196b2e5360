// After a message of many megabytes, its bytes (a SharedArrayBuffer or Buffer the heap only
// points to) stay mapped until V8's next full collection, and with the daemon's small young
// generation that may be minutes away: three large messages in a row held ~60 MB more at peak
// (test/integration/ingest/hostile-classes.test.ts). The daemon runs with --expose-gc (see the
// shebang of src/main.ts), so once such a message has landed a full collection is asked for;
// where gc is not exposed this does nothing.
const LARGE_MESSAGE_BYTES = 8 * 1024 * 1024;

let pending = false;

export function releaseLargeMessage(bytes: number): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc || bytes < LARGE_MESSAGE_BYTES || pending) return;
  pending = true;
  // After the caller's frames are gone, so the message is no longer reachable from them.
  setImmediate(() => {
    pending = false;
    gc();
  });
}
