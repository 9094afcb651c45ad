/** A Lambda invocation context, as the runtime passes it. */
const lambdaContext = {
  callbackWaitsForEmptyEventLoop: true,
  functionName: 'bedrock-batch-handler',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:bedrock-batch-handler',
  memoryLimitInMB: '256',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
  logGroupName: '/aws/lambda/bedrock-batch-handler',
  logStreamName: '2026/11/20/[$LATEST]abcdef0123456789',
  getRemainingTimeInMillis: () => 30_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};

export { lambdaContext };
