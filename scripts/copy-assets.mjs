// Copies what tsc does not emit (the SQL migrations) next to the compiled code.
import { cpSync, mkdirSync } from 'node:fs';
mkdirSync('dist/store/migrations', { recursive: true });
cpSync('src/store/migrations', 'dist/store/migrations', { recursive: true, filter: (f) => !f.endsWith('.ts') });
