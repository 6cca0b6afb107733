/**
 * What each quality costs in network passes and time, against the issue-15 targets (ratios to the
 * fp16 network at 1024, timed in the same run): the speed set (five real photos at ~1.5 MP) and
 * the phone set (the same at 12 MP, bench/phone.ts), cut out at each quality through
 * studio.cutout (defaults: refine, decontaminate, PNG), plus the frame-cut proxies at ~0.5-5 MP,
 * where the context pass runs. For every photo: the median latency over the passes, the network
 * passes that ran (CutoutResult.networkPasses), and that latency over the reference network's run
 * next to it. Prints a table and writes bench/work/passes.json.
 *
 *   node --import tsx bench/passes.ts [--qualities best,max] [--passes 3] [--label after]
 *
 * Run in an older checkout (a worktree of the commit before) to time "before" the same way: the
 * script needs only Studio, the speed and phone sets and this file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Studio, type Quality } from '../src/index.ts';
import { decodeImage, resizeForNetwork } from '../src/image/decode.ts';
import { buildSpeedSet } from './dataset.ts';
import { REFERENCE_MODEL } from './network.ts';
import { isMain, PHOTOS_DIR, WORK_DIR } from './paths.ts';
import { buildPhoneSet } from './phone.ts';
import { median } from './stats.ts';

interface Row {
  group: string;
  name: string;
  quality: string;
  medianMs: number;
  passes: number;
  /** Median over passes of (latency / the reference network's run next to it). */
  ratio: number;
}

export async function timePasses(qualities: readonly Quality[], passes: number, extra: string[], log: (s: string) => void): Promise<{ rows: Row[]; referenceMs: number }> {
  const studio = await Studio.open({ dataDir: path.join(WORK_DIR, 'data') });
  const rows: Row[] = [];
  const refRuns: number[] = [];
  try {
    const ref = await studio.segmenter(REFERENCE_MODEL);
    const refInput = resizeForNetwork(await decodeImage(fs.readFileSync(path.join(PHOTOS_DIR, 'coffee.png')), { maxPixels: 1e8 }), 1024);
    const reference = async () => {
      const t = performance.now();
      await ref.segment(new Uint8Array(refInput), 1024);
      const ms = performance.now() - t;
      refRuns.push(ms);
      return ms;
    };
    await reference();
    const groups: Array<[string, Array<{ name: string; file: string }>]> = [
      ['1.5 MP', (await buildSpeedSet()).map((i) => ({ name: i.name, file: i.file }))],
      ['12 MP', (await buildPhoneSet()).map((i) => ({ name: i.name, file: i.file }))],
      ...(extra.length ? [['other', extra.map((f) => ({ name: path.basename(f).replace(/\.\w+$/, ''), file: f }))] as [string, Array<{ name: string; file: string }>]] : []),
    ];
    for (const [group, images] of groups) {
      for (const quality of qualities) {
        await studio.cutout(images[0]!.file, { quality });
        for (const img of images) {
          const ms: number[] = [];
          const ratios: number[] = [];
          let netPasses = 0;
          for (let p = 0; p < passes; p++) {
            const r0 = await reference();
            const t = performance.now();
            const r = await studio.cutout(img.file, { quality });
            const took = performance.now() - t;
            netPasses = (r as { networkPasses?: number }).networkPasses ?? netPasses;
            ms.push(took);
            ratios.push(took / r0);
          }
          const row = { group, name: img.name, quality, medianMs: Math.round(median(ms)), passes: netPasses, ratio: +median(ratios).toFixed(2) };
          rows.push(row);
          log(`  ${group} ${img.name} ${quality}: ${row.medianMs} ms, ${row.passes || '?'} network passes, ${row.ratio}x the fp16 network`);
        }
      }
    }
  } finally {
    await studio.close();
  }
  return { rows, referenceMs: Math.round(median(refRuns)) };
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({ options: { qualities: { type: 'string', default: 'best,max' }, passes: { type: 'string', default: '3' }, label: { type: 'string', default: 'after' }, extra: { type: 'string', default: '' } } });
  const qualities = values.qualities!.split(',') as Quality[];
  const extra = values.extra ? values.extra.split(',') : [];
  const r = await timePasses(qualities, Number(values.passes), extra, console.log);
  const out = path.join(WORK_DIR, `passes-${values.label}.json`);
  fs.writeFileSync(out, JSON.stringify(r, null, 1));
  console.log(`\nreference (fp16 isnet at 1024) median ${r.referenceMs} ms`);
  for (const group of [...new Set(r.rows.map((x) => x.group))]) {
    for (const q of qualities) {
      const rs = r.rows.filter((x) => x.group === group && x.quality === q);
      console.log(`${values.label} ${group} ${q}: median ${median(rs.map((x) => x.medianMs))} ms, ${median(rs.map((x) => x.ratio)).toFixed(2)}x the fp16 network (per photo ${rs.map((x) => x.ratio).join(' ')}), passes ${rs.map((x) => x.passes).join(' ')}`);
    }
  }
  console.log(`wrote ${out}`);
}
