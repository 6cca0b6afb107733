/**
 * `npm run bench`'s quality section on the proxy sets (bench/proxies/): greenroom at `best` with
 * refinement off (the network's matte upsampled bilinearly) and on (today's default), and the
 * peer, through the product's own path (studio.cutout). The hires set is subsampled
 * deterministically in a full run (the peer takes several seconds per 8-19 MP photo); every
 * table states n.
 *
 * Run alone: node --import tsx bench/proxy-quality.ts [--quick] [--no-peer]
 */
import path from 'node:path';
import type { Studio } from '../src/index.ts';
import { buildProxySet, PROXY_SETS } from './proxies/sets.ts';
import { runQuality, type VariantScore } from './quality.ts';
import { isMain, WORK_DIR } from './paths.ts';
import { table } from './report.ts';

export interface ProxySetResult {
  id: string;
  mimics: string;
  /** Images in the set, and how many were run. */
  total: number;
  n: number;
  every: number;
  variants: VariantScore[];
}

export interface ProxyQualityResults {
  sets: ProxySetResult[];
}

/** Every k-th image per set: all in a full run except the largest photos (the peer takes 20-50 s per 8-19 MP photo: hires-thin every 4th, cords every 2nd); a quick run keeps about 3 per set. */
export function proxyEvery(id: string, total: number, quick: boolean): number {
  if (quick) return Math.max(1, Math.ceil(total / 3));
  return id === 'hires-thin' ? 4 : id === 'cords' ? 2 : 1;
}

export async function runProxyQuality(studio: Studio, options: { quick?: boolean; peer?: boolean; log?: (s: string) => void } = {}): Promise<ProxyQualityResults> {
  const log = options.log ?? (() => {});
  const sets: ProxySetResult[] = [];
  for (const spec of PROXY_SETS) {
    const built = await buildProxySet(spec.id, { log });
    const every = proxyEvery(spec.id, built.images.length, options.quick ?? false);
    const picked = built.images.filter((_, i) => i % every === 0);
    const files = new Map(built.images.map((i) => [i.name, i.file]));
    log(`quality on proxy set ${spec.id} (${picked.length} of ${built.images.length})...`);
    const r = await runQuality(studio, {
      set: { imgDir: built.imgDir, gtDir: built.gtDir, predRoot: path.join(path.dirname(built.imgDir), 'pred'), imageFile: (n) => files.get(n)! },
      names: picked.map((i) => i.name),
      qualities: ['best'],
      peer: options.peer ?? true,
      log,
    });
    sets.push({ id: spec.id, mimics: spec.mimics, total: built.images.length, n: picked.length, every, variants: r.variants });
  }
  return { sets };
}

const f4 = (x: number) => x.toFixed(4);

export function proxyQualityMarkdown(q: ProxyQualityResults): string {
  const label: Record<string, string> = { 'greenroom-raw-best': 'greenroom, refine off (bilinear)', 'greenroom-refined-best': 'greenroom (default: refine on)', peer: 'peer' };
  const variants = [...new Set(q.sets.flatMap((s) => s.variants.map((v) => v.variant)))];
  const rows = variants.map((v) => [
    label[v] ?? v,
    ...q.sets.map((s) => {
      const x = s.variants.find((y) => y.variant === v);
      if (!x) return null;
      const peer = s.variants.find((y) => y.variant === 'peer');
      const bil = s.variants.find((y) => y.variant === 'greenroom-raw-best');
      return `${f4(x.MAE)} / ${f4(x.boundaryMAE)} / ${peer ? (x.boundaryMAE / peer.boundaryMAE).toFixed(2) + 'x' : '-'} / ${bil ? (x.boundaryMAE / bil.boundaryMAE).toFixed(2) + 'x' : '-'}`;
    }),
  ]);
  return [
    '## Matte quality on the proxy sets',
    '',
    'Composites the project owns, made to look like the real failures (bench/proxies/, bench/README.md): exact alpha, real photos as materials and scenes. ' +
      'greenroom at quality `best` (1024 px) with default options except decontamination, refinement off and on, and the peer, on the same images. ' +
      'Each cell: MAE / bMAE (MAE within 8 px of the true edge) / bMAE vs the peer / bMAE vs bilinear. Lower is better.',
    '',
    table(['variant', ...q.sets.map((s) => `${s.id} (n ${s.n}${s.n < s.total ? ` of ${s.total}` : ''})`)], rows, ['l', ...q.sets.map(() => 'r' as const)]),
    '',
    ...q.sets.map((s) => `- ${s.id}: mimics ${s.mimics}${s.every > 1 ? `; every ${s.every}th image` : ''}.`),
    '',
    'Both greenroom rows run `best`: the network at 1024 px, the context pass when the subject touches the frame and the matte is unsure (models.json contextPass), specks and false holes cleaned (cleanMatte). ' +
      "The uncertainty score's Spearman rank correlation with each image's MAE (greenroom default; the issue asks at least 0.6): " +
      q.sets
        .map((s) => {
          const u = s.variants.find((v) => v.variant === 'greenroom-refined-best')?.uncertainty;
          return `${s.id} ${u ? u.spearmanWithMAE.toFixed(2) : '-'}`;
        })
        .join(', ') +
      '.',
  ].join('\n');
}

if (isMain(import.meta.url)) {
  const { Studio } = await import('../src/index.ts');
  const studio = await Studio.open({ dataDir: path.join(WORK_DIR, 'data') });
  try {
    const r = await runProxyQuality(studio, { quick: process.argv.includes('--quick'), peer: !process.argv.includes('--no-peer'), log: console.log });
    console.log(`\n${proxyQualityMarkdown(r)}`);
  } finally {
    await studio.close();
  }
}
