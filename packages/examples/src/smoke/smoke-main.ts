import { createInterface } from 'node:readline/promises';
import { loadPriceBook } from '../demo/prices.js';
import { generateReviewRecords } from '../demo/sample-reviews.js';
import { awsTarget } from './aws-target.js';
import { confirmDeploy } from './confirm-deploy.js';
import { SmokeRefusedError, SmokeUsageError } from './errors.js';
import { localTarget } from './local-target.js';
import { runSmoke, SMOKE_MODEL_ID } from './run-smoke.js';
import { AWS_CREDENTIAL_VARIABLES, parseSmokeArgs, type TargetName } from './smoke-args.js';
import { costLines, estimateSmokeCost } from './smoke-cost.js';
import { SMOKE_STACK_NAME } from './smoke-stack.js';
import type { SmokeTarget } from './smoke-target.js';

/** Options of {@link smokeMain}: the process's streams and environment, replaceable in tests. */
interface SmokeMainOptions {
  /** @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** @default process.stdout.write */
  readonly write?: (text: string) => void;
  /**
   * Whether there is a terminal to ask on.
   * @default process.stdin.isTTY && process.stdout.isTTY
   */
  readonly interactive?: boolean;
  /** @default - asks on the terminal (node:readline) */
  readonly ask?: (question: string) => Promise<string>;
  /** Aborting it stops the run, which then cleans up and destroys the stack. */
  readonly signal?: AbortSignal;
  /** @default - localTarget() and awsTarget() */
  readonly targets?: Readonly<Record<TargetName, () => SmokeTarget>>;
}

const RECORDS = 100;

const USAGE = `Usage: pnpm run smoke [--target local|aws] [--yes]

Deploys a small app with the BedrockBatchSfn fragment, runs one Bedrock batch job of ${RECORDS} records,
checks the result and that no job is left in flight, and destroys the app (also on failure).

  --target local  the local runtime: no AWS account, nothing is charged
  --target aws    the account and region of the environment's credentials, with the cdk CLI
  --yes, -y       deploy to AWS without asking (required without a terminal)

Without --target: aws when one of these variables is set, local otherwise:
${AWS_CREDENTIAL_VARIABLES.map((name) => `  ${name}`).join('\n')}
`;

async function askOnTerminal(question: string): Promise<string> {
  const terminal = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return await terminal.question(question);
  } finally {
    terminal.close();
  }
}

function targetLine(target: TargetName, chosenBy: 'argument' | 'environment'): string {
  const why =
    chosenBy === 'argument'
      ? 'chosen with --target'
      : target === 'aws'
        ? 'the default: AWS credentials are in the environment'
        : 'the default: no AWS credentials are in the environment; --target aws deploys to AWS';
  return target === 'aws'
    ? `Target: AWS, the account and region of the environment's credentials (${why}).`
    : `Target: the local runtime, no AWS account (${why}).`;
}

/**
 * The smoke test's command line (`pnpm run smoke`): parses the arguments, prints what it will
 * deploy and what that costs on AWS, asks before deploying to AWS (unless `--yes`; refuses without
 * a terminal), runs {@link runSmoke} on the target and prints each check. Resolves to the exit
 * code: 0 passed, 1 failed (a check or an error), 2 not run (bad arguments, refused, or declined).
 *
 * @example
 * ```ts
 * process.exitCode = await smokeMain(process.argv.slice(2));
 * ```
 */
async function smokeMain(argv: readonly string[], options: SmokeMainOptions = {}): Promise<number> {
  const write = options.write ?? ((text: string) => process.stdout.write(text));
  const say = (line = '') => write(`${line}\n`);
  try {
    const args = parseSmokeArgs(argv, options.env ?? process.env);
    if (args.help) {
      write(USAGE);
      return 0;
    }
    say(targetLine(args.target, args.targetFrom));
    say(
      `It deploys the stack ${SMOKE_STACK_NAME} (an S3 bucket emptied and deleted with the stack, the BedrockBatchSfn` +
        ` fragment's functions, rules and role, a state machine), runs one batch job of ${RECORDS} records with` +
        ` ${SMOKE_MODEL_ID}, checks the result and destroys the stack, also on failure.`,
    );
    const { records } = generateReviewRecords(1, RECORDS);
    for (const line of costLines(estimateSmokeCost(records, SMOKE_MODEL_ID, loadPriceBook())))
      say(line);
    if (args.target === 'local') {
      say(
        "  On the local runtime nothing is charged: the emulator answers with the demo's keyword responder, not the model.",
      );
    }
    if (args.target === 'aws') {
      const confirmed = await confirmDeploy({
        yes: args.yes,
        interactive: options.interactive ?? Boolean(process.stdin.isTTY && process.stdout.isTTY),
        question: `Deploy ${SMOKE_STACK_NAME} to AWS and run the batch job? [y/N] `,
        ask: options.ask ?? askOnTerminal,
      });
      if (!confirmed) {
        say('Cancelled: nothing was deployed.');
        return 2;
      }
    }
    say();
    const targets = options.targets ?? { local: () => localTarget(), aws: () => awsTarget() };
    const report = await runSmoke(targets[args.target](), {
      records: RECORDS,
      write,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    say(report.passed ? 'Smoke test passed.' : 'Smoke test FAILED.');
    return report.passed ? 0 : 1;
  } catch (error) {
    const notRun = error instanceof SmokeUsageError || error instanceof SmokeRefusedError;
    say(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
    if (!notRun) say('Smoke test FAILED.');
    return notRun ? 2 : 1;
  }
}

export type { SmokeMainOptions };
export { smokeMain };
