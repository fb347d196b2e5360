import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_CODES } from '../../../src/errors/error-codes.js';

describe('error code catalogue', () => {
  it('README: when a code exists in the catalogue, documents it in the error codes table', () => {
    const readme = readFileSync(join(process.cwd(), 'README.md'), 'utf8');
    const undocumented = Object.keys(ERROR_CODES).filter((code) => !readme.includes(`\`${code}\``));
    expect(undocumented).toEqual([]);
  });
});
