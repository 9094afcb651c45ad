import { SFNClient } from '@aws-sdk/client-sfn';
import { type Clock, ManualClock, RealTimeClock } from '@bedrock-batch/local';
import { synthesizeApp } from '../apps/synthesize-app.js';
import { sentimentResponder } from '../demo/sentiment-responder.js';
import { type RunningLocalApp, startLocalApp } from '../local/start-local-app.js';
import { SMOKE_STACK_NAME, SmokeStack } from './smoke-stack.js';
import type { SmokeTarget } from './smoke-target.js';

/** Options of {@link localTarget}. */
interface LocalTargetOptions {
  /**
   * The local runtime's clock. With a `ManualClock`, virtual time moves only when the smoke test
   * waits between two polls (`clock.advance`), so nothing happens between an abort and the
   * clean-up.
   * @default new RealTimeClock({ msPerVirtualHour: 1000 }) - a virtual hour of idle waiting per real second
   */
  readonly clock?: Clock;
}

/**
 * The smoke test's local target: "deploy" synthesizes the smoke stack into a temporary folder and
 * loads it into a local runtime of its own (S3, the Bedrock emulator answering with the demo's
 * keyword responder, Step Functions); the deployment's SDK clients are real `@aws-sdk/*` clients
 * pointed at the local servers. "Destroy" stops the runtime and removes every temporary folder
 * (the assembly's, and the local S3's).
 *
 * @example
 * ```ts
 * const report = await runSmoke(localTarget());
 * ```
 */
function localTarget(options: LocalTargetOptions = {}): SmokeTarget {
  let running: RunningLocalApp | undefined;
  return {
    name: 'local',
    deploy: async () => {
      const clock = options.clock ?? new RealTimeClock({ msPerVirtualHour: 1000 });
      const outdir = synthesizeApp('bedrock-batch-smoke-', (app) => {
        new SmokeStack(app, SMOKE_STACK_NAME);
      });
      running = await startLocalApp(outdir, {
        clock,
        bedrock: { responder: sentimentResponder },
      });
      const { local, app } = running;
      return {
        bucketName: app.bucket(`${SMOKE_STACK_NAME}/Data`).name,
        stateMachineArn: app.stateMachine(`${SMOKE_STACK_NAME}/Pipeline`).arn,
        clients: {
          s3: local.createS3Client(),
          bedrock: local.createBedrockClient(),
          sfn: new SFNClient({
            endpoint: local.stepFunctions.endpoint,
            region: local.region,
            credentials: local.s3.credentials,
          }),
        },
        sleep: async (ms, signal) => {
          if (!(clock instanceof ManualClock)) return clock.sleep(ms, signal);
          signal?.throwIfAborted();
          await clock.advance(ms);
        },
      };
    },
    destroy: async () => {
      const stopping = running;
      running = undefined;
      await stopping?.stop();
    },
  };
}

export type { LocalTargetOptions };
export { localTarget };
