// Reads the output files of every job of the reviews pipeline and counts the sentiments the model
// answered. Deployed as plain ESM (the AWS SDK v3 comes with the Lambda Node.js runtime).
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';

const s3 = new S3Client({ forcePathStyle: process.env.AWS_S3_FORCE_PATH_STYLE === 'true' });
const LABELS = ['positive', 'negative', 'neutral'];

function answerOf(record) {
  const content = record.modelOutput?.content;
  const text = Array.isArray(content) ? content.map((part) => part.text ?? '').join(' ') : '';
  const word = text
    .trim()
    .toLowerCase()
    .replace(/[^a-z]/g, '');
  return LABELS.includes(word) ? word : 'unclear';
}

export const handler = async (event) => {
  const sentiments = { positive: 0, negative: 0, neutral: 0, unclear: 0 };
  let failed = 0;
  for (const job of event.jobs) {
    for (const key of job.keys) {
      const object = await s3.send(new GetObjectCommand({ Bucket: job.bucket, Key: key }));
      const text = await object.Body.transformToString();
      for (const line of text.split('\n')) {
        if (line.trim() === '') continue;
        const record = JSON.parse(line);
        if (record.error) failed += 1;
        else sentiments[answerOf(record)] += 1;
      }
    }
  }
  return { jobs: event.jobs.length, sentiments, failedRecords: failed };
};
