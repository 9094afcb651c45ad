import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { allStates, aslErrors, renderFake } from '../helpers/definition.js';
import { JsiiKernelError, JsiiKernelProcess, type ObjRef } from '../helpers/jsii-kernel-process.js';
import {
  cachedDependencyTarball,
  type JsiiPackage,
  jsiiLoadOrder,
  npmPack,
  typeIndex,
} from '../helpers/jsii-packages.js';
import { fqnOf, PythonStyleClient } from '../helpers/jsii-python-client.js';

/**
 * The construct as a Python program uses it: `@jsii/runtime` (the process the Python `jsii`
 * package starts) runs on this Node, and the test speaks the runtime's JSON-lines protocol the
 * way the Python client does: `load` of each npm tarball, dependencies first, then `create`,
 * `invoke`, `sinvoke`, `get` with structs, maps and references on the wire, and callbacks into
 * an object the client implements. The wheel itself is not built (no PyPI here).
 *
 * Needs the construct built (`.jsii`, `dist/`, `dist/lambda`). The dependencies' tarballs
 * (aws-cdk-lib is 156 MB unpacked) are packed once and kept in
 * `<repo>/node_modules/.cache/jsii-runtime-test/`; the construct is packed on every run.
 */

const packageDir = join(__dirname, '..', '..');
const repoDir = join(packageDir, '..', '..');
const cacheDir = join(repoDir, 'node_modules', '.cache', 'jsii-runtime-test');
/** The longest wait for one response (a cold package cache unpacks aws-cdk-lib on `load`). */
const REQUEST_TIMEOUT_MS = 120_000;
/** Packing the dependencies into an empty cache took about half a minute here. */
const SETUP_TIMEOUT_MS = 10 * 60_000;
const TEST_TIMEOUT_MS = 3 * 60_000;
const BUNDLES = [
  'collect-results',
  'create-job',
  'job-event',
  'on-demand',
  'prepare-dataset',
  'reconcile',
] as const;

const S3 = 'aws-cdk-lib.aws_s3';
const IAM = 'aws-cdk-lib.aws_iam';
const SFN = 'aws-cdk-lib.aws_stepfunctions';
const CONSTRUCT = '@bedrock-batch/construct';

interface Template {
  readonly Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
}

describe('Python: the construct driven through @jsii/runtime as the Python jsii client drives it', () => {
  let workDir: string;
  /** TMPDIR of the runtime: what it leaves there is checked after it exits. */
  let runtimeTmpDir: string;
  let packages: JsiiPackage[];
  const loaded: Array<{ assembly: string; types: number }> = [];
  let kernel: JsiiKernelProcess | undefined;
  let py: PythonStyleClient;

  /** The runtime beforeAll started, failing clearly when it did not. */
  function runtime(): JsiiKernelProcess {
    if (kernel === undefined) throw new Error('the jsii runtime did not start (see beforeAll)');
    return kernel;
  }

  beforeAll(async () => {
    for (const file of ['.jsii', ...BUNDLES.map((b) => join('dist', 'lambda', b, 'index.mjs'))]) {
      if (!existsSync(join(packageDir, file))) {
        throw new Error(`${file} is missing: run the construct's build first.`);
      }
    }
    workDir = mkdtempSync(join(tmpdir(), 'jsii-runtime-test-'));
    runtimeTmpDir = join(workDir, 'runtime-tmp');
    mkdirSync(runtimeTmpDir);

    packages = jsiiLoadOrder(packageDir);
    const tarballs = packages.map((pkg) =>
      pkg.name === CONSTRUCT
        ? npmPack(packageDir, join(workDir, 'construct'), workDir)
        : cachedDependencyTarball(pkg, cacheDir, workDir),
    );

    const env: NodeJS.ProcessEnv = {};
    for (const [key, value] of Object.entries(process.env)) {
      if (!/^(CDK_|JSII_)/.test(key)) env[key] = value;
    }
    kernel = await JsiiKernelProcess.start({
      timeoutMs: REQUEST_TIMEOUT_MS,
      env: {
        ...env,
        TMPDIR: runtimeTmpDir,
        // Set by the Python client (`Python/<version>`); CDK reports it in its metadata.
        JSII_AGENT: 'Python/jsii-runtime.test',
        // The extracted packages are cached as the Python client's runtime caches them, but
        // here rather than in ~/.cache/aws/jsii.
        JSII_RUNTIME_PACKAGE_CACHE_ROOT: join(cacheDir, 'package-cache'),
      },
    });
    py = new PythonStyleClient(kernel, typeIndex(packages));
    for (const [index, pkg] of packages.entries()) {
      loaded.push(await py.load(pkg.name, pkg.version, tarballs[index] as string));
    }
  }, SETUP_TIMEOUT_MS);

  /** `app = App(); stack = Stack(app, name)`, as Python creates them (every struct field sent). */
  async function newStack(name: string): Promise<{ app: ObjRef; stack: ObjRef }> {
    const app = await py.new('aws-cdk-lib.App', py.struct('aws-cdk-lib.AppProps'));
    const stack = await py.new('aws-cdk-lib.Stack', app, name, py.struct('aws-cdk-lib.StackProps'));
    return { app, stack };
  }

  afterAll(() => {
    kernel?.kill();
    if (workDir !== undefined) rmSync(workDir, { recursive: true, force: true });
  });

  it('greets, then loads the assemblies dependencies first, the construct last', () => {
    // Prepare
    const runtimePackage = require.resolve('@jsii/runtime/package.json');
    const { version } = JSON.parse(readFileSync(runtimePackage, 'utf8')) as { version: string };

    // Act: done in beforeAll (hello, then one `load` per assembly)

    // Assess: the Python client checks `hello` against its own runtime version
    expect(runtime().hello).toBe(`@jsii/runtime@${version}`);
    expect(loaded.map((l) => l.assembly)).toEqual([
      '@aws-cdk/asset-awscli-v1',
      '@aws-cdk/asset-node-proxy-agent-v6',
      '@aws-cdk/cloud-assembly-schema',
      'constructs',
      'aws-cdk-lib',
      CONSTRUCT,
    ]);
    expect(loaded.at(-1)?.types).toBe(Object.keys(packages.at(-1)?.assembly.types ?? {}).length);
  });

  it('knows the Python module of the construct (naming)', async () => {
    // Act
    const ok = (await runtime().request({ api: 'naming', assembly: CONSTRUCT })) as {
      naming: Record<string, Record<string, unknown>>;
    };

    // Assess
    expect(ok.naming.python).toEqual({
      distName: 'bedrock-batch.construct',
      module: 'bedrock_batch.construct',
    });
  });

  it(
    'synthesizes the seed stack written in Python: six bundled functions, the task, both rules',
    async () => {
      // Prepare: the seed's usage code as Python runs it
      //   app = App(); stack = Stack(app, "SeedStack")
      const { app, stack } = await newStack('SeedStack');
      //   batch_bucket = s3.Bucket(stack, "BedrockBatchBucket")
      const bucket = await py.new(
        `${S3}.Bucket`,
        stack,
        'BedrockBatchBucket',
        py.struct(`${S3}.BucketProps`),
      );
      //   batch_policy = iam.ManagedPolicy(stack, "BatchPolicy")
      const policy = await py.new(
        `${IAM}.ManagedPolicy`,
        stack,
        'BatchPolicy',
        py.struct(`${IAM}.ManagedPolicyProps`),
      );
      //   batch_policy.add_statements(iam.PolicyStatement(sid="Inference", actions=[...],
      //       resources=[f"arn:aws:bedrock:{stack.region}::foundation-model/*"]))
      const region = (await py.get(stack, 'region')) as string;
      const statement = await py.new(
        `${IAM}.PolicyStatement`,
        py.struct(`${IAM}.PolicyStatementProps`, {
          sid: 'Inference',
          actions: ['bedrock:InvokeModel', 'bedrock:CreateModelInvocationJob'],
          resources: [`arn:aws:bedrock:${region}::foundation-model/*`],
        }),
      );
      await py.invoke(policy, 'addStatements', statement);
      //   fragment = BedrockBatchSfn(stack, "AwsBedrockBatchSfn",
      //       bedrock_batch_input_bucket=batch_bucket, bedrock_batch_output_bucket=batch_bucket,
      //       bedrock_batch_policy=batch_policy, timeout=Duration.hours(48))
      const hours48 = await py.sinvoke('aws-cdk-lib.Duration', 'hours', 48);
      const fragment = await py.new(
        `${CONSTRUCT}.BedrockBatchSfn`,
        stack,
        'AwsBedrockBatchSfn',
        py.struct(`${CONSTRUCT}.BedrockBatchSfnProps`, {
          bedrockBatchInputBucket: bucket,
          bedrockBatchOutputBucket: bucket,
          bedrockBatchPolicy: policy,
          timeout: hours48,
        }),
      );
      //   input_state = sfn.Pass(stack, "InputState", parameters={...})
      const inputState = await py.new(
        `${SFN}.Pass`,
        stack,
        'InputState',
        py.struct(`${SFN}.PassProps`, {
          parameters: {
            job_name: 'test_job',
            manifest_keys: ['test_key.jsonl'],
            model_id: 'test.model-v1',
          },
        }),
      );
      const outputState = await py.new(
        `${SFN}.Pass`,
        stack,
        'OutputState',
        py.struct(`${SFN}.PassProps`),
      );
      //   fail_state = sfn.Fail(stack, "FailState", cause_path=sfn.JsonPath.string_at("$.cause"), ...)
      const failState = await py.new(
        `${SFN}.Fail`,
        stack,
        'FailState',
        py.struct(`${SFN}.FailProps`, {
          causePath: await py.sinvoke(`${SFN}.JsonPath`, 'stringAt', '$.cause'),
          errorPath: await py.sinvoke(`${SFN}.JsonPath`, 'stringAt', '$.error'),
        }),
      );
      //   chain = input_state.next(fragment).next(output_state)
      const chain = (await py.invoke(
        (await py.invoke(inputState, 'next', fragment)) as ObjRef,
        'next',
        outputState,
      )) as ObjRef;
      //   for end_state in fragment.end_states:
      //       if isinstance(end_state, sfn.TaskStateBase): end_state.add_catch(fail_state)
      const endStates = (await py.get(fragment, 'endStates')) as ObjRef[];
      for (const endState of endStates) {
        if (py.isinstance(endState, `${SFN}.TaskStateBase`)) {
          await py.invoke(endState, 'addCatch', failState, py.struct(`${SFN}.CatchProps`));
        }
      }
      //   sfn.StateMachine(stack, "StateMachine",
      //       definition_body=sfn.DefinitionBody.from_chainable(chain))
      await py.new(
        `${SFN}.StateMachine`,
        stack,
        'StateMachine',
        py.struct(`${SFN}.StateMachineProps`, {
          definitionBody: await py.sinvoke(`${SFN}.DefinitionBody`, 'fromChainable', chain),
        }),
      );
      //   @jsii.implements(IAspect) class Recorder: def visit(self, node): seen.append(node)
      //   Aspects.of(stack).add(Recorder())
      const visited: string[] = [];
      const recorder = await py.implement(['aws-cdk-lib.IAspect'], {
        visit: (node) => {
          visited.push(fqnOf(node as ObjRef));
          return null;
        },
      });
      const aspects = (await py.sinvoke('aws-cdk-lib.Aspects', 'of', stack)) as ObjRef;
      await py.invoke(aspects, 'add', recorder, py.struct('aws-cdk-lib.AspectOptions'));

      // Act: template = Template.from_stack(stack).to_json()
      const template = (await py.sinvoke(
        'aws-cdk-lib.assertions.Template',
        'fromStack',
        stack,
        py.struct('aws-cdk-lib.assertions.TemplateParsingOptions'),
      )) as ObjRef;
      const json = (await py.invoke(template, 'toJSON')) as Template;
      const outdir = (await py.get(app, 'outdir')) as string;

      // Assess: the functions' code is an asset staged from the construct's bundles
      const resources = Object.values(json.Resources);
      const ofType = (type: string) => resources.filter((r) => r.Type === type);
      const functions = ofType('AWS::Lambda::Function').map(
        (f) => f.Properties as { Code: { S3Key: string }; Handler: string; Runtime: string },
      );
      expect(functions).toHaveLength(BUNDLES.length);
      const staged = functions.map((fn) => {
        expect(fn).toMatchObject({ Handler: 'index.handler', Runtime: 'nodejs22.x' });
        expect(fn.Code.S3Key).toMatch(/^[0-9a-f]{64}\.zip$/);
        const hash = fn.Code.S3Key.replace('.zip', '');
        const bundle = readFileSync(join(outdir, `asset.${hash}`, 'index.mjs'));
        return BUNDLES.find((name) =>
          bundle.equals(readFileSync(join(packageDir, 'dist', 'lambda', name, 'index.mjs'))),
        );
      });
      expect(staged.sort()).toEqual([...BUNDLES]);

      // Assess: the state machine runs the fragment's wait-for-token task between the Pass states
      const [machine] = ofType('AWS::StepFunctions::StateMachine');
      const definition = JSON.parse(renderFake(machine?.Properties?.DefinitionString)) as Record<
        string,
        unknown
      >;
      expect(aslErrors(definition)).toBe('');
      expect(definition.StartAt).toBe('InputState');
      const states = allStates(definition);
      expect(states['AwsBedrockBatchSfn Create Job And Wait']).toMatchObject({
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      });
      expect(states.InputState?.Next).toBe('AwsBedrockBatchSfn Check Input');
      expect(states['AwsBedrockBatchSfn Run Jobs']?.Next).toBe('OutputState');
      // The seed's loop finds no TaskStateBase among the end states: the manifest path stays
      // uncaught, as upstream.
      expect(endStates.map(fqnOf).sort()).toEqual([`${SFN}.Map`, `${SFN}.Parallel`, `${SFN}.Pass`]);
      expect(states['AwsBedrockBatchSfn Collect Results']?.Catch).toBeUndefined();
      expect(states['AwsBedrockBatchSfn Run Jobs']?.Catch).toBeUndefined();

      // Assess: the job-state rule and the reconcile schedule
      const rules = ofType('AWS::Events::Rule').map((r) => r.Properties ?? {});
      expect(rules).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            EventPattern: expect.objectContaining({
              source: ['aws.bedrock'],
              'detail-type': ['Batch Inference Job State Change'],
            }),
          }),
          expect.objectContaining({ ScheduleExpression: 'rate(5 minutes)' }),
        ]),
      );
      expect(rules).toHaveLength(2);

      // Assess: the seed's policy went to the Bedrock service role only
      const roles = Object.entries(json.Resources).filter(([, r]) => r.Type === 'AWS::IAM::Role');
      const withPolicy = roles.filter(([, role]) =>
        JSON.stringify(role.Properties?.ManagedPolicyArns ?? []).includes('BatchPolicy'),
      );
      expect(withPolicy.map(([id]) => id)).toEqual([
        expect.stringMatching(/^AwsBedrockBatchSfnBedrockBatchRole/),
      ]);

      // Assess: the kernel called the Python aspect back for every construct, ours included,
      // and the client answered each callback with one `complete`
      expect(visited.filter((fqn) => fqn === 'aws-cdk-lib.aws_lambda.CfnFunction')).toHaveLength(
        BUNDLES.length,
      );
      expect(visited).toContain(`${CONSTRUCT}.BedrockBatchSfn`);
      expect(runtime().requestCounts.get('complete')).toBe(visited.length);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'takes optional props as Python passes them: a dict struct, a map, an enum, catch options',
    async () => {
      // Prepare:
      //   fragment = BedrockBatchSfn(stack, "Batch", bedrock_batch_input_bucket=bucket,
      //       bedrock_batch_output_bucket=bucket, max_concurrency=5,
      //       throttling_retry={"max_attempts": 4}, job_tags={"team": "ml"},
      //       handler_log_level=HandlerLogLevel.DEBUG)
      //   fragment.add_catch(retry_later, errors=["BedrockBatch.QuotaExceeded"],
      //       result_path="$.error")
      const { stack } = await newStack('OptionsStack');
      const bucket = await py.new(`${S3}.Bucket`, stack, 'Bucket', py.struct(`${S3}.BucketProps`));
      const fragment = await py.new(
        `${CONSTRUCT}.BedrockBatchSfn`,
        stack,
        'Batch',
        py.struct(`${CONSTRUCT}.BedrockBatchSfnProps`, {
          bedrockBatchInputBucket: bucket,
          bedrockBatchOutputBucket: bucket,
          maxConcurrency: 5,
          // The generated __init__ turns the dict into BedrockBatchRetryOptions(**dict).
          throttlingRetry: py.struct(`${CONSTRUCT}.BedrockBatchRetryOptions`, { maxAttempts: 4 }),
          jobTags: { team: 'ml' },
          handlerLogLevel: py.enumMember(`${CONSTRUCT}.HandlerLogLevel`, 'DEBUG'),
        }),
      );
      const retryLater = await py.new(
        `${SFN}.Pass`,
        stack,
        'RetryLater',
        py.struct(`${SFN}.PassProps`),
      );
      await py.invoke(
        fragment,
        'addCatch',
        retryLater,
        py.struct(`${SFN}.CatchProps`, {
          errors: ['BedrockBatch.QuotaExceeded'],
          resultPath: '$.error',
        }),
      );
      await py.new(
        `${SFN}.StateMachine`,
        stack,
        'StateMachine',
        py.struct(`${SFN}.StateMachineProps`, {
          definitionBody: await py.sinvoke(`${SFN}.DefinitionBody`, 'fromChainable', fragment),
        }),
      );

      // Act
      const template = (await py.sinvoke(
        'aws-cdk-lib.assertions.Template',
        'fromStack',
        stack,
        py.struct('aws-cdk-lib.assertions.TemplateParsingOptions'),
      )) as ObjRef;
      const json = (await py.invoke(template, 'toJSON')) as Template;

      // Assess: the props given took effect and the nulls of those not given left the defaults
      const resources = Object.values(json.Resources);
      const [machine] = resources.filter((r) => r.Type === 'AWS::StepFunctions::StateMachine');
      const states = allStates(
        JSON.parse(renderFake(machine?.Properties?.DefinitionString)) as Record<string, unknown>,
      );
      expect(states['Batch Run Jobs']).toMatchObject({
        MaxConcurrency: 5,
        Catch: [
          {
            ErrorEquals: ['BedrockBatch.QuotaExceeded'],
            ResultPath: '$.error',
            Next: 'RetryLater',
          },
        ],
      });
      const task = states['Batch Create Job And Wait'] as {
        Retry: Array<Record<string, unknown>>;
        Parameters: { Payload: { tags?: unknown } };
      };
      expect(task.Retry).toContainEqual({
        ErrorEquals: ['BedrockBatch.Throttled'],
        IntervalSeconds: 10,
        MaxAttempts: 4,
        BackoffRate: 2,
        MaxDelaySeconds: 300,
        JitterStrategy: 'FULL',
      });
      expect(task.Parameters.Payload.tags).toEqual([{ key: 'team', value: 'ml' }]);
      const levels = resources
        .filter((r) => r.Type === 'AWS::Lambda::Function')
        .map(
          (f) =>
            (f.Properties as { Environment: { Variables: Record<string, string> } }).Environment
              .Variables.POWERTOOLS_LOG_LEVEL,
        );
      expect(levels).toEqual(BUNDLES.map(() => 'DEBUG'));
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'returns the prop validation error to the client as a JavaScript error with its message',
    async () => {
      // Prepare: BedrockBatchSfn(stack, "Batch", ..., timeout=Duration.hours(12))
      const { stack } = await newStack('BadStack');
      const bucket = await py.new(`${S3}.Bucket`, stack, 'Bucket', py.struct(`${S3}.BucketProps`));
      const hours12 = await py.sinvoke('aws-cdk-lib.Duration', 'hours', 12);
      const props = py.struct(`${CONSTRUCT}.BedrockBatchSfnProps`, {
        bedrockBatchInputBucket: bucket,
        bedrockBatchOutputBucket: bucket,
        timeout: hours12,
      });

      // Act
      const error = await py.new(`${CONSTRUCT}.BedrockBatchSfn`, stack, 'Batch', props).then(
        () => undefined,
        (e: unknown) => e,
      );

      // Assess: the response carries the error's name, message and stack. Any name but
      // `@jsii/kernel.Fault` makes the Python client raise `RuntimeError(message)`.
      expect(error).toBeInstanceOf(JsiiKernelError);
      const kernelError = error as JsiiKernelError;
      expect(kernelError.kernelErrorName).toBe('InvalidPropError');
      expect(kernelError.message).toBe(
        'Invalid BedrockBatchSfn prop "timeout": must be a whole number of hours between 24 and 168 (received: "Duration.hours(12)")',
      );
      expect(kernelError.kernelStack).toMatch(
        /^InvalidPropError: .*\n\s+at wholeUnits \(.*[/\\]@bedrock-batch[/\\]construct[/\\]dist[/\\]resolve-props\.js:/,
      );
      // The runtime goes on serving the program after the error.
      expect(await py.get(stack, 'stackName')).toBe('BadStack');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'deletes objects on del and reports a call on a deleted one as a kernel Fault',
    async () => {
      // Prepare
      const duration = (await py.sinvoke('aws-cdk-lib.Duration', 'minutes', 5)) as ObjRef;
      const before = (await runtime().request({ api: 'stats' })) as { objectCount: number };

      // Act
      await runtime().request({ api: 'del', objref: duration });
      const after = (await runtime().request({ api: 'stats' })) as { objectCount: number };
      const error = await py.invoke(duration, 'toSeconds').then(
        () => undefined,
        (e: unknown) => e,
      );

      // Assess: Python raises jsii.errors.JSIIError for a Fault
      expect(after.objectCount).toBe(before.objectCount - 1);
      expect(error).toBeInstanceOf(JsiiKernelError);
      expect((error as JsiiKernelError).kernelErrorName).toBe('@jsii/kernel.Fault');
      expect((error as JsiiKernelError).message).toContain(duration['$jsii.byref']);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'exits on {"exit":0} as the Python client ends it, leaving no kernel folder behind',
    async () => {
      // Prepare: the kernel unpacks the assemblies into a jsii-kernel-* folder of its TMPDIR
      const kernelFolders = () =>
        readdirSync(runtimeTmpDir).filter((name) => name.startsWith('jsii-kernel-'));
      expect(kernelFolders()).toHaveLength(1);

      // Act
      const exit = await runtime().close();

      // Assess: it removes that folder on exit. What CDK synthesized (a cdk.out* folder per app
      // without outdir) stays there, as for a Python app; afterAll removes it.
      expect(exit).toEqual({ code: 0, signal: null });
      expect(kernelFolders()).toEqual([]);
      expect(readdirSync(runtimeTmpDir).filter((name) => !name.startsWith('cdk.out'))).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );
});
