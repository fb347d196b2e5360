// A worker process for the contract suite's crash test: takes jobs from the described queue,
// prints "took <id>" for each and never finishes one, until the test kills it with SIGKILL.
import { openQueue, type QueuePlace } from './queue-drivers.js';
import { createLogger } from '../../src/log/logger.js';

const place = JSON.parse(process.argv[2] ?? '{}') as QueuePlace;
const queueName = process.argv[3] ?? 'contract';
const queue = openQueue(place, createLogger({ level: 'silent' }), { leaseSeconds: 1 });
queue.process(
  queueName,
  (job) => {
    process.stdout.write(`took ${job.id}\n`);
    return new Promise<void>(() => undefined);
  },
  { concurrency: 1 },
);
