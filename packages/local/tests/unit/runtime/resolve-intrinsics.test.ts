import { describe, expect, it } from '@jest/globals';
import type { AssemblyStack } from '../../../src/assembly/cloud-assembly.js';
import { IntrinsicResolver } from '../../../src/assembly/resolve-intrinsics.js';

const stack: AssemblyStack = {
  id: 'Demo',
  stackName: 'Demo',
  assets: new Map(),
  constructPaths: new Map(),
  template: {
    Parameters: { Stage: { Type: 'String', Default: 'dev' }, Secret: { Type: 'String' } },
    Resources: {
      Fn9270CBC0: { Type: 'AWS::Lambda::Function', Properties: {} },
      Named: {
        Type: 'AWS::Lambda::Function',
        Properties: { FunctionName: { 'Fn::Sub': '${AWS::StackName}-named' } },
      },
      Bucket83908E77: { Type: 'AWS::S3::Bucket' },
      SM934E715A: { Type: 'AWS::StepFunctions::StateMachine', Properties: {} },
      RoleABC: { Type: 'AWS::IAM::Role', Properties: { Path: '/service-role/' } },
      Key: { Type: 'AWS::KMS::Key' },
      Loop: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: { Ref: 'Loop' } } },
    },
  },
};

describe('Class: IntrinsicResolver', () => {
  const resolver = new IntrinsicResolver(stack, { region: 'eu-west-1', account: '111122223333' });

  it('resolves pseudo parameters and parameter defaults', () => {
    expect(
      resolver.resolve({
        'Fn::Join': [
          '',
          [
            'arn:',
            { Ref: 'AWS::Partition' },
            ':',
            { Ref: 'AWS::Region' },
            ':',
            { Ref: 'AWS::AccountId' },
            ':',
            { Ref: 'Stage' },
          ],
        ],
      }),
    ).toBe('arn:aws:eu-west-1:111122223333:dev');
  });

  it('names resources after the stack and logical id unless the template names them', () => {
    expect(resolver.resolve({ Ref: 'Fn9270CBC0' })).toBe('Demo-Fn9270CBC0');
    expect(resolver.resolve({ 'Fn::GetAtt': ['Fn9270CBC0', 'Arn'] })).toBe(
      'arn:aws:lambda:eu-west-1:111122223333:function:Demo-Fn9270CBC0',
    );
    expect(resolver.resolve({ Ref: 'Named' })).toBe('Demo-named');
    expect(resolver.resolve({ Ref: 'Bucket83908E77' })).toBe('demo-bucket83908e77');
    expect(resolver.resolve({ 'Fn::GetAtt': 'RoleABC.Arn' })).toBe(
      'arn:aws:iam::111122223333:role/service-role/Demo-RoleABC',
    );
    expect(resolver.resolve({ Ref: 'SM934E715A' })).toBe(
      'arn:aws:states:eu-west-1:111122223333:stateMachine:Demo-SM934E715A',
    );
    expect(resolver.resolve({ Ref: 'Key' })).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
  });

  it('resolves Fn::Sub with variables, attributes and escapes', () => {
    expect(
      resolver.resolve({
        'Fn::Sub': ['${Fn9270CBC0.Arn}/${X}/${!Literal}', { X: { Ref: 'AWS::Region' } }],
      }),
    ).toBe('arn:aws:lambda:eu-west-1:111122223333:function:Demo-Fn9270CBC0/eu-west-1/${Literal}');
  });

  it('resolves Fn::Select, Fn::Split, Fn::GetAZs and Fn::Base64', () => {
    expect(resolver.resolve({ 'Fn::Select': [1, { 'Fn::Split': [',', 'a,b,c'] }] })).toBe('b');
    expect(resolver.resolve({ 'Fn::GetAZs': '' })).toEqual([
      'eu-west-1a',
      'eu-west-1b',
      'eu-west-1c',
    ]);
    expect(resolver.resolve({ 'Fn::Base64': 'hi' })).toBe('aGk=');
  });

  it('resolves nested objects and arrays, leaving plain values alone', () => {
    expect(resolver.resolve({ a: [{ Ref: 'Stage' }, 1, null], b: { c: true } })).toEqual({
      a: ['dev', 1, null],
      b: { c: true },
    });
  });

  it('throws on what it cannot resolve, naming where', () => {
    expect(() => resolver.resolve({ 'Fn::ImportValue': 'x' }, 'Props.X')).toThrow(
      'Props.X.Fn::ImportValue: Fn::ImportValue is not supported by the local runtime.',
    );
    expect(() => resolver.resolve({ Ref: 'Secret' })).toThrow(/parameter Secret has no default/);
    expect(() => resolver.resolve({ Ref: 'Missing' })).toThrow(/has no resource Missing/);
    expect(() => resolver.resolve({ 'Fn::GetAtt': ['Bucket83908E77', 'Nope'] })).toThrow(
      /Bucket83908E77.Nope is not known/,
    );
    expect(() => resolver.resolve({ Ref: 'Loop' })).toThrow(/refers to itself/);
  });
});
