// One CDK app synthesized in a fresh process by bench-cold-synth.mjs: a state machine
// In -> [BedrockBatchSfn] -> Out over one bucket, with the fragment ("with") or without it
// ("without"). CommonJS, as the CDK CLI's TypeScript template compiles an app.
// Usage: node cold-synth-app.cjs <with|without> <outdir>
const { App, Duration, Stack, aws_s3: s3, aws_stepfunctions: sfn } = require('aws-cdk-lib');

const [mode, outdir] = process.argv.slice(2);
const app = new App({ outdir });
const stack = new Stack(app, 'ColdSynth');
const bucket = new s3.Bucket(stack, 'Bucket');
let chain = sfn.Chain.start(new sfn.Pass(stack, 'In'));
if (mode === 'with') {
  const { BedrockBatchSfn } = require('@bedrock-batch/construct');
  chain = chain.next(
    new BedrockBatchSfn(stack, 'Batch', {
      bedrockBatchInputBucket: bucket,
      bedrockBatchOutputBucket: bucket,
      timeout: Duration.hours(48),
    }),
  );
}
new sfn.StateMachine(stack, 'Machine', {
  definitionBody: sfn.DefinitionBody.fromChainable(chain.next(new sfn.Pass(stack, 'Out'))),
});
app.synth();
