/**
 * Solid product silhouettes (bottle, mug, vase, sneaker, headphones, watch, teapot, lamp,
 * handbag, kettle) as SVG paths in a 300x200 view box, placed into a pixel box: binary edges
 * with smooth curves, for the small set and for motion-blurred subjects.
 */
import type { Box } from './objects.ts';
import { f } from './svg.ts';

export const PRODUCT_PATHS: Readonly<Record<string, string>> = {
  bottle: 'M140 20 h20 v30 q30 15 30 50 v85 q0 10 -10 10 h-60 q-10 0 -10 -10 v-85 q0 -35 30 -50 z',
  mug: 'M95 45 h90 v110 q0 20 -20 20 h-50 q-20 0 -20 -20 z M185 70 h15 q30 0 30 35 q0 35 -30 35 h-15 v-16 h13 q16 0 16 -19 q0 -19 -16 -19 h-13 z',
  vase: 'M125 15 h50 q-5 25 10 45 q40 40 15 100 q-10 25 -50 25 q-40 0 -50 -25 q-25 -60 15 -100 q15 -20 10 -45 z',
  sneaker: 'M40 150 q0 -40 30 -55 q20 -25 50 -30 q20 40 60 40 q70 5 85 30 q10 20 -5 25 h-200 q-20 0 -20 -10 z',
  headphones: 'M70 140 q0 -110 80 -110 q80 0 80 110 h-14 q0 -96 -66 -96 q-66 0 -66 96 z M62 120 h34 v60 h-34 z M204 120 h34 v60 h-34 z',
  watch: 'M135 5 h30 v45 a50 50 0 0 1 0 100 v45 h-30 v-45 a50 50 0 0 1 0 -100 z M150 68 a32 32 0 1 0 0.1 0 z',
  teapot: 'M100 80 q50 -25 100 0 q20 30 10 70 q-5 25 -60 25 q-55 0 -60 -25 q-10 -40 10 -70 z M140 55 h20 v12 h-20 z M210 100 q40 -20 55 -45 l6 5 q-12 35 -58 62 z M92 95 q-35 0 -35 30 q0 30 40 30 v-12 q-26 0 -26 -18 q0 -17 22 -17 z',
  handbag: 'M70 90 h160 l15 95 h-190 z M110 90 q0 -60 40 -60 q40 0 40 60 h-12 q0 -48 -28 -48 q-28 0 -28 48 z',
  kettle: 'M90 70 q60 -20 120 0 l15 110 h-150 z M115 62 q35 -55 70 0 l-10 4 q-25 -40 -50 0 z M210 95 q35 -5 50 -40 l8 4 q-10 45 -55 58 z',
  deskLamp: 'M80 185 h80 v-12 h-34 l50 -95 l-12 -6 l-52 100 h-32 z M175 55 l60 -20 l25 45 l-75 10 z',
};

export const PRODUCT_NAMES = Object.keys(PRODUCT_PATHS);

/** The product's path placed to fill `box` (view box 300x200, aspect kept), as an SVG element. */
export function productSvg(name: string, box: Box, opacity = 1): string {
  const s = Math.min(box.w / 300, box.h / 200);
  const ox = box.x + (box.w - 300 * s) / 2;
  const oy = box.y + (box.h - 200 * s) / 2;
  return `<path transform="translate(${f(ox)} ${f(oy)}) scale(${f(s)})" d="${PRODUCT_PATHS[name]}" fill="#fff" fill-rule="evenodd"${opacity < 1 ? ` fill-opacity="${f(opacity)}"` : ''}/>`;
}
