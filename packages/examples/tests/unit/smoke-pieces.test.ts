import { existsSync, writeFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { BatchInputRecord } from '@bedrock-batch/schema';
import { describe, expect, it, jest } from '@jest/globals';
import { loadPriceBook } from '../../src/demo/prices.js';
import { generateReviewRecords } from '../../src/demo/sample-reviews.js';
import { awsTarget, type CommandRunner } from '../../src/smoke/aws-target.js';
import { confirmDeploy } from '../../src/smoke/confirm-deploy.js';
import {
  CommandFailedError,
  SmokeRefusedError,
  SmokeRunError,
  SmokeUsageError,
} from '../../src/smoke/errors.js';
import { runSmoke, SMOKE_MODEL_ID } from '../../src/smoke/run-smoke.js';
import {
  AWS_CREDENTIAL_VARIABLES,
  defaultTarget,
  parseSmokeArgs,
} from '../../src/smoke/smoke-args.js';
import { costLines, estimateSmokeCost } from '../../src/smoke/smoke-cost.js';
import { smokeMain } from '../../src/smoke/smoke-main.js';
import type { SmokeClients, SmokeTarget } from '../../src/smoke/smoke-target.js';

function errorOf(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => new Error('expected a rejection'),
    (error: unknown) => error as Error,
  );
}

describe('Smoke: arguments and the default target', () => {
  it('defaults to the local runtime without AWS credentials in the environment', () => {
    expect(parseSmokeArgs([], { AWS_REGION: 'eu-west-1', HOME: '/root' })).toEqual({
      target: 'local',
      targetFrom: 'environment',
      yes: false,
      help: false,
    });
  });

  it.each(AWS_CREDENTIAL_VARIABLES)('defaults to AWS when %s is set', (name) => {
    expect(defaultTarget({ [name]: 'x' })).toBe('aws');
    expect(defaultTarget({ [name]: '' })).toBe('local');
  });

  it('takes --target and --yes (or -y) over the environment', () => {
    expect(parseSmokeArgs(['--target', 'aws', '-y'], {})).toMatchObject({
      target: 'aws',
      targetFrom: 'argument',
      yes: true,
    });
    expect(parseSmokeArgs(['--target=local'], { AWS_PROFILE: 'sandbox' })).toMatchObject({
      target: 'local',
      targetFrom: 'argument',
    });
  });

  it('refuses an unknown target, option or positional argument, naming what it received', () => {
    const target = errorOf(() => parseSmokeArgs(['--target', 'gcp'], {}));
    expect(target).toBeInstanceOf(SmokeUsageError);
    expect(target.message).toBe('--target must be local or aws (received: "gcp")');
    const option = errorOf(() => parseSmokeArgs(['--region', 'x'], {}));
    expect(option).toBeInstanceOf(SmokeUsageError);
    expect(option.message).toContain("'--region'");
    expect(option.message).toContain('(received: ["--region","x"])');
    expect(errorOf(() => parseSmokeArgs(['deploy'], {}))).toBeInstanceOf(SmokeUsageError);
  });
});

describe('Smoke: cost estimate', () => {
  const prices = loadPriceBook();
  const record = (text: string, maxTokens: number): BatchInputRecord => ({
    recordId: 'r',
    modelInput: {
      anthropic_version: 'bedrock-2023-05-31',
      max_tokens: maxTokens,
      messages: [{ role: 'user', content: [{ type: 'text', text }] }],
    },
  });

  it('is records × tokens × the batch price per 1,000 tokens, input plus output', () => {
    // Prepare: 40 and 42 characters are 10 and 11 tokens; at most 5 output tokens each.
    const records = [record('x'.repeat(40), 5), record('y'.repeat(42), 3)];

    // Act
    const estimate = estimateSmokeCost(records, SMOKE_MODEL_ID, prices);

    // Assess: Claude 3 Haiku at $0.25 / $1.25 per million on demand, half in batch.
    expect(estimate.batchPer1k.input).toBeCloseTo(0.000125, 9);
    expect(estimate.batchPer1k.output).toBeCloseTo(0.000625, 9);
    expect(estimate.inputTokensPerRecord).toBe(11);
    expect(estimate.outputTokensPerRecord).toBe(5);
    expect(estimate.total).toBeCloseTo((21 * 0.000125 + 10 * 0.000625) / 1000, 12);
  });

  it("prints the calculation, the prices' source and date, and the 100-record minimum", () => {
    // Prepare
    const { records } = generateReviewRecords(1, 100);

    // Act
    const estimate = estimateSmokeCost(records, SMOKE_MODEL_ID, prices);
    const lines = costLines(estimate);

    // Assess
    expect(estimate.total).toBeGreaterThan(0);
    expect(estimate.total).toBeLessThan(0.01);
    expect(lines[0]).toMatch(
      /^Estimated Bedrock cost: 100 records × ~\d+ input tokens × \$0\.000125 per 1,000 \+ 100 records × at most 5 output tokens × \$0\.000625 per 1,000 = about \$0\.\d{4} \(USD\)\.$/,
    );
    expect(lines.join('\n')).toContain(`${prices.source}, checked ${prices.checkedOn}`);
    expect(lines.join('\n')).toContain('fewer than 100 records');
  });

  it('fails naming the model when the price book has no price for it', () => {
    expect(() => estimateSmokeCost([], 'acme.unknown-v1', prices)).toThrow(
      'No price for model acme.unknown-v1',
    );
  });
});

describe('Smoke: confirmation before deploying to AWS', () => {
  const question = 'Deploy? [y/N] ';

  it('does not ask with --yes', async () => {
    const ask = jest.fn(async () => 'n');
    await expect(confirmDeploy({ yes: true, interactive: false, question, ask })).resolves.toBe(
      true,
    );
    expect(ask).not.toHaveBeenCalled();
  });

  it('refuses without a terminal and without --yes', async () => {
    const ask = jest.fn(async () => 'y');
    await expect(
      confirmDeploy({ yes: false, interactive: false, question, ask }),
    ).rejects.toBeInstanceOf(SmokeRefusedError);
    expect(ask).not.toHaveBeenCalled();
  });

  it.each([
    ['y', true],
    [' YES ', true],
    ['', false],
    ['n', false],
    ['yess', false],
  ])('on a terminal, takes the answer %j as %s', async (answer, expected) => {
    const ask = jest.fn(async (_question: string) => answer);
    await expect(confirmDeploy({ yes: false, interactive: true, question, ask })).resolves.toBe(
      expected,
    );
    expect(ask).toHaveBeenCalledWith(question);
  });
});

describe('Smoke: the command line before anything is deployed', () => {
  function targets(): { deploys: string[]; targets: Record<'local' | 'aws', () => SmokeTarget> } {
    const deploys: string[] = [];
    const target = (name: 'local' | 'aws'): SmokeTarget => ({
      name,
      deploy: async () => {
        deploys.push(name);
        throw new Error('not in this test');
      },
      destroy: async () => {},
    });
    return { deploys, targets: { local: () => target('local'), aws: () => target('aws') } };
  }

  it('with AWS credentials in the environment and no terminal, prints the cost and refuses (exit 2)', async () => {
    // Prepare
    const { deploys, targets: fakeTargets } = targets();
    const output: string[] = [];

    // Act
    const code = await smokeMain([], {
      env: { AWS_PROFILE: 'sandbox' },
      interactive: false,
      write: (text) => output.push(text),
      targets: fakeTargets,
    });

    // Assess
    const text = output.join('');
    expect(code).toBe(2);
    expect(text).toContain('Target: AWS');
    expect(text).toContain('AWS credentials are in the environment');
    expect(text).toMatch(/Estimated Bedrock cost: 100 records/);
    expect(text).toContain('SmokeRefusedError: Refusing to deploy to AWS');
    expect(deploys).toEqual([]);
  });

  it('deploys nothing when the answer on the terminal is no (exit 2)', async () => {
    // Prepare
    const { deploys, targets: fakeTargets } = targets();
    const output: string[] = [];

    // Act
    const code = await smokeMain(['--target', 'aws'], {
      env: {},
      interactive: true,
      ask: async () => 'n',
      write: (text) => output.push(text),
      targets: fakeTargets,
    });

    // Assess
    expect(code).toBe(2);
    expect(output.join('')).toContain('Cancelled: nothing was deployed.');
    expect(deploys).toEqual([]);
  });

  it('prints the usage with --help and a usage error for a bad argument', async () => {
    const output: string[] = [];
    const write = (text: string) => output.push(text);
    await expect(smokeMain(['--help'], { env: {}, write })).resolves.toBe(0);
    expect(output.join('')).toContain('Usage: pnpm run smoke [--target local|aws] [--yes]');
    await expect(smokeMain(['--target', 'gcp'], { env: {}, write })).resolves.toBe(2);
    expect(output.join('')).toContain('SmokeUsageError: --target must be local or aws');
  });

  it('destroys the target when deploying fails, and fails (exit 1)', async () => {
    // Prepare
    const destroyed: string[] = [];
    const failing: SmokeTarget = {
      name: 'local',
      deploy: async () => {
        throw new Error('synth failed');
      },
      destroy: async () => {
        destroyed.push('local');
      },
    };
    const output: string[] = [];

    // Act
    const code = await smokeMain([], {
      env: {},
      write: (text) => output.push(text),
      targets: { local: () => failing, aws: () => failing },
    });

    // Assess
    expect(code).toBe(1);
    expect(destroyed).toEqual(['local']);
    expect(output.join('')).toContain('Error: synth failed');
  });
});

describe('Smoke: the AWS target (cdk CLI through an injected runner)', () => {
  const stateMachineArn = 'arn:aws:states:eu-west-1:111122223333:stateMachine:Pipeline';
  const clients = {} as SmokeClients;

  /** A runner that records each command and writes the outputs file `cdk deploy` would write. */
  function fakeCdk(exitCodes: Record<string, number> = {}, outputs: unknown = undefined) {
    const commands: Array<{ command: string; args: readonly string[]; cwd: string }> = [];
    const run: CommandRunner = async (command, args, { cwd }) => {
      commands.push({ command, args, cwd });
      const verb = args[0] ?? '';
      const outputsFile = args[args.indexOf('--outputs-file') + 1];
      if (verb === 'deploy' && outputsFile !== undefined) {
        writeFileSync(
          outputsFile,
          JSON.stringify(
            outputs ?? {
              BedrockBatchSmoke: { BucketName: 'smoke-bucket', StateMachineArn: stateMachineArn },
            },
          ),
        );
      }
      return exitCodes[verb] ?? 0;
    };
    return { commands, run };
  }

  it('deploys and destroys the smoke app with the cdk CLI, then removes its folder', async () => {
    // Prepare
    const { commands, run } = fakeCdk();
    const createClients = jest.fn((_region: string) => clients);
    const target = awsTarget({ run, createClients });

    // Act
    const deployment = await target.deploy();
    const workDir = dirname(commands[0]?.args[commands[0].args.indexOf('--output') + 1] ?? '');
    await target.destroy();

    // Assess
    expect(deployment).toMatchObject({ bucketName: 'smoke-bucket', stateMachineArn, clients });
    expect(createClients).toHaveBeenCalledWith('eu-west-1');
    expect(commands.map(({ command, cwd }) => [basename(command), basename(cwd)])).toEqual([
      ['cdk', 'examples'],
      ['cdk', 'examples'],
    ]);
    expect(commands.map(({ args }) => args.join(' '))).toEqual([
      `deploy BedrockBatchSmoke --app tsx src/smoke/smoke-app.ts --output ${workDir}/cdk.out --require-approval never --outputs-file ${workDir}/outputs.json`,
      `destroy BedrockBatchSmoke --app tsx src/smoke/smoke-app.ts --output ${workDir}/cdk.out --force`,
    ]);
    expect(existsSync(workDir)).toBe(false);
  });

  it('fails with the command and its exit code when cdk deploy fails, and still destroys', async () => {
    // Prepare
    const { commands, run } = fakeCdk({ deploy: 1 });
    const target = awsTarget({ run, createClients: () => clients });

    // Act
    const failure = await rejectionOf(target.deploy());
    await target.destroy();

    // Assess
    expect(failure).toBeInstanceOf(CommandFailedError);
    expect(failure.message).toMatch(/cdk deploy BedrockBatchSmoke .* exited with code 1$/);
    expect(commands.map(({ args }) => args[0])).toEqual(['deploy', 'destroy']);
  });

  it('fails naming what it read when the outputs file lacks the stack outputs', async () => {
    // Prepare
    const { run } = fakeCdk({}, { OtherStack: { BucketName: 'b' } });
    const target = awsTarget({ run, createClients: () => clients });

    // Act
    const failure = await rejectionOf(target.deploy());
    await target.destroy();

    // Assess
    expect(failure).toBeInstanceOf(SmokeRunError);
    expect(failure.message).toContain('(received: {"OtherStack":{"BucketName":"b"}})');
  });

  it('destroys nothing when it never deployed', async () => {
    const { commands, run } = fakeCdk();
    await awsTarget({ run }).destroy();
    expect(commands).toEqual([]);
  });
});

describe('Smoke: runSmoke cleans up whatever happens', () => {
  it('destroys the target and rethrows when deploying fails', async () => {
    // Prepare
    const calls: string[] = [];
    const target: SmokeTarget = {
      name: 'aws',
      deploy: async () => {
        calls.push('deploy');
        throw new CommandFailedError('cdk', ['deploy'], 1);
      },
      destroy: async () => {
        calls.push('destroy');
      },
    };

    // Act
    const run = runSmoke(target, { write: () => {} });

    // Assess
    await expect(run).rejects.toBeInstanceOf(CommandFailedError);
    expect(calls).toEqual(['deploy', 'destroy']);
  });
});
