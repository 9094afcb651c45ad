// `cdk synth --app 'tsx src/apps/reviews-app.ts'`: the reviews pipeline as a deployable app.
import { App } from 'aws-cdk-lib';
import { ReviewsStack } from './reviews-stack.js';

const app = new App();
new ReviewsStack(app, 'ReviewsPipeline');
app.synth();
