// Lets a worker thread (the analyse pool's, the WAL checkpoint thread) or a daemon child process
// run this repository's .ts sources directly (tests and benches run from source): Node strips
// the types itself, and this in-thread hook maps the `.js` specifiers the sources import to
// their `.ts` files. Lighter than a loader thread per worker.
import { registerHooks } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier.startsWith('.') && specifier.endsWith('.js') && context.parentURL?.endsWith('.ts')) {
      const source = new URL(`${specifier.slice(0, -3)}.ts`, context.parentURL);
      if (existsSync(fileURLToPath(source))) return nextResolve(source.href, context);
    }
    return nextResolve(specifier, context);
  },
});
