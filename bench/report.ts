/** Turns bench results into markdown tables (printed as is, and written to results/latest.md). */
import { COMPOSE_STAGES, type ComposeResults } from './compose.ts';
import type { EnergyResults } from './energy.ts';
import type { ServerLoadResults } from './server-load.ts';
import type { ResponsivenessResults } from './responsiveness.ts';
import type { MachineInfo } from './machine.ts';
import { proxyQualityMarkdown, type ProxyQualityResults } from './proxy-quality.ts';
import type { QualityResults } from './quality.ts';
import type { SpeedResults } from './speed.ts';
import type { NetworkResults } from './network.ts';
import type { PhoneResults } from './phone.ts';
import { touchupMarkdown, type TouchupResults } from './touchup.ts';

export interface BenchResults {
  date: string;
  mode: 'full' | 'quick';
  sections: Array<'network' | 'speed' | 'phone' | 'quality' | 'compose' | 'energy' | 'server' | 'responsiveness' | 'touchup'>;
  machine: MachineInfo;
  studioOpenMs: number;
  /** Time spent waiting for a quiet machine before the bench (--wait-quiet), not in benchSeconds. */
  waitedSeconds?: number;
  benchSeconds?: number;
  network?: NetworkResults;
  speed?: SpeedResults;
  phone?: PhoneResults;
  quality?: QualityResults & {
    foregrounds: Array<{ name: string; composites: string[]; groundTruth: string }>;
  };
  /** The same variants on bench/silhouettes.ts: 1.5 MP, exact anti-aliased edges. */
  silhouettes?: QualityResults;
  /** bilinear, greenroom today and the peer on the proxy sets of bench/proxies/ (hires-thin, soft-edge, small). */
  proxies?: ProxyQualityResults;
  compose?: ComposeResults;
  energy?: EnergyResults;
  server?: ServerLoadResults;
  responsiveness?: ResponsivenessResults;
  touchup?: TouchupResults;
}

type Cell = string | number | null | undefined;

export function table(header: string[], rows: Cell[][], align: Array<'l' | 'r'> = []): string {
  const text = rows.map((r) => r.map((c) => (c === null || c === undefined ? '-' : String(c))));
  const width = header.map((h, i) => Math.max(h.length, ...text.map((r) => r[i]?.length ?? 0)));
  const pad = (s: string, i: number) => (align[i] === 'r' ? s.padStart(width[i]) : s.padEnd(width[i]));
  const line = (cells: string[]) => `| ${cells.map(pad).join(' | ')} |`;
  const rule = `|${width.map((w, i) => (align[i] === 'r' ? `${'-'.repeat(w + 1)}:` : `${'-'.repeat(w + 2)}`)).join('|')}|`;
  return [line(header), rule, ...text.map(line)].join('\n');
}

const f = (x: number | null | undefined, digits = 0) => (x === null || x === undefined || Number.isNaN(x) ? null : x.toFixed(digits));

function loadLine(label: string, l: { busyCores: number | null; benchCores: number; otherCores: number | null; wallMs: number }): string {
  return `${label}: ${(l.wallMs / 1000).toFixed(0)} s, measured work ${l.benchCores.toFixed(2)} cores, other processes ${l.otherCores === null ? '?' : l.otherCores.toFixed(2)} cores`;
}

export function networkMarkdown(n: NetworkResults): string {
  const out: string[] = ['## The network alone', ''];
  out.push(
    `seg.segment on ${n.photo} resized to the working size (normalisation, inference, the matte back), warm (${n.warmupRuns} warm-up runs each), ` +
      `${n.rounds} rounds in which every variant runs once. Ratio: the median over rounds of (this run / the ${n.reference} run at the same size in that round).`,
  );
  out.push('');
  out.push(
    table(
      ['model', 'precision', 'quality', 'px', 'median ms', `vs ${n.reference}`, 'CPU ms per run'],
      n.variants.map((v) => [v.model, v.precision, v.quality, v.size, f(v.medianMs), `${f(v.ratioToReference, 3)}x`, f(v.cpuMs)]),
      ['l', 'l', 'l', 'r', 'r', 'r', 'r'],
    ),
  );
  out.push('');
  out.push(`First runs of each session at the largest size (ms): ${Object.entries(n.warmupMs).map(([m, r]) => `${m} ${r.join(', ')}`).join('; ')}.`);
  out.push(`- ${loadLine('rounds', n.load)}`);
  return out.join('\n');
}

export function phoneMarkdown(p: PhoneResults): string {
  const out: string[] = ['## 12 MP phone photos', ''];
  out.push(
    `${p.images.length} photos at 4032x3024 JPEG (${p.images.map((i) => `${i.name} ${(i.bytes / 1e6).toFixed(1)} MB`).join(', ')}), ${p.passes} passes, warm, sequential; ` +
      `model ${p.model}, quality ${p.quality}. Between images the reference network (${p.referenceNetwork.model} at ${p.referenceNetwork.size}) runs alone: median ${f(p.referenceNetwork.medianMs)} ms; ` +
      `each task is also given as the median of its time over that neighbouring reference run.`,
  );
  out.push('');
  const row = (label: string, t: PhoneResults['cutout']): Cell[] => [label, f(t.latency.medianMs), f(t.latency.p90Ms), `${f(t.ratioToReferenceNetwork, 2)}x`, f(t.meanJ, 2), Object.entries(t.stagesMs).map(([k, v]) => `${k} ${f(v)}`).join(', ')];
  const rows: Cell[][] = [row('cutout, full resolution PNG', p.cutout), row('edit to 2000x2000 JPEG (white-marble, soft shadow)', p.edit)];
  if (p.peer) rows.push(['peer cutout (imgly medium, PNG)', f(p.peer.latency.medianMs), f(p.peer.latency.p90Ms), null, null, `${p.peer.images} images, CPU ${f(p.peer.cpuMsPerImage)} ms each`]);
  out.push(table(['task', 'median ms', 'p90 ms', 'vs fp16 network alone', 'J (estimated)', 'mean ms per stage'], rows, ['l', 'r', 'r', 'r', 'r', 'l']));
  out.push('');
  if (p.cutoutSpeedupOverPeer) out.push(`greenroom's 12 MP cutout is ${p.cutoutSpeedupOverPeer}x faster than the peer's (median latency, same photos, same run).`);
  if (p.heic) out.push('skipped' in p.heic ? `12 MP HEIC: ${p.heic.skipped}.` : `12 MP HEIC (${p.heic.photo}, ${p.heic.kB} kB, heif-enc q80): cutout ${f(p.heic.cutoutMs)} ms with decode ${f(p.heic.decodeMs)} ms (libheif in WebAssembly, on the pool), against ${f(p.heic.jpegCutoutMs)} ms with decode ${f(p.heic.jpegDecodeMs)} ms for the same photo as JPEG, alternately in the same run.`);
  if (p.pngEncode?.length) {
    out.push('', 'PNG settings on one 12 MP cutout (RGBA, median of 3 encodes; the shipped setting marked):', '');
    out.push(table(['compression level', 'adaptive filtering', 'ms', 'kB', 'shipped'], p.pngEncode.map((e) => [e.compressionLevel, e.adaptiveFiltering ? 'yes' : 'no', f(e.medianMs), f(e.kB), e.shipped ? 'yes' : '']), ['r', 'l', 'r', 'r', 'l']));
  }
  if (p.peerSkipped) out.push(`Peer: ${p.peerSkipped}.`);
  out.push(`- ${loadLine('phone section', p.load)}`);
  return out.join('\n');
}

export function speedMarkdown(s: SpeedResults): string {
  const out: string[] = [];
  const src = s.images.map((i) => `${i.name} ${i.sourceWidth}x${i.sourceHeight} -> ${i.width}x${i.height}`).join(', ');
  out.push(`## Speed`);
  out.push('');
  out.push(
    `${s.images.length} real photos (scikit-image, 0.2-0.4 MP) upscaled to ~1.5 MP, JPEG q92 (${src}). ` +
      `greenroom: studio.cutout(path, { quality }) with default options (refine + decontaminate, PNG RGBA), warm, ` +
      `${s.passes} sequential passes (${s.passes * s.images.length} images) + ${s.poolPasses} pass with ${s.concurrency} in flight per quality. ` +
      (s.peer
        ? `Peer: @imgly/background-removal-node removeBackground(blob, { model: 'medium', output: { format: 'image/png' } }) in its own process, warm, ` +
          `${s.peer.passes} sequential pass(es) over ${s.peer.images} images + ${s.peer.poolPasses} pass with ${s.concurrency} in flight.`
        : `Peer: ${s.peerSkipped ?? 'not run'}.`),
  );
  out.push('');
  const rows: Cell[][] = s.greenroom.map((g) => {
    const r = s.ratios.find((x) => x.quality === g.quality);
    return [
      `greenroom ${g.model} ${g.quality}`,
      g.workingSize,
      f(g.latency.medianMs),
      f(g.latency.p90Ms),
      f(g.network.medianMs),
      f(g.endToEndOverNetwork, 2),
      f(g.sequential.imagesPerMinute, 1),
      f(g.pool2.imagesPerMinute, 1),
      r?.sequential === null || r?.sequential === undefined ? null : `${f(r.sequential, 2)}x`,
      r?.pool2 === null || r?.pool2 === undefined ? null : `${f(r.pool2, 2)}x`,
    ];
  });
  if (s.peer) {
    rows.push([
      'peer (imgly medium)',
      1024,
      f(s.peer.latency.medianMs),
      f(s.peer.latency.p90Ms),
      null,
      null,
      f(s.peer.sequential.imagesPerMinute, 1),
      s.peer.pool2 ? f(s.peer.pool2.imagesPerMinute, 1) : 'failed',
      '1x',
      s.peer.pool2 ? '1x' : null,
    ]);
  }
  out.push(
    table(
      ['engine', 'net px', 'median ms', 'p90 ms', 'fp16 network alone ms', 'e2e / fp16 network', 'img/min seq', 'img/min 2 in flight', 'vs peer seq', 'vs peer 2 in flight'],
      rows,
      ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    ),
  );
  out.push('');
  out.push('Mean wall-clock ms per stage of the sequential greenroom calls (CPU ms in parentheses; 2 cores):');
  out.push('');
  const stageNames = [...new Set(s.greenroom.flatMap((g) => Object.keys(g.stagesMs)))];
  out.push(
    table(
      ['quality', ...stageNames, 'sum of stages', 'network alone'],
      s.greenroom.map((g) => [
        g.quality,
        ...stageNames.map((n) => `${f(g.stagesMs[n])} (${f(g.stagesCpuMs[n])})`),
        f(Object.values(g.stagesMs).reduce((a, b) => a + b, 0)),
        f(g.network.medianMs),
      ]),
      ['l', ...stageNames.map(() => 'r' as const), 'r', 'r'],
    ),
  );
  out.push('');
  out.push('Machine load during each section (the 2 cores are shared with whatever else runs):');
  out.push('');
  for (const g of s.greenroom) out.push(`- ${loadLine(`greenroom ${g.quality}`, g.load)}`);
  if (s.peer) out.push(`- ${loadLine('peer', s.peer.load)} (model load ${f(s.peer.warmupMs)} ms for the first image, not counted)`);
  if (s.peer?.pool2Error) out.push(`- peer with 2 in flight failed: ${s.peer.pool2Error}`);
  return out.join('\n');
}

export function qualityMarkdown(q: NonNullable<BenchResults['quality']>): string {
  const out: string[] = [];
  out.push('## Matte quality');
  out.push('');
  out.push(
    `${q.composites.length} composites I = aF + (1-a)B with known alpha, at the foreground's native size (0.13-0.37 MP); ` +
      `scored by ../shared/tools/score-mattes.mjs (mean over images; boundary MAE = MAE within 8 px of the true edge). ` +
      `raw = the network's matte upscaled bilinearly (refine off); refined = guided refinement on. Lower is better except IoU and F1.`,
  );
  out.push('');
  out.push(
    table(
      ['variant', 'MAE', 'boundary MAE', 'IoU@0.5', 'F1@0.5', 'SAD (k)', 'MSE'],
      q.variants.map((v) => [v.variant, f(v.MAE, 4), f(v.boundaryMAE, 4), f(v.IoU, 4), f(v.F1, 4), f(v.SADk, 2), f(v.MSE, 5)]),
      ['l', 'r', 'r', 'r', 'r', 'r', 'r'],
    ),
  );
  const same = q.variants.filter((v) => {
    if (!v.variant.includes('-refined-')) return false;
    const raw = q.variants.find((r) => r.variant === v.variant.replace('-refined-', '-raw-'));
    return !!raw && raw.perImage.length === v.perImage.length && raw.perImage.every((p, i) => p.mae === v.perImage[i].mae && p.bmae === v.perImage[i].bmae);
  });
  if (same.length) {
    out.push('');
    out.push(
      `Note: ${same.map((v) => v.variant).join(', ')} scored exactly as raw: greenroom refines only when the photo is larger than ` +
        `the network's matte (src/matte/refine.ts), and these composites (at most 0.37 MP) are smaller than the working size, so ` +
        `refinement is not exercised there. The 1.5 MP silhouette set below is where it is.`,
    );
  }
  out.push('');
  out.push('MAE by foreground (mean over its backgrounds):');
  out.push('');
  const fgs = q.foregrounds.filter((g) => g.composites.some((c) => q.composites.includes(c)));
  out.push(
    table(
      ['variant', ...fgs.map((g) => g.name)],
      q.variants.map((v) => [
        v.variant,
        ...fgs.map((g) => {
          const xs = v.perImage.filter((p) => g.composites.includes(p.name)).map((p) => p.mae);
          return xs.length ? f(xs.reduce((a, b) => a + b, 0) / xs.length, 4) : null;
        }),
      ]),
      ['l', ...fgs.map(() => 'r' as const)],
    ),
  );
  out.push('');
  out.push('Ground truth per foreground (see bench/README.md for the bias this brings):');
  out.push('');
  for (const g of fgs) out.push(`- ${g.name}: ${g.groundTruth}; on ${g.composites.map((c) => c.split('_on_')[1]).join(', ')}`);
  return out.join('\n');
}

export function silhouetteMarkdown(q: QualityResults): string {
  return [
    '## Matte quality at 1.5 MP (exact edges)',
    '',
    `${q.composites.length} product silhouettes (bottle, mug, ring, sneaker, vase, lamp, watch, headphones) rendered as vectors at ` +
      `1500x1000 (alpha = exact anti-aliased coverage), filled with a real photo's texture and laid on real backgrounds ` +
      `(bench/silhouettes.ts). Larger than every working size, so this is where refinement (upsampling along the photo's edges) is measured. ` +
      `Scored by ../shared/tools/score-mattes.mjs; lower is better except IoU and F1.`,
    '',
    table(
      ['variant', 'MAE', 'boundary MAE', 'IoU@0.5', 'F1@0.5', 'SAD (k)', 'MSE'],
      q.variants.map((v) => [v.variant, f(v.MAE, 4), f(v.boundaryMAE, 4), f(v.IoU, 4), f(v.F1, 4), f(v.SADk, 2), f(v.MSE, 5)]),
      ['l', 'r', 'r', 'r', 'r', 'r', 'r'],
    ),
  ].join('\n');
}

export function resultsMarkdown(r: BenchResults): string {
  const m = r.machine;
  const parts = [
    `# greenroom bench, ${r.date.slice(0, 10)}${r.mode === 'quick' ? ' (quick run)' : ''}`,
    '',
    `Measured in one run on ${m.cpu}, ${m.cores} cores, ${m.memoryGB} GB, ${m.platform}, Node ${m.node}; ` +
      `greenroom with onnxruntime-node ${m.onnxruntimeNode}, sharp ${m.sharp}; peer @imgly/background-removal-node ${m.peer} ` +
      `(its onnxruntime-node ${m.peerOnnxruntimeNode}). No GPU. 1-min load average at start: ${m.loadAvgAtStart}. ` +
      `Studio.open (model load): ${Math.round(r.studioOpenMs)} ms.${r.benchSeconds ? ` Whole bench: ${Math.round(r.benchSeconds)} s${r.waitedSeconds ? ` (after ${r.waitedSeconds} s waiting for a quiet machine)` : ''}.` : ''}`,
    '',
  ];
  if (r.network) parts.push(networkMarkdown(r.network), '');
  if (r.speed) parts.push(speedMarkdown(r.speed), '');
  if (r.phone) parts.push(phoneMarkdown(r.phone), '');
  if (r.quality) parts.push(qualityMarkdown(r.quality), '');
  if (r.silhouettes) parts.push(silhouetteMarkdown(r.silhouettes), '');
  if (r.proxies) parts.push(proxyQualityMarkdown(r.proxies), '');
  if (r.compose) parts.push(composeMarkdown(r.compose), '');
  if (r.touchup) parts.push(touchupMarkdown(r.touchup), '');
  if (r.energy) parts.push(energyMarkdown(r.energy), '');
  if (r.server) parts.push(serverMarkdown(r.server), '');
  if (r.responsiveness) parts.push(responsivenessMarkdown(r.responsiveness), '');
  return parts.join('\n');
}

export function composeMarkdown(c: ComposeResults): string {
  return [
    `## Instant backgrounds: compose at ${c.size}, excluding segmentation`,
    '',
    `One cutout of ${c.photo} (made once), laid out at ${c.size} with 10% padding; median of ${c.runs} runs after a warm-up. ` +
      `Target: at most ${c.targetMs} ms for scene + layout + shadow + compose + encode.`,
    '',
    table(
      ['case', ...COMPOSE_STAGES.map((s) => `${s} ms`), 'total ms', 'target met', 'file KB'],
      c.rows.map((r) => [r.name, ...COMPOSE_STAGES.map((s) => f(r.stages[s], 1)), f(r.totalMs, 1), r.totalMs <= c.targetMs ? 'yes' : 'no', f(r.bytes / 1024)]),
      ['l', ...COMPOSE_STAGES.map(() => 'r' as const), 'r', 'l', 'r'],
    ),
  ].join('\n');
}

export function energyMarkdown(e: EnergyResults): string {
  return [
    '## Energy per image',
    '',
    `Meter: ${e.meter} (${e.method}). ${e.basis} Device: ${e.device}. ` +
      `Receipts include a memory term; the "CPU term" column is CPU seconds x ${e.wattsPerThread} W per thread alone, the same model applied to the peer's CPU time (measured in its own process over the same images). ` +
      `Reference: a generated image averages ${e.referenceJ.toFixed(0)} J (Luccioni, Jernite and Strubell 2023, 2.907 kWh per 1,000 images).`,
    '',
    table(
      ['what', 'J per image (receipt)', 'CPU ms per image', 'CPU term J', 'times below the reference'],
      e.rows.map((r) => [r.what, f(r.joules, 2), f(r.cpuMs), f(r.cpuJoules, 2), r.referenceRatio === null ? null : `${r.referenceRatio}x`]),
      ['l', 'r', 'r', 'r', 'r'],
    ),
    '',
    `Full edit, mean over ${e.edit.images} photos: ${e.edit.meanJ} J (target at most ${e.edit.targetJ} J: ${e.edit.meanJ <= e.edit.targetJ ? 'met' : 'not met'}); by stage: ` +
      Object.entries(e.edit.stagesJ).map(([k, v]) => `${k} ${v} J`).join(', ') + '.',
  ].join('\n');
}

export function serverMarkdown(s: ServerLoadResults): string {
  return [
    '## Server under load (loopback)',
    '',
    `\`greenroom serve\` in a child process (started and model warm in ${s.startupMs} ms); clients POST the ~1.5 MP speed photos to /v1/cutout with default options. ` +
      `The server runs 2 images at once with 8 waiting and answers 429 + Retry-After beyond; clients wait and retry. Server resident memory: ${s.startRssMB ?? "?"} MB at start, ${s.idleAfter20RssMB ?? "?"} MB idle after 20 cutouts, peak ${s.peakRssMB} MB over the run.`,
    '',
    table(
      ['clients', 'requests', 'ok', '429 (retried)', 'other errors', 'p50 ms', 'p95 ms', 'images / min'],
      s.levels.map((l) => [l.clients, l.requests, l.ok, l.throttled, l.errors, l.p50Ms, l.p95Ms, f(l.imagesPerMin, 1)]),
      ['r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    ),
  ].join('\n');
}

export function responsivenessMarkdown(r: ResponsivenessResults): string {
  const h = r.health, m = r.memory;
  return [
    '## Server responsiveness and memory (12 MP photos)',
    '',
    `The built server (\`npm start\`'s command and environment) in a child process cuts out the 12 MP phone photos ${r.photos} times, ${r.inFlight} in flight (its limiter's concurrency), ` +
      `while a client asks GET /health every 20 ms. Targets: max under 100 ms, p99 under 50 ms; idle memory under 600 MB; peak with two 12 MP photos in flight under 1.5 GB.`,
    '',
    table(
      ['', 'samples', 'p50 ms', 'p99 ms', 'max ms', 'over 100 ms'],
      [
        ['GET /health during the cutouts', h.samples, f(h.p50Ms, 1), f(h.p99Ms, 1), f(h.maxMs, 1), h.over100Ms],
        ['GET /health, server idle (the floor)', r.idleHealth.samples, f(r.idleHealth.p50Ms, 1), f(r.idleHealth.p99Ms, 1), f(r.idleHealth.maxMs, 1), null],
      ],
      ['l', 'r', 'r', 'r', 'r', 'r'],
    ),
    '',
    `12 MP cutout latency with ${r.inFlight} in flight: median ${f(r.cutoutMedianMs)} ms. ` +
      `Resident memory: ${f(m.startRssMB)} MB at start, ${f(m.idleRssMB)} MB idle after the photos, peak ${f(m.peakTwoInFlightMB)} MB with two 12 MP photos in flight${m.peakMeasured ? '' : ' (peak since start: the kernel refused to reset it)'}.`,
  ].join('\n');
}
