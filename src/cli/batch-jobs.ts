/**
 * `greenroom batch INPUT... --out DIR [edit flags]`: an edit of many photos through the embedded
 * job queue (GREENROOM_DATA_DIR/batch), or, when GREENROOM_REDIS_URL is set, submitted to the
 * fleet (its `greenroom worker` processes do the work; nothing is loaded here); outputs copied
 * to DIR as they finish. The job's
 * idempotency key comes from the inputs (absolute path, size, mtime) and the spec, so running
 * the same command again resumes the job: finished images are only copied out.
 * `--callback-url URL` has the job POST a signed summary there when it ends (docs/API.md,
 * "Webhooks"); the embedded queue delivers it from this process, so the run waits for the
 * delivery (or its giving up) before exiting; a fleet's workers deliver it on their own.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { loadConfig } from '../config.ts';
import { getModelSpec } from '../models/manifest.ts';
import { parseEditSpec, type EditSpecInput } from '../pipeline/spec.ts';
import { openEmbeddedQueue } from '../jobs/embedded.ts';
import { openFleetQueue, redactUrl } from '../jobs/bullmq/queue.ts';
import { fleetSettings } from '../jobs/bullmq/settings.ts';
import { TERMINAL_STATES, type JobItem, type JobQueue, type JobState } from '../jobs/types.ts';
import { checkCallbackUrl } from '../webhooks/address.ts';
import { isGreenroomError } from '../errors.ts';
import type { WebhookStatus } from '../webhooks/types.ts';
import { openStorage } from '../storage/open.ts';
import { writeStreamAtomic } from '../io/write-atomic.ts';
import { EXIT_FAILURE, EXIT_OK, UsageError, formatMs, withUsage } from './args.ts';
import { expandInputs } from './batch.ts';
import { ensureOutDir, openStudio } from './cutout.ts';
import { EDIT_FLAG_OPTIONS, editFlagError, specFromEditFlags } from './edit-flags.ts';
import { BATCH_USAGE } from './help.ts';
import { EXTENSIONS, allocateOutputs } from './names.ts';

/** The idempotency key of a run: the inputs as they are on disk, and the spec. */
export async function batchKey(files: readonly string[], spec: EditSpecInput): Promise<string> {
  const facts = await Promise.all(
    files.map(async (f) => {
      const s = await fsp.stat(f);
      return [path.resolve(f), s.size, s.mtimeMs];
    }),
  );
  const hash = crypto.createHash('sha256').update(JSON.stringify({ v: 1, kind: 'edit', spec, files: facts })).digest('hex');
  return `cli-batch:${hash}`;
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = withUsage(BATCH_USAGE, () =>
    parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        out: { type: 'string', short: 'o' },
        ...EDIT_FLAG_OPTIONS,
        json: { type: 'boolean' },
        jobs: { type: 'string', short: 'j' },
        'callback-url': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }),
  );
  if (values.help) {
    process.stdout.write(BATCH_USAGE);
    return EXIT_OK;
  }
  if (positionals.length === 0) throw new UsageError('no INPUT given: name a folder of photos (or files).', BATCH_USAGE);
  const spec = await specFromEditFlags(values, BATCH_USAGE);
  let ext: string;
  try {
    ext = EXTENSIONS[parseEditSpec(spec).export.format];
    if (spec.cutout?.model) getModelSpec(spec.cutout.model);
  } catch (err) {
    throw editFlagError(err, BATCH_USAGE);
  }
  const config = loadConfig();
  const concurrency = values.jobs === undefined ? config.jobs.concurrency : Number(values.jobs);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 8) throw new UsageError(`--jobs must be a whole number from 1 to 8; got "${values.jobs}".`, BATCH_USAGE, 'GREENROOM_ERR_INVALID_OPTION');
  const json = values.json === true;
  const outDir = values.out ?? 'out';
  const callbackUrl = values['callback-url'];
  // Checked before any work: no secret, or a refused address, is a coded error now, not after the batch.
  if (callbackUrl !== undefined) {
    try {
      await checkCallbackUrl(callbackUrl, config.webhooks, '--callback-url');
    } catch (err) {
      throw isGreenroomError(err) ? new UsageError(err.message, BATCH_USAGE, err.code) : err;
    }
  }

  const inputs = await expandInputs(positionals);
  for (const bad of inputs.filter((i) => i.error)) process.stderr.write(`${bad.file}: ${bad.error!.code} ${bad.error!.message}\n`);
  const files = inputs.filter((i) => !i.error).map((i) => i.file);
  if (files.length === 0) return EXIT_FAILURE;
  await ensureOutDir(outDir);
  const outputs = allocateOutputs(files, outDir, ext).map((a) => a.output);
  const key = await batchKey(files, spec);

  const started = performance.now();
  const redisUrl = config.jobs.redisUrl;
  const studio = redisUrl ? undefined : await openStudio(spec.cutout?.model, json);
  const maxQueuedItems = Math.max(config.jobs.maxQueuedItems, files.length);
  const queue: JobQueue = redisUrl
    ? await openFleetQueue({
        redisUrl,
        storage: openStorage(config),
        settings: fleetSettings(config.jobs),
        maxQueuedItems,
        retentionHours: config.jobs.retentionHours,
        name: `batch-${process.pid}`,
        webhooks: config.webhooks,
      })
    : // Its own folder, so a batch can run while `greenroom serve` holds the server's queue.
      await openEmbeddedQueue({ studio: studio!, dataDir: path.join(config.dataDir, 'batch'), concurrency, maxQueuedItems, retentionHours: config.jobs.retentionHours, webhooks: config.webhooks });
  if (redisUrl && !json) {
    const { workers } = await queue.stats();
    process.stderr.write(`fleet ${redactUrl(redisUrl)}: ${workers ?? 0} worker${workers === 1 ? '' : 's'} connected${workers ? '' : ' (start one with "greenroom worker"; the job waits for it)'}
`);
  }
  const temps = new Set<string>();
  const onSignal = (signal: NodeJS.Signals) => {
    // The queue's state is consistent at every instant (see docs/JOBS.md): leaving now loses at most the image in progress.
    for (const t of temps) fs.rmSync(t, { force: true });
    multibar?.stop();
    process.stderr.write(`\ninterrupted (${signal}); run the same command again to resume.\n`);
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  let multibar: cliProgress.MultiBar | undefined;
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const { id, created } = await queue.submit({
      files: files.map((f) => ({ name: path.basename(f), path: f })),
      kind: 'edit',
      spec,
      idempotencyKey: key,
      ...(callbackUrl !== undefined ? { callbackUrl } : {}),
    });
    const before = (await queue.get(id))!;
    if (!created) process.stderr.write(`resuming job ${id}: ${before.done + before.failed} of ${before.total} already finished\n`);
    else if (!json) process.stderr.write(`job ${id}: ${files.length} image${files.length === 1 ? '' : 's'}\n`);

    const showBar = files.length > 1 && process.stderr.isTTY === true && !json;
    multibar = showBar
      ? new cliProgress.MultiBar({ format: ' {bar} {value}/{total} | {eta_formatted} left | {file}', hideCursor: true, clearOnComplete: true, etaBuffer: 4, stream: process.stderr }, cliProgress.Presets.shades_classic)
      : undefined;
    const bar = multibar?.create(files.length, 0, { file: '' });
    const log = (text: string) => (multibar ? multibar.log(`${text}\n`) : process.stderr.write(`${text}\n`));

    const handled = new Set<number>();
    let failed = 0;
    let chain = Promise.resolve();
    const handle = (item: JobItem) => {
      if (!TERMINAL_STATES.has(item.state) || handled.has(item.index)) return;
      handled.add(item.index);
      // One at a time, in the order they finish: copying is quick next to an edit.
      chain = chain.then(async () => {
        const file = files[item.index]!;
        const output = outputs[item.index]!;
        const source = item.state === 'done' ? await queue.openOutput(id, item.index) : null;
        if (source && item.output) {
          await writeStreamAtomic(output, source, { inFlight: temps });
          if (json) process.stdout.write(`${JSON.stringify({ file, output, width: item.output.width, height: item.output.height, energyJ: item.energyJ })}\n`);
          else if (!bar) log(`${file} -> ${output} (${item.output.width}x${item.output.height}${item.energyJ !== undefined ? `, ${item.energyJ.toFixed(1)} J` : ''})`);
        } else {
          failed++;
          const error = item.error ?? { code: 'CANCELLED', message: 'the job was cancelled before this image ran' };
          if (json) process.stdout.write(`${JSON.stringify({ file, error })}\n`);
          log(`${file}: ${error.code} ${error.message}`);
        }
        bar?.increment(1, { file: path.basename(file) });
      });
    };

    const ended = new Promise<JobState>((resolve) => {
      const unsubscribe = queue.subscribe(id, (e) => {
        if (e.type === 'item') handle(e.item);
        else if (TERMINAL_STATES.has(e.state)) {
          unsubscribe();
          resolve(e.state);
        }
      });
      void queue.get(id).then((s) => {
        for (const item of s!.items) handle(item);
        if (TERMINAL_STATES.has(s!.state)) resolve(s!.state);
      });
    });
    await ended;
    const final = (await queue.get(id))!;
    for (const item of final.items) handle(item);
    await chain;
    multibar?.update();
    multibar?.stop();
    const bad = failed + inputs.length - files.length;
    if (!json) {
      process.stderr.write(`${final.done} of ${inputs.length} written to ${outDir}${bad ? `, ${bad} failed` : ''} (${formatMs(performance.now() - started)}, ${final.energy.joules.toFixed(1)} J)\n`);
    }
    const hook = final.webhook ? await followWebhook(queue, id, redisUrl !== undefined, json) : undefined;
    return bad > 0 || hook?.state === 'failed' ? EXIT_FAILURE : EXIT_OK;
  } finally {
    multibar?.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await queue.close();
    await studio?.close();
  }
}

/**
 * After the job: the embedded queue delivers the webhook from this process, so wait until it is
 * delivered or given up, saying each failed try (Ctrl-C leaves it pending: the next
 * `greenroom batch` resumes it). A fleet's workers deliver it: say so and leave.
 */
async function followWebhook(queue: JobQueue, id: string, fleet: boolean, json: boolean): Promise<WebhookStatus | undefined> {
  const say = (text: string) => !json && process.stderr.write(`${text}\n`);
  let seen = -1;
  for (;;) {
    const hook = (await queue.get(id))?.webhook;
    if (!hook) return undefined;
    const ended = hook.state === 'delivered' || hook.state === 'failed';
    if (fleet || ended) {
      if (json) process.stdout.write(`${JSON.stringify({ webhook: hook })}\n`);
      if (hook.state === 'delivered') say(`webhook delivered to ${hook.url} (${hook.attempts} ${hook.attempts === 1 ? 'try' : 'tries'})`);
      else if (hook.state === 'failed') say(`webhook to ${hook.url} failed after ${hook.attempts} ${hook.attempts === 1 ? 'try' : 'tries'}: ${hook.lastError ?? ''}`);
      else say(`webhook to ${hook.url}: ${hook.state}; the fleet's workers deliver it (GET /v1/jobs/${id} shows its state)`);
      return hook;
    }
    if (hook.attempts !== seen && hook.attempts > 0 && hook.nextAttemptAt) {
      say(`webhook: try ${hook.attempts} failed (${hook.lastError ?? 'no answer'}); next at ${hook.nextAttemptAt} (Ctrl-C leaves it pending for the next greenroom batch)`);
    }
    seen = hook.attempts;
    await new Promise((r) => setTimeout(r, 200));
  }
}
