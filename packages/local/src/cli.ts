import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { RealTimeClock } from './clock.js';
import { UsageError } from './errors.js';
import { startLocalAws } from './runtime/start-local-aws.js';

/** Where the CLI writes. */
interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

const USAGE = `Usage: bedrock-batch-local run --assembly <cdk.out> --state-machine <id> [options]

Runs one execution of a state machine of a synthesized CDK app on the local runtime
(Bedrock emulator, S3 server, Step Functions interpreter, EventBridge rules) and prints its result.

Options:
  --assembly <dir>          cloud assembly folder (default: cdk.out)
  --state-machine <id>      construct path (Stack/Id), logical id, name or ARN
  --input <file>            JSON input of the execution (default: {})
  --upload <path>           file or folder to upload before the run (repeatable)
  --bucket <id>             bucket for --upload (default: the app's only bucket)
  --prefix <prefix>         key prefix for --upload (default: none)
  --hour-ms <ms>            real milliseconds per virtual hour (default: 1000)
  --min-records <n>         emulator's minimum records per job (default: 100)
  --verbose                 print the Lambda functions' log lines
  --print-endpoints         print the local endpoints (S3, Bedrock, Step Functions, STS) on stderr
  -h, --help                show this help

Exit code: 0 when the execution succeeds, 1 when it fails, 2 on a usage error.`;

function filesUnder(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

function positiveInteger(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0)
    throw new UsageError(`--${name} must be a positive whole number, got: ${text}`);
  return value;
}

/**
 * The `bedrock-batch-local` command line, as a function: parses `argv` (without `node` and the
 * script), runs the execution, and resolves to the process exit code. Every server it starts is
 * stopped before it resolves, also on Ctrl-C.
 *
 * @example
 * ```ts
 * const code = await runCli(['run', '--assembly', 'cdk.out', '--state-machine', 'App/Pipeline', '--input', 'in.json']);
 * process.exitCode = code;
 * ```
 */
async function runCli(
  argv: readonly string[],
  io: CliIo = {
    out: (l) => process.stdout.write(`${l}\n`),
    err: (l) => process.stderr.write(`${l}\n`),
  },
): Promise<number> {
  let values: Record<string, string | boolean | string[] | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        assembly: { type: 'string', default: 'cdk.out' },
        'state-machine': { type: 'string' },
        input: { type: 'string' },
        upload: { type: 'string', multiple: true },
        bucket: { type: 'string' },
        prefix: { type: 'string', default: '' },
        'hour-ms': { type: 'string' },
        'min-records': { type: 'string' },
        verbose: { type: 'boolean', default: false },
        'print-endpoints': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    io.err((error as Error).message);
    io.err(USAGE);
    return 2;
  }
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  if (positionals[0] !== 'run' || positionals.length !== 1) {
    io.err(`Unknown command: ${positionals.join(' ') || '(none)'}`);
    io.err(USAGE);
    return 2;
  }
  const stateMachine = values['state-machine'] as string | undefined;
  if (stateMachine === undefined) {
    io.err('--state-machine is required.');
    io.err(USAGE);
    return 2;
  }
  let input: unknown = {};
  let hourMs: number;
  let minRecords: number;
  try {
    if (typeof values.input === 'string') input = JSON.parse(readFileSync(values.input, 'utf8'));
    hourMs = positiveInteger('hour-ms', values['hour-ms'] as string | undefined, 1000);
    minRecords = positiveInteger('min-records', values['min-records'] as string | undefined, 100);
  } catch (error) {
    io.err(
      error instanceof UsageError
        ? error.message
        : `Cannot read --input: ${(error as Error).message}`,
    );
    return 2;
  }

  const local = await startLocalAws({
    clock: new RealTimeClock({ msPerVirtualHour: hourMs }),
    bedrock: { quotas: { minRecordsPerJob: minRecords } },
    ...(values.verbose
      ? { onLambdaLog: (fn: string, line: string) => io.err(`[${fn}] ${line}`) }
      : {}),
  });
  const onSignal = (): void => {
    io.err('Interrupted: stopping the local runtime.');
    void local.stop().then(() => process.exit(130));
  };
  if (values['print-endpoints']) {
    io.err(
      `S3 ${local.s3.endpoint}, Bedrock ${local.bedrock.endpoint}, Step Functions ${local.stepFunctions.endpoint}, STS ${local.sts.endpoint}`,
    );
  }
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const app = await local.loadApp(values.assembly as string);
    const uploads = (values.upload as string[] | undefined) ?? [];
    if (uploads.length > 0) {
      const bucket = app.bucket(values.bucket as string | undefined).name;
      const s3 = local.createS3Client();
      for (const root of uploads) {
        const base = statSync(root).isDirectory() ? root : join(root, '..');
        for (const file of filesUnder(root)) {
          const key = `${values.prefix as string}${statSync(root).isDirectory() ? relative(base, file) : basename(file)}`;
          await s3.send(
            new PutObjectCommand({ Bucket: bucket, Key: key, Body: readFileSync(file) }),
          );
          io.err(`uploaded s3://${bucket}/${key}`);
        }
      }
    }
    const unsubscribe = local.bedrock.onEvent((event) =>
      io.err(
        `job ${event.detail.batchJobName ?? event.detail.batchJobArn}: ${event.detail.status}`,
      ),
    );
    const execution = app.startExecution(stateMachine, input);
    io.err(`started ${execution.executionArn}`);
    const result = await execution.result;
    unsubscribe();
    io.out(
      JSON.stringify(
        { status: result.status, output: result.output, error: result.error, cause: result.cause },
        null,
        2,
      ),
    );
    return result.status === 'SUCCEEDED' ? 0 : 1;
  } catch (error) {
    io.err(`${(error as Error).name}: ${(error as Error).message}`);
    return 1;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    await local.stop();
  }
}

export type { CliIo };
export { runCli };
