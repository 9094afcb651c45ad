// Benchmark of the dataset steps (a script, not a test): on the local S3 (s3rver), for datasets
// of 100,000 and 200,000 records of about 1 KiB, it runs `prepareDataset` and then
// `collectResults`, each in a fresh Node process, and prints records per second, the peak
// memory of each step (peak RSS of its process, from the OS) and the CPU time the step's process
// used (the local S3 runs in the parent process: CPU time is the step's own cost, steadier than
// records per second, which also waits for the local S3), the sizes side by side.
// Goals: >= 50,000 records/s per step, peak RSS < 256 MiB, flat as the dataset doubles.
//
//   pnpm run build     (at the root: the steps run the built @bedrock-batch/handlers)
//   pnpm --filter @bedrock-batch/examples run bench:datasets
//
// Between the steps it plays Bedrock: for each manifest prepare wrote, a `.jsonl.out` with each
// record's modelInput and a ~0.5 KiB modelOutput, lines shuffled (seeded, the same every run).
// `--records 1000000` (or BENCH_SIZES=2000,4000) changes the sizes (a comma-separated list);
// BENCH_NODE_FLAGS passes V8 flags to the steps (e.g. the heap limits of a Lambda function:
// --max-old-space-size=192 --max-semi-space-size=8), and the table's first line shows them;
// `--handlers <file>` (or BENCH_HANDLERS) runs the steps on another build of
// @bedrock-batch/handlers (its ESM entry), e.g. a copy of the previous dist, to compare.
// A dataset is written as objects of at most 200,000 records under a prefix (a JavaScript string
// cannot hold a million 1-KiB lines).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const SELF = fileURLToPath(import.meta.url);
const BUCKET = 'bench-bucket';
/** The value of `--name value` on the command line, if given. */
function option(name) {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? undefined : process.argv[index + 1];
}
const SIZES = (option('records') ?? process.env.BENCH_SIZES ?? '100000,200000')
  .split(',')
  .map(Number);
/** Records per dataset object. */
const RECORDS_PER_OBJECT = 200_000;
/** The handlers module the steps import. */
const HANDLERS = option('handlers') ?? process.env.BENCH_HANDLERS ?? '@bedrock-batch/handlers';
const RECORDS_PER_SECOND_GOAL = 50_000;
const PEAK_MIB_GOAL = 256;
const MIB = 1024 * 1024;
const RESULT_MARKER = 'BENCH_RESULT ';
/** Extra Node flags for the step processes, e.g. BENCH_NODE_FLAGS=--max-old-space-size=160. */
const NODE_FLAGS = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter((flag) => flag !== '');

/** A deterministic generator (mulberry32): the same dataset and shuffle on every run. */
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function recordId(index) {
  return `R${String(index).padStart(11, '0')}`;
}

/** The modelInput of record `index`: about 1 KiB of JSON. */
function modelInput(index) {
  const text = `Review ${index}: ${'the blender works well and is quiet '.repeat(27)}`.slice(
    0,
    900,
  );
  return {
    anthropic_version: 'bedrock-2023-05-31',
    max_tokens: 64,
    messages: [{ role: 'user', content: text }],
  };
}

function modelOutput(index) {
  return {
    id: `msg_${index}`,
    type: 'message',
    role: 'assistant',
    content: [
      { type: 'text', text: `positive ${'because it is quiet '.repeat(20)}`.slice(0, 400) },
    ],
    stop_reason: 'end_turn',
    usage: { input_tokens: 230, output_tokens: 90 },
  };
}

/**
 * Writes a dataset of `total` records (with ids, about 1 KiB each) under `prefix`, as JSONL
 * objects of at most RECORDS_PER_OBJECT records.
 */
async function putDataset(client, PutObjectCommand, total, prefix) {
  for (let first = 0, part = 0; first < total; first += RECORDS_PER_OBJECT, part += 1) {
    const lines = [];
    for (let index = first; index < Math.min(total, first + RECORDS_PER_OBJECT); index += 1) {
      lines.push(
        `${JSON.stringify({ recordId: recordId(index), modelInput: modelInput(index) })}\n`,
      );
    }
    const key = `${prefix}reviews-${String(part).padStart(3, '0')}.jsonl`;
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: lines.join('') }));
  }
}

/**
 * Plays Bedrock for each manifest of the plan: a `.jsonl.out` with one line per record (its
 * modelInput and a modelOutput), shuffled. Returns the jobs as collection receives them.
 */
async function fabricateOutputs(client, commands, plan) {
  const jobs = [];
  const next = random(plan.total_records);
  for (const [part, manifest] of plan.manifests.entries()) {
    const response = await client.send(
      new commands.GetObjectCommand({ Bucket: BUCKET, Key: manifest.key }),
    );
    const text = await response.Body.transformToString('utf-8');
    const output = [];
    for (const line of text.split('\n')) {
      if (line === '') continue;
      const record = JSON.parse(line);
      const index = Number(record.recordId.slice(1));
      output.push(`${JSON.stringify({ ...record, modelOutput: modelOutput(index) })}\n`);
    }
    for (let i = output.length - 1; i > 0; i -= 1) {
      const j = Math.floor(next() * (i + 1));
      [output[i], output[j]] = [output[j], output[i]];
    }
    const count = output.length;
    const outputKey = `${plan.work_prefix}output/job${part}/part-${part}.jsonl.out`;
    await client.send(
      new commands.PutObjectCommand({ Bucket: BUCKET, Key: outputKey, Body: output.join('') }),
    );
    jobs.push({
      manifestKey: manifest.key,
      result: {
        status: 'Completed',
        bucket: BUCKET,
        keys: [outputKey],
        job_arn: `arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/benchjob${String(part).padStart(4, '0')}`,
        job_name: `bench-${part}`,
        manifest_key: manifest.key,
        record_counts: { total: count, processed: count, success: count, error: 0 },
        token_counts: { input: count * 230, output: count * 90 },
      },
    });
  }
  return jobs;
}

/** Child process: runs one step and prints {records, ms, peakRssMiB, peakHeapMiB} as JSON. */
async function runStep(args) {
  const { S3Client } = await import('@aws-sdk/client-s3');
  const handlers = await import(args.handlers);
  const s3 = new S3Client({
    endpoint: args.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  let peakHeap = process.memoryUsage().heapUsed;
  const peaks = { heapTotal: 0, external: 0, arrayBuffers: 0 };
  const sampler = setInterval(() => {
    const usage = process.memoryUsage();
    peakHeap = Math.max(peakHeap, usage.heapUsed);
    for (const key of Object.keys(peaks)) peaks[key] = Math.max(peaks[key], usage[key] / MIB);
  }, 10);
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  let records;
  let plan;
  if (args.step === 'prepare') {
    plan = await handlers.prepareDataset(args.input, { s3 });
    records = plan.total_records;
  } else if (args.step === 'collect') {
    const result = await handlers.collectResults(args.input, { s3 });
    records = result.record_counts.total;
    if (result.status !== 'Completed') throw new Error(`collect: status ${result.status}`);
  } else {
    throw new Error(`unknown step ${args.step}`);
  }
  const ms = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  clearInterval(sampler);
  // ru_maxrss: the peak resident set size of this process, in KiB (Linux).
  const peakRssMiB = process.resourceUsage().maxRSS / 1024;
  if (process.env.BENCH_VERBOSE) process.stderr.write(`${JSON.stringify(peaks)}\n`);
  // The steps log to stdout: the measurement is the line that starts with RESULT_MARKER.
  process.stdout.write(
    `\n${RESULT_MARKER}${JSON.stringify({ records, ms, cpuMs: (cpu.user + cpu.system) / 1000, peakRssMiB, peakHeapMiB: peakHeap / MIB, plan })}\n`,
  );
}

/** Runs one step in a fresh Node process (see `runStep`) and returns what it measured. */
async function measureStep(server, args) {
  // Asynchronous: the S3 server runs in this process and must keep answering.
  const { stdout, stderr } = await promisify(execFile)(
    process.execPath,
    [
      ...NODE_FLAGS,
      SELF,
      'step',
      JSON.stringify({ ...args, endpoint: server.endpoint, handlers: HANDLERS }),
    ],
    { encoding: 'utf8', maxBuffer: 16 * MIB },
  );
  if (process.env.BENCH_VERBOSE) process.stderr.write(stderr);
  const line = stdout.split('\n').findLast((text) => text.startsWith(RESULT_MARKER));
  if (line === undefined) throw new Error(`step ${args.step} printed no result:\n${stdout}`);
  return JSON.parse(line.slice(RESULT_MARKER.length));
}

async function main() {
  const { startS3Server } = await import('@bedrock-batch/local');
  const commands = await import('@aws-sdk/client-s3');
  const server = await startS3Server({ buckets: [BUCKET] });
  const rows = [];
  try {
    const client = server.createClient();
    for (const total of SIZES) {
      const workPrefix = `bench/${total}/work/`;
      const datasetPrefix = `bench/${total}/dataset/`;
      await putDataset(client, commands.PutObjectCommand, total, datasetPrefix);
      const prepared = await measureStep(server, {
        step: 'prepare',
        input: {
          inputBucket: BUCKET,
          datasetKeys: [datasetPrefix],
          outputBucket: BUCKET,
          workPrefix,
        },
      });
      rows.push({ step: 'prepare', total, ...prepared });
      const jobs = await fabricateOutputs(client, commands, prepared.plan);
      const collected = await measureStep(server, {
        step: 'collect',
        input: { bucket: BUCKET, workPrefix, jobs },
      });
      rows.push({ step: 'collect', total, ...collected });
      for (const row of [prepared, collected]) {
        if (row.records !== total)
          throw new Error(`a step saw ${row.records} records, not ${total}`);
      }
    }
  } finally {
    await server.stop();
  }
  console.log(
    `Node ${process.version}${NODE_FLAGS.length > 0 ? ` ${NODE_FLAGS.join(' ')}` : ''}, ${HANDLERS}, local S3 (s3rver), ~1 KiB records, ${rows.find((row) => row.step === 'prepare')?.plan.manifests.length} jobs at ${SIZES[0]}`,
  );
  const steps = [...new Set(rows.map((row) => row.step))];
  const header = [
    'step',
    ...SIZES.flatMap((n) => [`records/s @${n}`, `peak RSS MiB @${n}`, `CPU s @${n}`]),
    'goals',
  ];
  console.log(header.join(' | '));
  for (const step of steps) {
    const cells = [step];
    let ok = true;
    for (const total of SIZES) {
      const row = rows.find((r) => r.step === step && r.total === total);
      const rate = row.records / (row.ms / 1000);
      ok &&= rate >= RECORDS_PER_SECOND_GOAL && row.peakRssMiB < PEAK_MIB_GOAL;
      cells.push(
        Math.round(rate).toLocaleString('en-US'),
        row.peakRssMiB.toFixed(1),
        (row.cpuMs / 1000).toFixed(1),
      );
    }
    cells.push(ok ? 'ok' : 'MISSED');
    console.log(cells.join(' | '));
  }
  console.log(
    '(peak heap used MiB, sampled every 10 ms:',
    rows.map((r) => `${r.step}@${r.total} ${r.peakHeapMiB.toFixed(1)}`).join(', '),
    ')',
  );
}

if (process.argv[2] === 'step') await runStep(JSON.parse(process.argv[3]));
else await main();
