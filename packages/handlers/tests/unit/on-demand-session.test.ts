import { runSimulation } from '@cloud-copilot/iam-simulate';
import { describe, expect, it } from '@jest/globals';
import { InvalidInputError } from '../../src/errors.js';
import { awsScopeOf, onDemandSessionPolicy } from '../../src/on-demand-session.js';

const ACCOUNT = '123456789012';
const SCOPE = awsScopeOf(`arn:aws:lambda:us-east-1:${ACCOUNT}:function:on-demand`);
const HERE = `arn:aws:bedrock:us-east-1:${ACCOUNT}`;
const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
const NOVA_PROFILE = `${HERE}:inference-profile/us.amazon.nova-pro-v1:0`;

/** Whether the session policy alone allows `bedrock:InvokeModel` on `resource`. */
async function allows(
  modelId: string,
  resource: string,
  context: Record<string, string> = {},
): Promise<boolean> {
  const result = await runSimulation(
    {
      request: {
        principal: `arn:aws:sts::${ACCOUNT}:assumed-role/OnDemandInvoker/on-demand-1`,
        action: 'bedrock:InvokeModel',
        resource: { resource, accountId: ACCOUNT },
        contextVariables: context,
      },
      identityPolicies: [{ name: 'session', policy: onDemandSessionPolicy(modelId, SCOPE) }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
  if (result.resultType === 'error') {
    throw new Error(`Simulation rejected: ${JSON.stringify(result.errors)}`);
  }
  return result.overallResult === 'Allowed';
}

describe('onDemandSessionPolicy, checked against the Service Authorization Reference', () => {
  it('allows a foundation model id in the function Region only, and no other model', async () => {
    expect(await allows(HAIKU, `arn:aws:bedrock:us-east-1::foundation-model/${HAIKU}`)).toBe(true);
    expect(await allows(HAIKU, `arn:aws:bedrock:us-west-2::foundation-model/${HAIKU}`)).toBe(false);
    expect(
      await allows(HAIKU, 'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0'),
    ).toBe(false);
    expect(await allows(HAIKU, NOVA_PROFILE)).toBe(false);
  });

  it('allows a system inference profile id, and its model in any Region only through it', async () => {
    const model = 'arn:aws:bedrock:us-west-2::foundation-model/amazon.nova-pro-v1:0';
    const through = { 'bedrock:InferenceProfileArn': NOVA_PROFILE };
    expect(await allows('us.amazon.nova-pro-v1:0', NOVA_PROFILE)).toBe(true);
    expect(await allows('us.amazon.nova-pro-v1:0', model, through)).toBe(true);
    expect(await allows('us.amazon.nova-pro-v1:0', model)).toBe(false);
    expect(
      await allows('us.amazon.nova-pro-v1:0', `${HERE}:inference-profile/eu.amazon.nova-pro-v1:0`),
    ).toBe(false);
    expect(
      await allows(
        'us.amazon.nova-pro-v1:0',
        `arn:aws:bedrock:us-west-2::foundation-model/${HAIKU}`,
        through,
      ),
    ).toBe(false);
  });

  it('allows an inference profile ARN the same way', async () => {
    expect(await allows(NOVA_PROFILE, NOVA_PROFILE)).toBe(true);
    expect(
      await allows(
        NOVA_PROFILE,
        'arn:aws:bedrock:us-east-2::foundation-model/amazon.nova-pro-v1:0',
        {
          'bedrock:InferenceProfileArn': NOVA_PROFILE,
        },
      ),
    ).toBe(true);
  });

  it('allows an application inference profile ARN, and a foundation model only through it', async () => {
    const profile = `${HERE}:application-inference-profile/a1b2c3d4e5f6`;
    const model = `arn:aws:bedrock:us-east-1::foundation-model/${HAIKU}`;
    expect(await allows(profile, profile)).toBe(true);
    expect(await allows(profile, model, { 'bedrock:InferenceProfileArn': profile })).toBe(true);
    expect(await allows(profile, model)).toBe(false);
    expect(await allows(profile, `${HERE}:application-inference-profile/ffffffffffff`)).toBe(false);
  });

  it('allows a foundation model, imported model or provisioned model ARN and nothing else', async () => {
    for (const arn of [
      `arn:aws:bedrock:us-east-1::foundation-model/${HAIKU}`,
      `${HERE}:imported-model/a1b2c3d4e5f6`,
      `${HERE}:provisioned-model/a1b2c3d4e5f6`,
    ]) {
      expect(await allows(arn, arn)).toBe(true);
      expect(await allows(arn, `${HERE}:imported-model/ffffffffffff`)).toBe(false);
    }
  });

  it('reads a bare provisioned model id as the provisioned model of the function Region', async () => {
    expect(await allows('a1b2c3d4e5f6', `${HERE}:provisioned-model/a1b2c3d4e5f6`)).toBe(true);
    expect(await allows('a1b2c3d4e5f6', `${HERE}:provisioned-model/ffffffffffff`)).toBe(false);
  });

  it('uses the partition of the function', () => {
    const scope = awsScopeOf('arn:aws-cn:lambda:cn-north-1:123456789012:function:f:live');
    expect(scope).toEqual({ partition: 'aws-cn', region: 'cn-north-1', accountId: ACCOUNT });
    expect(JSON.stringify(onDemandSessionPolicy(HAIKU, scope))).toContain(
      `arn:aws-cn:bedrock:cn-north-1::foundation-model/${HAIKU}`,
    );
  });

  it('refuses a context without a function ARN, naming what it received', () => {
    expect(() => awsScopeOf('on-demand')).toThrow(InvalidInputError);
    expect(() => awsScopeOf('on-demand')).toThrow(
      'invokedFunctionArn: not a Lambda function ARN (received: "on-demand")',
    );
  });
});
