/** Where the bench reads its sources and writes its generated data and results. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
export const ROOT_DIR = path.resolve(BENCH_DIR, '..');
/** The committed real photos (scikit-image, BSD). */
export const PHOTOS_DIR = path.join(ROOT_DIR, 'test', 'fixtures', 'photos');
/** Extra committed source images (scikit-image, BSD) and the frozen ground-truth foregrounds. */
export const ASSETS_DIR = path.join(BENCH_DIR, 'assets');
export const FG_DIR = path.join(ASSETS_DIR, 'fg');
/** Generated, gitignored. */
export const WORK_DIR = path.join(BENCH_DIR, 'work');
export const SPEED_DIR = path.join(WORK_DIR, 'speed');
export const IMG_DIR = path.join(WORK_DIR, 'quality', 'img');
export const GT_DIR = path.join(WORK_DIR, 'quality', 'gt');
export const PRED_ROOT = path.join(WORK_DIR, 'quality', 'pred');
export const RESULTS_DIR = path.join(BENCH_DIR, 'results');
export const SCORER = path.resolve(ROOT_DIR, '..', 'shared', 'tools', 'score-mattes.mjs');

/** True when the module at `metaUrl` is the script node was started with. */
export function isMain(metaUrl: string): boolean {
  return !!process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(metaUrl);
}
