/**
 * `npm run bench`: builds the data (bench/dataset.ts), measures speed (bench/speed.ts) and matte
 * quality (bench/quality.ts), prints markdown tables and writes bench/results/.
 *
 * Flags:
 *   --only network|speed|phone|quality|compose|energy|server|responsiveness|touchup   one section (energy alone has no cutout or peer rows)
 *   --only fleet           the fleet (BullMQ on Redis) against the embedded queue: bench/fleet.ts,
 *                          written to results/fleet.json and fleet.md
 *   --quick                a smaller run (1 pass, 2 peer images, 5 composites)
 *   --no-peer              skip the peer
 *   --wait-quiet[=S]       first wait up to S seconds (default 300) for the machine to be idle
 *
 * A full run writes results/latest.json, results/latest.md and results/<YYYY-MM-DD>.json;
 * a quick or partial run writes results/partial.json and results/partial.md instead.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Studio } from '../src/index.ts';
import { runCompose } from './compose.ts';
import { runNetwork } from './network.ts';
import { runPhone } from './phone.ts';
import { runEnergy } from './energy.ts';
import { runServerLoad } from './server-load.ts';
import { runResponsiveness } from './responsiveness.ts';
import { runFleetBench } from './fleet.ts';
import { buildDataset, COMPOSITES, GROUND_TRUTH } from './dataset.ts';
import { machineInfo } from './machine.ts';
import { isMain, RESULTS_DIR, WORK_DIR } from './paths.ts';
import { runProxyQuality } from './proxy-quality.ts';
import { runQuality } from './quality.ts';
import { buildSilhouetteSet, SILHOUETTE_SET } from './silhouettes.ts';
import { resultsMarkdown, type BenchResults } from './report.ts';
import { runSpeed } from './speed.ts';
import { runTouchup } from './touchup.ts';

const SECTIONS = ['network', 'speed', 'phone', 'quality', 'compose', 'energy', 'server', 'responsiveness', 'touchup'] as const;
type Section = (typeof SECTIONS)[number];

interface Flags {
  only: Section | 'fleet' | null;
  quick: boolean;
  peer: boolean;
  waitQuietSeconds: number;
}

function parseFlags(argv: string[]): Flags {
  const flags: Flags = { only: null, quick: false, peer: true, waitQuietSeconds: 0 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') flags.quick = true;
    else if (a === '--no-peer') flags.peer = false;
    else if (a.startsWith('--wait-quiet')) flags.waitQuietSeconds = a.includes('=') ? Number(a.split('=')[1]) : 300;
    else if (a === '--only' || a.startsWith('--only=')) {
      const v = a.includes('=') ? a.split('=')[1] : argv[++i];
      if (v !== 'fleet' && !SECTIONS.includes(v as Section)) throw new Error(`--only takes ${SECTIONS.join(', ')} or fleet, got ${v}`);
      flags.only = v as Section | 'fleet';
    } else throw new Error(`Unknown flag ${a}. Flags: --only ${SECTIONS.join('|')}|fleet, --quick, --no-peer, --wait-quiet[=seconds]`);
  }
  return flags;
}

/** Waits until the 1-minute load average drops below 0.5, or the time runs out. */
async function waitQuiet(seconds: number, log: (s: string) => void): Promise<void> {
  const until = Date.now() + seconds * 1000;
  while (os.loadavg()[0] >= 0.5 && Date.now() < until) {
    log(`  waiting for a quiet machine: load average ${os.loadavg()[0].toFixed(2)}`);
    await new Promise((r) => setTimeout(r, 15_000));
  }
}

/** Models timed by the network section besides the reference (fp16). */
const NETWORK_MODELS = ['isnet-int8'];

export async function main(argv: string[]): Promise<BenchResults | undefined> {
  const flags = parseFlags(argv);
  const log = (s: string) => console.log(s);
  if (flags.only === 'fleet') {
    // Its own processes and results file (results/fleet.md): no studio here.
    if (flags.waitQuietSeconds > 0) await waitQuiet(flags.waitQuietSeconds, log);
    await runFleetBench({ log, quick: flags.quick });
    return undefined;
  }
  const tWait = performance.now();
  if (flags.waitQuietSeconds > 0) await waitQuiet(flags.waitQuietSeconds, log);
  const waitedSeconds = Math.round((performance.now() - tWait) / 1000);
  const t0 = performance.now();
  const machine = machineInfo();
  log(`greenroom bench on ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, load ${machine.loadAvgAtStart}${flags.quick ? ' (quick)' : ''}`);

  const tOpen = performance.now();
  // Bench jobs keep their own ledger, not the user's.
  const studio = await Studio.open({ dataDir: path.join(WORK_DIR, 'data') });
  const studioOpenMs = performance.now() - tOpen;
  const results: BenchResults = {
    date: new Date().toISOString(),
    mode: flags.quick ? 'quick' : 'full',
    sections: flags.only ? [flags.only] : [...SECTIONS],
    machine,
    studioOpenMs: Math.round(studioOpenMs),
    ...(waitedSeconds > 0 ? { waitedSeconds } : {}),
  };
  try {
    log('dataset...');
    const dataset = await buildDataset(async () => studio);
    log(`  ${dataset.speed.length} speed images, ${dataset.quality.length} composites`);

    if (results.sections.includes('network')) {
      log('network alone, each precision and working size (ratios to fp16 in the same rounds)...');
      results.network = await runNetwork(studio, { models: NETWORK_MODELS, rounds: flags.quick ? 3 : 9, log });
    }
    if (results.sections.includes('speed')) {
      log('speed...');
      results.speed = await runSpeed(studio, {
        ...(flags.quick ? { passes: 1, peerImages: 2 } : { passes: 3, poolPasses: 1, peerPasses: 1, peerPoolPasses: 1 }),
        peer: flags.peer,
        log,
      });
    }
    if (results.sections.includes('phone')) {
      log('12 MP phone JPEGs: cutouts and 2000x2000 edits, the fp16 network timed between them, the peer...');
      results.phone = await runPhone(studio, { ...(flags.quick ? { passes: 1, peerImages: 2 } : { passes: 3 }), peer: flags.peer, log });
    }
    if (results.sections.includes('quality')) {
      log('quality...');
      // Quick: one composite per foreground.
      const names = flags.quick ? COMPOSITES.map(([fg, bgs]) => `${fg}_on_${bgs[0]}`) : undefined;
      const q = await runQuality(studio, { ...(names ? { names } : {}), peer: flags.peer, log });
      results.quality = {
        ...q,
        foregrounds: COMPOSITES.map(([fg, bgs]) => ({ name: fg, composites: bgs.map((b) => `${fg}_on_${b}`), groundTruth: GROUND_TRUTH[fg] ?? '?' })),
      };
      log('quality on 1.5 MP silhouettes (exact edges)...');
      const silhouettes = await buildSilhouetteSet();
      const picked = flags.quick ? silhouettes.slice(0, 3) : silhouettes;
      results.silhouettes = await runQuality(studio, { names: picked, set: SILHOUETTE_SET, peer: flags.peer, log });
      results.proxies = await runProxyQuality(studio, { quick: flags.quick, peer: flags.peer, log });
    }
    if (results.sections.includes('compose')) {
      log('compose (instant backgrounds at 2000x2000)...');
      results.compose = await runCompose(studio, { runs: flags.quick ? 3 : 7, log });
    }
    if (results.sections.includes('energy')) {
      log('energy...');
      results.energy = await runEnergy(studio, results.speed, { log });
    }
    if (results.sections.includes('touchup')) {
      log('touch-up hints (solvers on known truth, stroke timing at 1.5 and 12 MP, gallery)...');
      results.touchup = await runTouchup(studio, { quick: flags.quick, log });
    }
    if (results.sections.includes('server')) {
      log('server under load (a child process on loopback)...');
      results.server = await runServerLoad({ log, quick: flags.quick });
    }
    if (results.sections.includes('responsiveness')) {
      log('server responsiveness: GET /health every 20 ms while 12 MP cutouts run, and memory...');
      results.responsiveness = await runResponsiveness({ log, quick: flags.quick });
    }
  } finally {
    await studio.close();
  }
  results.benchSeconds = Math.round((performance.now() - t0) / 1000);

  const md = resultsMarkdown(results);
  log('');
  log(md);
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const full = !flags.quick && !flags.only;
  const json = `${JSON.stringify(results, null, 1)}\n`;
  if (full) {
    fs.writeFileSync(path.join(RESULTS_DIR, 'latest.json'), json);
    fs.writeFileSync(path.join(RESULTS_DIR, 'latest.md'), md);
    fs.writeFileSync(path.join(RESULTS_DIR, `${results.date.slice(0, 10)}.json`), json);
  } else {
    fs.writeFileSync(path.join(RESULTS_DIR, 'partial.json'), json);
    fs.writeFileSync(path.join(RESULTS_DIR, 'partial.md'), md);
  }
  log(`wrote ${full ? 'latest.json, latest.md' : 'partial.json, partial.md'} in ${path.relative(process.cwd(), RESULTS_DIR)} (${results.benchSeconds} s)`);
  return results;
}

if (isMain(import.meta.url)) {
  await main(process.argv.slice(2));
}
