import { describe, expect, it } from 'vitest';
import { trustProxySchema } from '../../../src/config/trust-proxy.js';

describe('trustProxySchema', () => {
  it.each<[unknown, unknown]>([
    [false, false],
    [true, true],
    [2, 2],
    ['2', 2],
    [
      ['10.0.0.1', '10.0.0.0/8'],
      ['10.0.0.1', '10.0.0.0/8'],
    ],
    ['10.0.0.1, 192.168.0.0/16', ['10.0.0.1', '192.168.0.0/16']],
    [['loopback'], ['loopback']],
  ])('trustProxySchema: when given %j, reads it as fastify takes it (%j)', (input, expected) => {
    expect(trustProxySchema.parse(input)).toEqual(expected);
  });

  it.each<unknown>([[['not-an-address']], [[]], [-1], [1.5], ['proxy.example.com']])(
    'trustProxySchema: when given %j, refuses it',
    (input) => {
      expect(trustProxySchema.safeParse(input).success).toBe(false);
    },
  );
});
