// Reads the results.jsonl the BedrockBatchSfn fragment wrote for the reviews dataset (one line
// per review, in dataset order) and counts the sentiments the model answered. Streams the object
// line by line, so its memory does not grow with the dataset. Deployed as plain ESM (the AWS SDK
// v3 comes with the Lambda Node.js runtime).
import { createInterface } from 'node:readline';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';

const s3 = new S3Client({ forcePathStyle: process.env.AWS_S3_FORCE_PATH_STYLE === 'true' });
const LABELS = ['positive', 'negative', 'neutral'];

function answerOf(line) {
  const content = line.modelOutput?.content;
  const text = Array.isArray(content) ? content.map((part) => part.text ?? '').join(' ') : '';
  const word = text
    .trim()
    .toLowerCase()
    .replace(/[^a-z]/g, '');
  return LABELS.includes(word) ? word : 'unclear';
}

export const handler = async (event) => {
  const sentiments = { positive: 0, negative: 0, neutral: 0, unclear: 0 };
  let records = 0;
  let failed = 0;
  const object = await s3.send(
    new GetObjectCommand({ Bucket: event.bucket, Key: event.results_key }),
  );
  for await (const text of createInterface({ input: object.Body, crlfDelay: Infinity })) {
    if (text.trim() === '') continue;
    const line = JSON.parse(text);
    records += 1;
    if (line.error) failed += 1;
    else sentiments[answerOf(line)] += 1;
  }
  return { records, sentiments, failedRecords: failed };
};
