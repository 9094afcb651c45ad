// `cdk synth --app 'tsx src/apps/seed-app.ts'`: the seed's pattern as a deployable app.
import { App, Stack } from 'aws-cdk-lib';
import { addSeedPattern } from './seed-pattern.js';

const app = new App();
addSeedPattern(new Stack(app, 'BedrockBatchSeed'));
app.synth();
