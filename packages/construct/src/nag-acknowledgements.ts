import { type aws_iam as iam, Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Renders a resolved CloudFormation value the way cdk-nag names IAM findings:
 * `Fn::Join` is joined, `Ref` becomes `<Name>`, `Fn::GetAtt` becomes `<Name.Attr>`.
 */
function flattenReference(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (value !== null && typeof value === 'object') {
    const node = value as Record<string, unknown>;
    const join = node['Fn::Join'];
    if (Array.isArray(join)) {
      const [delimiter, items] = join as [string, unknown[]];
      return items.map(flattenReference).join(delimiter);
    }
    if (node['Fn::Sub'] !== undefined) return flattenReference(node['Fn::Sub']);
    const getAtt = node['Fn::GetAtt'];
    if (Array.isArray(getAtt)) {
      return `<${flattenReference(getAtt[0])}.${flattenReference(getAtt[1])}>`;
    }
    if (node['Fn::ImportValue'] !== undefined) return flattenReference(node['Fn::ImportValue']);
    if (node.Ref !== undefined) return `<${flattenReference(node.Ref)}>`;
  }
  return JSON.stringify(value);
}

/**
 * Acknowledges, on one policy resource only, the cdk-nag `AwsSolutions-IAM5` finding of every
 * wildcard resource of `statement`, with the reason why the service allows no narrower ARN.
 * Resources without a wildcard need no acknowledgement; other rules are untouched.
 *
 * @param policyResource - the `AWS::IAM::Policy` (or role) resource the statement is in
 * @param statement - a statement of that policy
 * @param reason - why the wildcard is needed
 *
 * @example
 * ```ts
 * policy.addStatements(statement);
 * acknowledgeWildcardResources(policy.node.defaultChild!, statement, 'Job ids are not known before the job exists.');
 * ```
 */
function acknowledgeWildcardResources(
  policyResource: IConstruct,
  statement: iam.PolicyStatement,
  reason: string,
): void {
  const json = Stack.of(policyResource).resolve(statement.toStatementJson()) as {
    Resource?: unknown;
  };
  const resources = Array.isArray(json.Resource) ? json.Resource : [json.Resource];
  for (const resource of resources) {
    const flat = flattenReference(resource);
    if (flat.includes('*')) {
      Validations.of(policyResource).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${flat}]`,
        reason,
      });
    }
  }
}

export { acknowledgeWildcardResources, flattenReference };
