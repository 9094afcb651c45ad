import { createHash } from 'node:crypto';
import { AssemblyError } from '../errors.js';
import type { AssemblyStack, TemplateResource } from './cloud-assembly.js';

/** Where a stack "runs" locally: the values of the pseudo parameters. */
interface LocalEnvironment {
  /** @default 'aws' */
  readonly partition?: string;
  /** @default the stack's Region, else 'us-east-1' */
  readonly region?: string;
  /** @default the stack's account, else '123456789012' */
  readonly account?: string;
}

/** What `Ref` and `Fn::GetAtt` give for one resource. */
interface ResourceIdentity {
  readonly ref: string;
  readonly attributes: Readonly<Record<string, string>>;
}

const NAME_LIMITS: Record<string, number> = {
  'AWS::Lambda::Function': 64,
  'AWS::IAM::Role': 64,
  'AWS::Events::Rule': 64,
  'AWS::StepFunctions::StateMachine': 80,
  'AWS::SQS::Queue': 80,
};

function shortHash(text: string, length = 8): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

/**
 * Resolves CloudFormation intrinsic functions in a stack's template to the values the resources
 * would have once deployed: pseudo parameters, parameter defaults, `Ref`, `Fn::GetAtt`, `Fn::Join`,
 * `Fn::Sub`, `Fn::Select`, `Fn::Split`, `Fn::GetAZs`, `Fn::Base64`. Physical names are the names the
 * template sets, else a deterministic `<stack>-<logicalId>` (lowercase for buckets).
 *
 * @example
 * ```ts
 * const resolver = new IntrinsicResolver(stack, { region: 'us-east-1' });
 * const definition = JSON.parse(resolver.resolveString(resource.Properties.DefinitionString));
 * ```
 */
class IntrinsicResolver {
  public readonly partition: string;
  public readonly region: string;
  public readonly account: string;
  private readonly identities = new Map<string, ResourceIdentity>();
  private readonly resolving = new Set<string>();

  public constructor(
    public readonly stack: AssemblyStack,
    environment: LocalEnvironment = {},
  ) {
    this.partition = environment.partition ?? 'aws';
    this.region = environment.region ?? stack.region ?? 'us-east-1';
    this.account = environment.account ?? stack.account ?? '123456789012';
  }

  /** The stack's resources. */
  public get resources(): Readonly<Record<string, TemplateResource>> {
    return this.stack.template.Resources ?? {};
  }

  /** Resolves every intrinsic function inside `value`. */
  public resolve(value: unknown, path = 'value'): unknown {
    if (Array.isArray(value)) return value.map((item, i) => this.resolve(item, `${path}[${i}]`));
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>);
    const first = entries[0];
    if (
      entries.length === 1 &&
      first !== undefined &&
      (first[0] === 'Ref' || first[0].startsWith('Fn::'))
    ) {
      return this.resolveFunction(first[0], first[1], path);
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, this.resolve(v, `${path}.${k}`)]));
  }

  /** Resolves `value` and requires a string. */
  public resolveString(value: unknown, path = 'value'): string {
    const resolved = this.resolve(value, path);
    if (typeof resolved !== 'string') {
      throw new AssemblyError(
        `${path} of stack ${this.stack.stackName} is not a string once resolved.`,
      );
    }
    return resolved;
  }

  /** `Ref` and attributes of one resource. */
  public identity(logicalId: string): ResourceIdentity {
    const known = this.identities.get(logicalId);
    if (known) return known;
    const resource = this.resources[logicalId];
    if (resource === undefined) {
      throw new AssemblyError(`Stack ${this.stack.stackName} has no resource ${logicalId}.`);
    }
    if (this.resolving.has(logicalId)) {
      throw new AssemblyError(
        `The name of ${logicalId} in ${this.stack.stackName} refers to itself.`,
      );
    }
    this.resolving.add(logicalId);
    try {
      const identity = this.buildIdentity(logicalId, resource);
      this.identities.set(logicalId, identity);
      return identity;
    } finally {
      this.resolving.delete(logicalId);
    }
  }

  private physicalName(logicalId: string, resource: TemplateResource, property: string): string {
    const given = resource.Properties?.[property];
    if (given !== undefined) return this.resolveString(given, `${logicalId}.${property}`);
    const limit = NAME_LIMITS[resource.Type] ?? 128;
    const name = `${this.stack.stackName}-${logicalId}`;
    return name.length <= limit ? name : `${name.slice(0, limit - 9)}-${shortHash(name)}`;
  }

  private bucketName(logicalId: string, resource: TemplateResource): string {
    const given = resource.Properties?.BucketName;
    if (given !== undefined) return this.resolveString(given, `${logicalId}.BucketName`);
    const raw = `${this.stack.stackName}-${logicalId}`.toLowerCase().replace(/[^a-z0-9.-]+/g, '-');
    const name = raw.length <= 63 ? raw : `${raw.slice(0, 54)}-${shortHash(raw)}`;
    return name.replace(/^[^a-z0-9]+/, 'b').replace(/[^a-z0-9]+$/, '0');
  }

  private arn(
    service: string,
    resource: string,
    region = this.region,
    account = this.account,
  ): string {
    return `arn:${this.partition}:${service}:${region}:${account}:${resource}`;
  }

  private buildIdentity(logicalId: string, resource: TemplateResource): ResourceIdentity {
    switch (resource.Type) {
      case 'AWS::Lambda::Function': {
        const name = this.physicalName(logicalId, resource, 'FunctionName');
        return { ref: name, attributes: { Arn: this.arn('lambda', `function:${name}`) } };
      }
      case 'AWS::IAM::Role': {
        const name = this.physicalName(logicalId, resource, 'RoleName');
        const path = typeof resource.Properties?.Path === 'string' ? resource.Properties.Path : '/';
        return {
          ref: name,
          attributes: {
            Arn: `arn:${this.partition}:iam::${this.account}:role${path}${name}`,
            RoleId: `AROA${shortHash(name, 16).toUpperCase()}`,
          },
        };
      }
      case 'AWS::IAM::ManagedPolicy': {
        const name = this.physicalName(logicalId, resource, 'ManagedPolicyName');
        const arn = `arn:${this.partition}:iam::${this.account}:policy/${name}`;
        return { ref: arn, attributes: { PolicyArn: arn } };
      }
      case 'AWS::S3::Bucket': {
        const name = this.bucketName(logicalId, resource);
        return {
          ref: name,
          attributes: {
            Arn: `arn:${this.partition}:s3:::${name}`,
            DomainName: `${name}.s3.amazonaws.com`,
            RegionalDomainName: `${name}.s3.${this.region}.amazonaws.com`,
          },
        };
      }
      case 'AWS::StepFunctions::StateMachine': {
        const name = this.physicalName(logicalId, resource, 'StateMachineName');
        const arn = this.arn('states', `stateMachine:${name}`);
        return { ref: arn, attributes: { Arn: arn, Name: name } };
      }
      case 'AWS::Events::Rule': {
        const name = this.physicalName(logicalId, resource, 'Name');
        return { ref: name, attributes: { Arn: this.arn('events', `rule/${name}`) } };
      }
      case 'AWS::KMS::Key': {
        const id = [8, 4, 4, 4, 12]
          .map((n, i) => shortHash(`${this.stack.stackName}/${logicalId}/${i}`, n))
          .join('-');
        return { ref: id, attributes: { Arn: this.arn('kms', `key/${id}`), KeyId: id } };
      }
      case 'AWS::Logs::LogGroup': {
        const name = this.physicalName(logicalId, resource, 'LogGroupName');
        return { ref: name, attributes: { Arn: this.arn('logs', `log-group:${name}:*`) } };
      }
      case 'AWS::SQS::Queue': {
        const name = this.physicalName(logicalId, resource, 'QueueName');
        return {
          ref: `https://sqs.${this.region}.amazonaws.com/${this.account}/${name}`,
          attributes: { Arn: this.arn('sqs', name), QueueName: name },
        };
      }
      default: {
        const service = resource.Type.split('::')[1]?.toLowerCase() ?? 'unknown';
        return { ref: logicalId, attributes: { Arn: this.arn(service, logicalId) } };
      }
    }
  }

  private pseudo(name: string): string | undefined {
    switch (name) {
      case 'AWS::Partition':
        return this.partition;
      case 'AWS::Region':
        return this.region;
      case 'AWS::AccountId':
        return this.account;
      case 'AWS::StackName':
        return this.stack.stackName;
      case 'AWS::StackId':
        return this.arn(
          'cloudformation',
          `stack/${this.stack.stackName}/${shortHash(this.stack.stackName, 12)}`,
        );
      case 'AWS::URLSuffix':
        return this.partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
      case 'AWS::NoValue':
        return undefined;
      default:
        return undefined;
    }
  }

  private ref(name: string, path: string): unknown {
    if (name.startsWith('AWS::')) {
      const value = this.pseudo(name);
      if (value === undefined && name !== 'AWS::NoValue') {
        throw new AssemblyError(`${path}: unknown pseudo parameter ${name}.`);
      }
      return value;
    }
    const parameter = this.stack.template.Parameters?.[name];
    if (parameter !== undefined) {
      if (parameter.Default === undefined) {
        throw new AssemblyError(
          `${path}: parameter ${name} has no default, and the local runtime takes no parameters.`,
        );
      }
      return parameter.Default;
    }
    return this.identity(name).ref;
  }

  private getAtt(logicalId: string, attribute: string, path: string): string {
    const value = this.identity(logicalId).attributes[attribute];
    if (value === undefined) {
      throw new AssemblyError(
        `${path}: Fn::GetAtt ${logicalId}.${attribute} is not known locally (${this.resources[logicalId]?.Type}).`,
      );
    }
    return value;
  }

  private sub(template: string, variables: Record<string, unknown>, path: string): string {
    return template.replace(/\$\{(!?)([^}]+)\}/g, (_match, literal: string, name: string) => {
      if (literal === '!') return `\${${name}}`;
      if (name in variables) return String(variables[name]);
      const dot = name.indexOf('.');
      if (dot > 0 && !name.startsWith('AWS::')) {
        return this.getAtt(name.slice(0, dot), name.slice(dot + 1), path);
      }
      return String(this.ref(name, path));
    });
  }

  private resolveFunction(name: string, argument: unknown, path: string): unknown {
    const where = `${path}.${name}`;
    switch (name) {
      case 'Ref':
        return this.ref(String(argument), where);
      case 'Fn::GetAtt': {
        const [logicalId, attribute] = Array.isArray(argument)
          ? (argument as string[])
          : String(argument).split(/\.(.*)/s);
        return this.getAtt(String(logicalId), String(this.resolve(attribute, where)), where);
      }
      case 'Fn::Join': {
        const [separator, list] = argument as [string, unknown];
        const items = this.resolve(list, where);
        if (!Array.isArray(items))
          throw new AssemblyError(`${where}: the list to join is not a list.`);
        return items.map(String).join(separator);
      }
      case 'Fn::Sub': {
        if (typeof argument === 'string') return this.sub(argument, {}, where);
        const [text, variables] = argument as [string, Record<string, unknown>];
        return this.sub(text, this.resolve(variables, where) as Record<string, unknown>, where);
      }
      case 'Fn::Select': {
        const [index, list] = argument as [unknown, unknown];
        const items = this.resolve(list, where);
        const item = Array.isArray(items) ? items[Number(this.resolve(index, where))] : undefined;
        if (item === undefined) throw new AssemblyError(`${where}: index out of range.`);
        return item;
      }
      case 'Fn::Split': {
        const [separator, text] = argument as [string, unknown];
        return this.resolveString(text, where).split(separator);
      }
      case 'Fn::GetAZs':
        return ['a', 'b', 'c'].map((zone) => `${this.region}${zone}`);
      case 'Fn::Base64':
        return Buffer.from(this.resolveString(argument, where)).toString('base64');
      default:
        throw new AssemblyError(`${where}: ${name} is not supported by the local runtime.`);
    }
  }
}

export type { LocalEnvironment, ResourceIdentity };
export { IntrinsicResolver };
