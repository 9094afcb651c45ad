import { rmSync } from 'node:fs';
import {
  type LocalApp,
  type LocalAws,
  type LocalAwsOptions,
  startLocalAws,
} from '@bedrock-batch/local';

/** A synthesized app running on a local AWS of its own. */
interface RunningLocalApp {
  readonly local: LocalAws;
  readonly app: LocalApp;
  /** Stops the local AWS (servers, functions, timers) and removes the app's folder. */
  stop(): Promise<void>;
}

/**
 * Starts a local AWS and loads the synthesized app in `outdir` into it. The folder belongs to the
 * result from then on: `stop()` removes it, and so does a failure to start or load.
 *
 * @param outdir - a cloud assembly folder (see `synthesizeApp`)
 * @param options - options of `startLocalAws` (clock, Bedrock emulator, seeds)
 *
 * @example
 * ```ts
 * const { local, app, stop } = await startLocalApp(synthesizeApp('demo-', build), { clock });
 * try {
 *   await app.startExecution('Stack/Pipeline', input).result;
 * } finally {
 *   await stop();
 * }
 * ```
 */
async function startLocalApp(outdir: string, options: LocalAwsOptions): Promise<RunningLocalApp> {
  const removeOutdir = (): void => rmSync(outdir, { recursive: true, force: true });
  const local = await startLocalAws(options).catch((error: unknown) => {
    removeOutdir();
    throw error;
  });
  const app = await local.loadApp(outdir).catch(async (error: unknown) => {
    await local.stop();
    removeOutdir();
    throw error;
  });
  return {
    local,
    app,
    stop: async () => {
      try {
        await local.stop();
      } finally {
        removeOutdir();
      }
    },
  };
}

export type { RunningLocalApp };
export { startLocalApp };
