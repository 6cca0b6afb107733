/**
 * A queue in its own process, for the crash test: opens a studio (stand-in segmenter, 300 ms per
 * image) and the embedded queue on DATA_DIR, submits every file of INPUT_DIR under a fixed
 * idempotency key (so a restarted child finds the same job), and prints JSON lines: the job id,
 * each item event, the final status. Appends `start <name>` to LOG before each studio run.
 *
 *   node --import tsx test/helpers/jobs-child.ts DATA_DIR INPUT_DIR LOG
 */
import fs from 'node:fs';
import path from 'node:path';
import { Studio } from '../../src/studio.ts';
import { openEmbeddedQueue, type JobRunner } from '../../src/jobs/embedded.ts';
import { TERMINAL_STATES } from '../../src/jobs/types.ts';
import { fakeSegmenterFactory } from './jobs.ts';

const [dataDir, inputDir, log] = process.argv.slice(2) as [string, string, string];
const print = (x: unknown) => process.stdout.write(`${JSON.stringify(x)}\n`);

const studio = await Studio.open({ segmenterFactory: fakeSegmenterFactory(300), dataDir });
const runner: JobRunner = {
  edit: (input, spec, label) => (fs.appendFileSync(log, `start ${label?.input}\n`), studio.edit(input, spec, label)),
  cutout: (input, spec, label) => (fs.appendFileSync(log, `start ${label?.input}\n`), studio.cutout(input, spec, label)),
  recordEnergy: (result, label) => studio.recordEnergy(result, label),
};
const queue = await openEmbeddedQueue({ studio: runner, dataDir });
const names = fs.readdirSync(inputDir).sort();
const { id, created } = await queue.submit({
  files: names.map((name) => ({ name, path: path.join(inputDir, name) })),
  spec: { background: 'template:studio-grey', layout: { outputSize: '160x120' } },
  idempotencyKey: 'crash-test',
});
print({ type: 'job', id, created });

const finish = async () => {
  print({ type: 'final', status: await queue.get(id) });
  await queue.close();
  await studio.close();
  process.exit(0);
};
queue.subscribe(id, (e) => {
  if (e.type === 'item') print({ type: 'item', index: e.item.index, state: e.item.state });
  else if (TERMINAL_STATES.has(e.state)) void finish();
});
const now = await queue.get(id);
if (now && TERMINAL_STATES.has(now.state)) await finish();
