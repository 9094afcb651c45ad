import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';

const functionsDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'functions');

function fixtureFunction(
  stack: Stack,
  id: string,
  folder: string,
  environment: Record<string, string> = {},
): lambda.Function {
  return new lambda.Function(stack, id, {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromAsset(join(functionsDir, folder)),
    timeout: Duration.seconds(30),
    environment,
  });
}

/**
 * Synthesizes a small app into a fresh folder: a bucket; a state machine whose callback task is
 * answered by its Lambda through the Step Functions API; one whose task never gets an answer
 * (heartbeat 60 s); a rule sending Bedrock job events to a function; a schedule every 5 minutes.
 * The caller removes the folder; it is removed here when synthesis fails.
 */
function synthTestApp(): string {
  const outdir = mkdtempSync(join(tmpdir(), 'local-test-app-'));
  try {
    synthInto(outdir);
  } catch (error) {
    rmSync(outdir, { recursive: true, force: true });
    throw error;
  }
  return outdir;
}

function synthInto(outdir: string): void {
  const app = new App({ outdir });
  const stack = new Stack(app, 'LocalTest', {
    env: { account: '123456789012', region: 'us-east-1' },
  });
  new s3.Bucket(stack, 'Data');

  const callback = fixtureFunction(stack, 'Callback', 'callback');
  const answered = new tasks.LambdaInvoke(stack, 'Ask', {
    lambdaFunction: callback,
    integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
    payload: sfn.TaskInput.fromObject({
      token: sfn.JsonPath.taskToken,
      value: sfn.JsonPath.stringAt('$.value'),
      fail: sfn.JsonPath.stringAt('$.fail'),
    }),
    taskTimeout: sfn.Timeout.duration(Duration.hours(2)),
  });
  new sfn.StateMachine(stack, 'Answered', {
    definitionBody: sfn.DefinitionBody.fromChainable(answered),
  });

  const silent = fixtureFunction(stack, 'Silent', 'silent');
  const unanswered = new tasks.LambdaInvoke(stack, 'WaitForever', {
    lambdaFunction: silent,
    integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
    payload: sfn.TaskInput.fromObject({ token: sfn.JsonPath.taskToken }),
    heartbeatTimeout: sfn.Timeout.duration(Duration.seconds(60)),
    taskTimeout: sfn.Timeout.duration(Duration.hours(1)),
  });
  const caught = new sfn.Pass(stack, 'Caught');
  unanswered.addCatch(caught, { errors: ['States.HeartbeatTimeout'], resultPath: '$.failure' });
  new sfn.StateMachine(stack, 'Unanswered', {
    definitionBody: sfn.DefinitionBody.fromChainable(unanswered),
  });

  const sink = fixtureFunction(stack, 'Sink', 'event-sink', { SINK_NAME: 'bedrock-events' });
  new events.Rule(stack, 'JobEvents', {
    eventPattern: {
      source: ['aws.bedrock'],
      detailType: ['Batch Inference Job State Change'],
      detail: { status: ['Completed', 'Failed'] },
    },
    targets: [new targets.LambdaFunction(sink)],
  });
  const ticker = fixtureFunction(stack, 'Ticker', 'event-sink', { SINK_NAME: 'schedule' });
  new events.Rule(stack, 'Every5Minutes', {
    schedule: events.Schedule.rate(Duration.minutes(5)),
    targets: [new targets.LambdaFunction(ticker)],
  });
  app.synth();
}

export { synthTestApp };
