import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const eventsDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'events');

/** Loads `tests/events/<kind>/<variant>.json`, a fresh copy each call. */
function getTestEvent<T = unknown>(kind: string, variant: string): T {
  return JSON.parse(readFileSync(join(eventsDir, kind, `${variant}.json`), 'utf8')) as T;
}

export { getTestEvent };
