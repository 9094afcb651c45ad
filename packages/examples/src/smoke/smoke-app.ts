// The app `cdk deploy` and `cdk destroy` run for `pnpm run smoke --target aws`.
import { App } from 'aws-cdk-lib';
import { SMOKE_STACK_NAME, SmokeStack } from './smoke-stack.js';

const app = new App();
new SmokeStack(app, SMOKE_STACK_NAME);
app.synth();
