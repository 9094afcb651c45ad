import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { BedrockClient } from '@aws-sdk/client-bedrock';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { CommandFailedError, SmokeRunError } from './errors.js';
import { SMOKE_STACK_NAME } from './smoke-stack.js';
import type { SmokeClients, SmokeTarget } from './smoke-target.js';

/** Runs a command with the terminal's input and output; resolves to its exit code. */
type CommandRunner = (
  command: string,
  args: readonly string[],
  options: { readonly cwd: string },
) => Promise<number>;

/** Options of {@link awsTarget}. */
interface AwsTargetOptions {
  /** @default - spawns the command, output to this terminal */
  readonly run?: CommandRunner;
  /** @default - clients with the environment's credentials in `region` */
  readonly createClients?: (region: string) => SmokeClients;
}

/** The folder the `cdk` commands run in (packages/examples): the app path is relative to it. */
const PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The workspace's cdk CLI (the `aws-cdk` devDependency of packages/examples). */
const CDK = join(PACKAGE_DIR, 'node_modules', '.bin', 'cdk');
/** The cdk CLI's `--app`: the smoke app, run by tsx. */
const SMOKE_APP_COMMAND = 'tsx src/smoke/smoke-app.ts';

const spawnCommand: CommandRunner = (command, args, { cwd }) =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: 'inherit' });
    child.once('error', reject);
    child.once('exit', (code) => resolve(code ?? 1));
  });

function defaultClients(region: string): SmokeClients {
  return {
    s3: new S3Client({ region }),
    sfn: new SFNClient({ region }),
    bedrock: new BedrockClient({ region }),
  };
}

/** The smoke stack's outputs in the file `cdk deploy --outputs-file` writes. */
function readStackOutputs(file: string): { bucketName: string; stateMachineArn: string } {
  const all = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, unknown>>;
  const outputs = all[SMOKE_STACK_NAME] ?? {};
  const { BucketName: bucketName, StateMachineArn: stateMachineArn } = outputs;
  if (typeof bucketName !== 'string' || typeof stateMachineArn !== 'string') {
    throw new SmokeRunError(
      `${file} has no BucketName and StateMachineArn of ${SMOKE_STACK_NAME}`,
      all,
    );
  }
  return { bucketName, stateMachineArn };
}

/** The region of an ARN (`arn:aws:states:<region>:...`). */
function regionOf(arn: string): string {
  const region = arn.split(':')[3];
  if (region === undefined || region === '') throw new SmokeRunError('No region in the ARN', arn);
  return region;
}

/**
 * The smoke test's AWS target: deploys and destroys the smoke stack with the workspace's cdk CLI
 * in the account and region of the environment's credentials (the stack's bucket is emptied and
 * removed with it), and reaches it with SDK clients in the region the stack was deployed to.
 * The synthesized assembly and the outputs file live in a temporary folder that `destroy`
 * removes.
 *
 * @example
 * ```ts
 * const report = await runSmoke(awsTarget());
 * ```
 */
function awsTarget(options: AwsTargetOptions = {}): SmokeTarget {
  const run = options.run ?? spawnCommand;
  const createClients = options.createClients ?? defaultClients;
  let workDir: string | undefined;
  const folder = (): string => {
    workDir ??= mkdtempSync(join(tmpdir(), 'bedrock-batch-smoke-aws-'));
    return workDir;
  };
  const cdk = async (verb: string, ...args: string[]): Promise<void> => {
    const full = [verb, SMOKE_STACK_NAME, '--app', SMOKE_APP_COMMAND];
    full.push('--output', join(folder(), 'cdk.out'), ...args);
    const code = await run(CDK, full, { cwd: PACKAGE_DIR });
    if (code !== 0) throw new CommandFailedError(CDK, full, code);
  };
  let deployed = false;
  return {
    name: 'aws',
    deploy: async () => {
      deployed = true;
      const outputsFile = join(folder(), 'outputs.json');
      await cdk('deploy', '--require-approval', 'never', '--outputs-file', outputsFile);
      const outputs = readStackOutputs(outputsFile);
      return {
        ...outputs,
        clients: createClients(regionOf(outputs.stateMachineArn)),
        sleep: (ms, signal) => sleep(ms, undefined, signal ? { signal } : {}),
      };
    },
    destroy: async () => {
      if (!deployed) return;
      deployed = false;
      try {
        await cdk('destroy', '--force');
      } finally {
        if (workDir !== undefined) rmSync(workDir, { recursive: true, force: true });
        workDir = undefined;
      }
    },
  };
}

export type { AwsTargetOptions, CommandRunner };
export { awsTarget, SMOKE_APP_COMMAND };
