import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const testsDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const eventsDir = join(testsDir, 'events', 'eventbridge');
/** The real Bedrock events kept by the schema package. */
const schemaEventsDir = join(
  testsDir,
  '..',
  '..',
  'schema',
  'tests',
  'events',
  'job-state-change-event',
);

/** One documented pattern + event pair. */
interface PatternCase {
  readonly name: string;
  readonly pattern: Record<string, unknown>;
  readonly event: Record<string, unknown>;
  readonly matches: boolean;
}

/** A fixture file of `tests/events/eventbridge/pattern-examples`. */
interface PatternExamples {
  readonly source: string;
  readonly cases: readonly PatternCase[];
}

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** Loads `tests/events/eventbridge/<kind>/<variant>.json`, a fresh copy each call. */
function getEventBridgeFixture<T = unknown>(kind: string, variant: string): T {
  return readJson<T>(join(eventsDir, kind, `${variant}.json`));
}

/** Every documented case, as `[file, case name, case]` rows for `it.each`. */
function listPatternCases(): [string, string, PatternCase][] {
  const dir = join(eventsDir, 'pattern-examples');
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .flatMap((file) =>
      readJson<PatternExamples>(join(dir, file)).cases.map(
        (entry): [string, string, PatternCase] => [file, entry.name, entry],
      ),
    );
}

/** The schema package's job-state-change events, as `[variant, event]` rows. */
function listSchemaBedrockEvents(): [string, Record<string, unknown>][] {
  return readdirSync(schemaEventsDir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => [file.slice(0, -'.json'.length), readJson(join(schemaEventsDir, file))]);
}

export type { PatternCase };
export { getEventBridgeFixture, listPatternCases, listSchemaBedrockEvents };
