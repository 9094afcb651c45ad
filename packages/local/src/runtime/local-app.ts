import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  type AssemblyStack,
  type CloudAssembly,
  loadCloudAssembly,
} from '../assembly/cloud-assembly.js';
import { IntrinsicResolver } from '../assembly/resolve-intrinsics.js';
import { createRandom, hashString } from '../bedrock/random.js';
import type { Clock } from '../clock.js';
import { AssemblyError, NotFoundError } from '../errors.js';
import { LocalFunction } from '../lambda/local-function.js';
import { type LocalExecution, LocalStateMachine } from '../stepfunctions/local-state-machine.js';
import type { Definition } from '../stepfunctions/prepare-definition.js';
import type { TaskTokenRegistry } from '../stepfunctions/task-token-registry.js';
import { LocalEventBus, type LocalRule, type LocalRuleTarget } from './event-rules.js';

/** What a local app needs from the runtime it runs in. */
interface LocalAppContext {
  readonly clock: Clock;
  readonly registry: TaskTokenRegistry;
  readonly s3Client: S3Client;
  readonly region: string;
  readonly accountId: string;
  /** Environment every function gets on top of its own (endpoints, region, credentials). */
  readonly functionEnvironment: Readonly<Record<string, string>>;
  readonly onLambdaLog?: (functionName: string, line: string) => void;
  /** Seed of the retry jitter; each state machine gets its own sequence. */
  readonly retrySeed?: number;
}

/** A bucket of the app, with where it came from. */
interface AppBucket {
  readonly name: string;
  readonly stackName: string;
  readonly logicalId: string;
  readonly path?: string;
}

/** A state machine of the app, with where it came from. */
interface AppStateMachine {
  readonly stackName: string;
  readonly logicalId: string;
  /** The construct path (`Stack/StateMachine`), when the template records it. */
  readonly path?: string;
  readonly machine: LocalStateMachine;
}

function cdkPath(stack: AssemblyStack, logicalId: string): string | undefined {
  const known = stack.constructPaths.get(logicalId);
  if (known !== undefined) return known;
  const path = stack.template.Resources?.[logicalId]?.Metadata?.['aws:cdk:path'];
  return typeof path === 'string' ? path.replace(/\/Resource$/, '') : undefined;
}

function functionNameFrom(nameOrArn: string): string {
  const match = /:function:([^:]+)(?::[^:]+)?$/.exec(nameOrArn);
  return match?.[1] ?? nameOrArn;
}

/**
 * A synthesized CDK app running on the local runtime: its buckets exist in the local S3, its
 * Lambda functions run from their asset bundles with the template's environment, its state
 * machines run on the local interpreter, and its EventBridge rules receive the Bedrock emulator's
 * events and fire their schedules. Load it with `LocalAws.loadApp`.
 *
 * @example
 * ```ts
 * const app = await local.loadApp('cdk.out');
 * const execution = app.startExecution('Pipeline', { job_name: 'reviews', manifest_keys: ['a.jsonl'], model_id: 'm' });
 * console.log((await execution.result).status);
 * ```
 */
class LocalApp {
  public readonly functions = new Map<string, LocalFunction>();
  public readonly stateMachines: AppStateMachine[] = [];
  public readonly rules: LocalRule[] = [];
  public readonly buckets: AppBucket[] = [];
  public readonly bus: LocalEventBus;

  private constructor(
    public readonly assembly: CloudAssembly,
    private readonly context: LocalAppContext,
  ) {
    const resolvers = assembly.stacks.map(
      (stack) =>
        [
          stack,
          new IntrinsicResolver(stack, { region: context.region, account: context.accountId }),
        ] as const,
    );
    for (const [stack, resolver] of resolvers) this.loadFunctions(stack, resolver);
    for (const [stack, resolver] of resolvers) {
      this.loadStateMachines(stack, resolver);
      this.loadRules(stack, resolver);
      this.collectBuckets(stack, resolver);
    }
    this.bus = new LocalEventBus(this.rules, {
      clock: context.clock,
      account: context.accountId,
      region: context.region,
    });
  }

  /**
   * Loads an assembly and prepares it: creates its buckets, then arms its schedules.
   *
   * @param assembly - a `cdk.out` folder or an already loaded assembly
   */
  public static async load(
    assembly: string | CloudAssembly,
    context: LocalAppContext,
  ): Promise<LocalApp> {
    const loaded = typeof assembly === 'string' ? loadCloudAssembly(assembly) : assembly;
    const app = new LocalApp(loaded, context);
    for (const bucket of app.buckets) {
      await context.s3Client
        .send(new CreateBucketCommand({ Bucket: bucket.name }))
        .catch((error: Error) => {
          if (!/BucketAlready/.test(error.name)) throw error;
        });
    }
    app.bus.start();
    return app;
  }

  /**
   * Finds a state machine by logical id, construct path (`Stack/Id`), name or ARN.
   *
   * @throws NotFoundError when none or several match; the message lists the candidates
   */
  public stateMachine(id: string): LocalStateMachine {
    const matches = this.stateMachines.filter(
      (sm) =>
        sm.logicalId === id ||
        sm.path === id ||
        sm.machine.name === id ||
        sm.machine.arn === id ||
        `${sm.stackName}/${sm.logicalId}` === id,
    );
    const found = matches[0];
    if (found !== undefined && matches.length === 1) return found.machine;
    const known = this.stateMachines
      .map((sm) => sm.path ?? `${sm.stackName}/${sm.logicalId}`)
      .join(', ');
    throw new NotFoundError(
      matches.length === 0
        ? `No state machine "${id}" in the app; it has: ${known || 'none'}.`
        : `"${id}" matches ${matches.length} state machines; use one of: ${known}.`,
    );
  }

  /**
   * Finds a bucket by logical id, construct path, or name; with no `id`, the app's only bucket.
   *
   * @throws NotFoundError when none or several match
   */
  public bucket(id?: string): AppBucket {
    const matches =
      id === undefined
        ? this.buckets
        : this.buckets.filter((b) => b.name === id || b.logicalId === id || b.path === id);
    const found = matches[0];
    if (found !== undefined && matches.length === 1) return found;
    const known = this.buckets.map((b) => b.path ?? b.name).join(', ');
    throw new NotFoundError(
      matches.length === 0
        ? `No bucket "${id}" in the app; it has: ${known || 'none'}.`
        : `${id === undefined ? 'The app' : `"${id}"`} has ${matches.length} buckets; name one of: ${known}.`,
    );
  }

  /** Starts an execution of a state machine (see {@link LocalApp.stateMachine} for `id`). */
  public startExecution(id: string, input: unknown, name?: string): LocalExecution {
    return this.stateMachine(id).startExecution(input, name);
  }

  /** A function by name or ARN. */
  public findFunction(nameOrArn: string): LocalFunction | undefined {
    return this.functions.get(functionNameFrom(nameOrArn));
  }

  /** Disarms schedules, aborts running executions and stops every function's worker. */
  public async stop(): Promise<void> {
    this.bus.stop();
    for (const { machine } of this.stateMachines) {
      for (const execution of machine.executions)
        execution.abort('Runtime.Stopped', 'The local runtime stopped.');
    }
    await Promise.all([...this.functions.values()].map((fn) => fn.stop()));
  }

  private resourcesOf(
    stack: AssemblyStack,
    type: string,
  ): Array<[string, Record<string, unknown>]> {
    return Object.entries(stack.template.Resources ?? {})
      .filter(([, resource]) => resource.Type === type)
      .map(([id, resource]) => [id, resource.Properties ?? {}]);
  }

  private loadFunctions(stack: AssemblyStack, resolver: IntrinsicResolver): void {
    for (const [logicalId, props] of this.resourcesOf(stack, 'AWS::Lambda::Function')) {
      const identity = resolver.identity(logicalId);
      const code = props.Code as { S3Key?: unknown; ZipFile?: unknown } | undefined;
      const key =
        code?.S3Key === undefined
          ? undefined
          : resolver.resolveString(code.S3Key, `${logicalId}.Code.S3Key`);
      const codeDirectory = key === undefined ? undefined : stack.assets.get(key);
      if (codeDirectory === undefined) {
        // Inline (ZipFile) code and functions whose asset is not in the assembly cannot run here;
        // CDK's own helper functions (custom resources) are of this kind and are not needed locally.
        continue;
      }
      const environment = resolver.resolve(
        (props.Environment as { Variables?: unknown } | undefined)?.Variables ?? {},
        `${logicalId}.Environment.Variables`,
      ) as Record<string, unknown>;
      const fn = new LocalFunction({
        name: identity.ref,
        arn: identity.attributes.Arn ?? '',
        codeDirectory,
        handler: resolver.resolveString(props.Handler ?? 'index.handler', `${logicalId}.Handler`),
        environment: {
          ...Object.fromEntries(Object.entries(environment).map(([k, v]) => [k, String(v)])),
          ...this.context.functionEnvironment,
        },
        clock: this.context.clock,
        timeoutMs: Number(props.Timeout ?? 3) * 1000,
        memorySizeMb: Number(props.MemorySize ?? 128),
        ...(this.context.onLambdaLog ? { onLog: this.context.onLambdaLog } : {}),
      });
      this.functions.set(fn.name, fn);
    }
  }

  private loadStateMachines(stack: AssemblyStack, resolver: IntrinsicResolver): void {
    for (const [logicalId, props] of this.resourcesOf(stack, 'AWS::StepFunctions::StateMachine')) {
      let definition: Definition;
      if (props.DefinitionString !== undefined) {
        let text = resolver.resolveString(props.DefinitionString, `${logicalId}.DefinitionString`);
        const substitutions = resolver.resolve(props.DefinitionSubstitutions ?? {}) as Record<
          string,
          unknown
        >;
        for (const [name, value] of Object.entries(substitutions))
          text = text.split(`\${${name}}`).join(String(value));
        definition = JSON.parse(text) as Definition;
      } else if (props.Definition !== undefined) {
        definition = resolver.resolve(props.Definition) as Definition;
      } else {
        throw new AssemblyError(
          `State machine ${logicalId} of ${stack.stackName} has no definition.`,
        );
      }
      const identity = resolver.identity(logicalId);
      const path = cdkPath(stack, logicalId);
      this.stateMachines.push({
        stackName: stack.stackName,
        logicalId,
        ...(path !== undefined ? { path } : {}),
        machine: new LocalStateMachine({
          name: identity.attributes.Name ?? logicalId,
          arn: identity.ref,
          definition,
          clock: this.context.clock,
          registry: this.context.registry,
          findFunction: (nameOrArn) => this.findFunction(nameOrArn),
          ...(this.context.retrySeed !== undefined
            ? { random: createRandom(hashString(`${this.context.retrySeed}:${identity.ref}`)) }
            : {}),
        }),
      });
    }
  }

  private loadRules(stack: AssemblyStack, resolver: IntrinsicResolver): void {
    for (const [logicalId, props] of this.resourcesOf(stack, 'AWS::Events::Rule')) {
      const state = props.State === undefined ? 'ENABLED' : String(props.State);
      if (!state.startsWith('ENABLED')) continue;
      const identity = resolver.identity(logicalId);
      const targets: LocalRuleTarget[] = [];
      for (const raw of (props.Targets as Array<Record<string, unknown>> | undefined) ?? []) {
        const target = resolver.resolve(raw, `${logicalId}.Targets`) as Record<string, unknown>;
        const fn = this.findFunction(String(target.Arn));
        if (fn === undefined) continue; // only Lambda targets run locally
        targets.push({
          id: String(target.Id),
          fn,
          ...(typeof target.Input === 'string' ? { input: target.Input } : {}),
          ...(typeof target.InputPath === 'string' ? { inputPath: target.InputPath } : {}),
          ...(target.InputTransformer !== undefined
            ? {
                inputTransformer: target.InputTransformer as LocalRuleTarget['inputTransformer'] &
                  object,
              }
            : {}),
        });
      }
      this.rules.push({
        name: identity.ref,
        arn: identity.attributes.Arn ?? '',
        ...(props.EventPattern !== undefined
          ? { eventPattern: resolver.resolve(props.EventPattern) }
          : {}),
        ...(props.ScheduleExpression !== undefined
          ? { scheduleExpression: resolver.resolveString(props.ScheduleExpression) }
          : {}),
        targets,
      });
    }
  }

  private collectBuckets(stack: AssemblyStack, resolver: IntrinsicResolver): void {
    for (const [logicalId] of this.resourcesOf(stack, 'AWS::S3::Bucket')) {
      const path = cdkPath(stack, logicalId);
      this.buckets.push({
        name: resolver.identity(logicalId).ref,
        stackName: stack.stackName,
        logicalId,
        ...(path !== undefined ? { path } : {}),
      });
    }
  }
}

export type { AppBucket, AppStateMachine, LocalAppContext };
export { LocalApp };
