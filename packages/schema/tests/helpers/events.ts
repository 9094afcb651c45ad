import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const eventsDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'events');

/** Loads `tests/events/<kind>/<variant>.json`, a fresh copy each call. */
function getTestEvent<T = unknown>(kind: string, variant: string): T {
  return JSON.parse(readFileSync(join(eventsDir, kind, `${variant}.json`), 'utf8')) as T;
}

/** Every variant of a fixture kind whose name starts with `prefix` (e.g. `valid-`). */
function listTestEvents(kind: string, prefix = ''): string[] {
  return readdirSync(join(eventsDir, kind))
    .filter((file) => file.endsWith('.json') && file.startsWith(prefix))
    .map((file) => file.slice(0, -'.json'.length))
    .sort();
}

export { eventsDir, getTestEvent, listTestEvents };
