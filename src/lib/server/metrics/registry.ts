import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * Every metric `/metrics` shows: the app's own (`latchkey_*`, defined one concept per module
 * beside this one) and Node's process metrics (`process_*`, `nodejs_*`). A registry of our own,
 * not prom-client's global one, so that nothing another package registers is exposed.
 */
export const registry = new Registry();

collectDefaultMetrics({ register: registry });
