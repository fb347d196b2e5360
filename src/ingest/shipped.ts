// A message fetched and analysed elsewhere (a remote worker, docs/scaling.md), handed to
// ingestMessage in place of its own fetch: the raw message with its parse and verdict (null:
// analyse it here), or the news that Gmail no longer has it.
import type { FetchedMessage } from '../sources/mail-source.js';
import type { Analysis } from './analyse.js';

export type Shipped = { fetched: FetchedMessage; analysis: Analysis | null } | { fetched: 'gone'; analysis: null };
