import aslValidator from 'asl-validator';
import type { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';

/** A resolved CloudFormation value rendered as text, with references replaced by fake values. */
function renderFake(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value !== null && typeof value === 'object') {
    const node = value as Record<string, unknown>;
    const join = node['Fn::Join'];
    if (Array.isArray(join)) {
      const [delimiter, items] = join as [string, unknown[]];
      return items.map(renderFake).join(delimiter);
    }
    if (typeof node.Ref === 'string') {
      if (node.Ref === 'AWS::Partition') return 'aws';
      if (node.Ref === 'AWS::Region') return 'us-east-1';
      if (node.Ref === 'AWS::AccountId') return '123456789012';
      return `ref-${node.Ref.toLowerCase()}`;
    }
    const getAtt = node['Fn::GetAtt'];
    if (Array.isArray(getAtt)) {
      const [logicalId, attribute] = getAtt as [string, string];
      if (attribute === 'Arn' && logicalId.includes('Function')) {
        return `arn:aws:lambda:us-east-1:123456789012:function:${logicalId}`;
      }
      if (attribute === 'Arn' && logicalId.includes('Role')) {
        return `arn:aws:iam::123456789012:role/${logicalId}`;
      }
      if (attribute === 'Arn') return `arn:aws:kms:us-east-1:123456789012:key/${logicalId}`;
      return `${logicalId}.${attribute}`;
    }
  }
  throw new Error(`Cannot render ${JSON.stringify(value)}`);
}

/** Logical id of each state machine of a stack, in template order. */
function stateMachineIds(stack: Stack): string[] {
  return Object.keys(Template.fromStack(stack).findResources('AWS::StepFunctions::StateMachine'));
}

/**
 * The ASL definition of a state machine of `stack`, parsed, with CloudFormation references
 * replaced by fake values (partition `aws`, Lambda ARNs named after the logical id).
 */
function definitionOf(stack: Stack, logicalId?: string): Record<string, unknown> {
  const machines = Template.fromStack(stack).findResources('AWS::StepFunctions::StateMachine');
  const id = logicalId ?? Object.keys(machines)[0];
  if (id === undefined) throw new Error('The stack has no state machine');
  const machine = machines[id] as { Properties: { DefinitionString: unknown } };
  return JSON.parse(renderFake(machine.Properties.DefinitionString)) as Record<string, unknown>;
}

/** All states of a definition, nested ones (Map, Parallel) included, by name. */
function allStates(definition: Record<string, unknown>): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  const visit = (states: Record<string, Record<string, unknown>>): void => {
    for (const [name, state] of Object.entries(states)) {
      out[name] = state;
      const processor = (state.ItemProcessor ?? state.Iterator) as
        | { States: Record<string, Record<string, unknown>> }
        | undefined;
      if (processor !== undefined) visit(processor.States);
      const branches = state.Branches as
        | Array<{ States: Record<string, Record<string, unknown>> }>
        | undefined;
      for (const branch of branches ?? []) visit(branch.States);
    }
  };
  visit(definition.States as Record<string, Record<string, unknown>>);
  return out;
}

/** The asl-validator verdict on a definition: `''` when valid, else the errors as text. */
function aslErrors(definition: Record<string, unknown>): string {
  const result = aslValidator(definition);
  return result.isValid ? '' : result.errorsText('; ');
}

export { allStates, aslErrors, definitionOf, renderFake, stateMachineIds };
