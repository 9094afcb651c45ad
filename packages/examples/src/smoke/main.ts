// `pnpm run smoke`: see smoke-main.ts. Ctrl-C (or SIGTERM) stops the run, which then cleans up
// and destroys the stack; a second Ctrl-C exits at once.
import { smokeMain } from './smoke-main.js';

const controller = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stderr.write(`\n${signal}: stopping, cleaning up and destroying the stack ...\n`);
    controller.abort(new Error(`Interrupted by ${signal}`));
  });
}
process.exitCode = await smokeMain(process.argv.slice(2), { signal: controller.signal });
