// Turns address header values into flat, lower-cased Address lists. mailparser's address parser
// does the RFC 5322 work (groups, quoting, encoded words); this file only normalises its output.

import { parseAddressHeader } from 'mailparser';
import type { EmailAddress } from 'mailparser';
import type { Address } from './parsed-message.js';
import { stripNul } from './text-clean.js';

/** All mailboxes named by the values (a header may repeat), groups flattened, empties dropped. */
export function readAddressList(values: readonly string[] | undefined): Address[] {
  if (values === undefined || values.length === 0) return [];
  try {
    const parsed = parseAddressHeader([...values], { flatten: true });
    return parsed.value.map(toAddress).filter((a) => a.address !== '' || a.name !== '');
  } catch {
    // A header the parser chokes on reads as naming nobody; the rest of the message still counts.
    return [];
  }
}

/** The first mailbox of the first value; a name-only entry gives address ''. */
export function readFirstAddress(values: readonly string[] | undefined): Address | null {
  const first = values?.[0];
  if (first === undefined) return null;
  const list = readAddressList([first]);
  return list.find((a) => a.address !== '') ?? list[0] ?? { address: '', name: '' };
}

function toAddress(entry: EmailAddress): Address {
  return {
    address: stripNul((entry.address ?? '').trim().toLowerCase()),
    name: stripNul((entry.name ?? '').trim()),
  };
}
