// Starts the webhook deliverer on top of the core (fan-out loop + deliver workers) with its
// close step; the daemon kicks it after each commit it makes so events leave at once.
import type { Core } from './core.js';
import type { Metrics } from '../metrics/metrics.js';
import { Deliverer } from '../delivery/deliverer.js';
import type { DeliveryHttpDeps } from '../http/delivery-deps.js';

/** Built before HTTP (the routes manage it); started with the workers. */
export function buildDeliverer(core: Core, metrics: Metrics): Deliverer {
  const deliverer = new Deliverer(core.db, core.box, core.queue, core.config.webhooks, core.log.child({ module: 'delivery' }), metrics);
  core.steps.add('webhook deliverer', () => deliverer.close());
  return deliverer;
}

export function deliveryHttpDeps(core: Core, deliverer: Deliverer): DeliveryHttpDeps {
  return { deliverer, audit: core.audit, tickets: core.tickets, policy: core.config.webhooks };
}
