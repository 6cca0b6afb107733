/**
 * Touch-up mode: fix a cutout by hand with Keep and Erase brushes. Each stroke is applied in the
 * page, in milliseconds, by the same edge-aware solver the server runs (src/matte, bundled by
 * Vite), so the cutout updates live; undo and redo are exact. The strokes, in the photo's pixels,
 * go to the server with the original photo and the previous cutout, which applies them again at
 * full size for the download and every background (the network does not run again).
 *
 * Mouse, pen and finger through pointer events: one pointer paints; two fingers pinch to zoom
 * and pan; the wheel zooms; a middle or right drag pans.
 */
import { TouchupSession } from '../../src/matte/touchup.ts';
import type { Box, HintMode } from '../../src/matte/hints.ts';
import { loadTouchupImages, type TouchupImages } from './touchup-images.ts';

/** A stroke as the API takes it, in the photo's pixels. */
export interface StrokeJson {
  mode: HintMode;
  radius: number;
  points: [number, number][];
}

export interface TouchupRequest {
  name: string;
  photo: Blob;
  /** The cutout the strokes fix (the server's, untouched). */
  cutout: Blob;
  /** Strokes applied in an earlier visit, to continue from. */
  strokes: StrokeJson[];
  onDone(strokes: StrokeJson[]): void;
  /** Downloads the touched-up cutout (made by the server from the same strokes). */
  download(strokes: StrokeJson[]): Promise<void>;
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

interface View {
  /** Screen (CSS) pixels per working pixel, and the working image's top-left on screen. */
  s: number;
  ox: number;
  oy: number;
}

let req: TouchupRequest | null = null;
let images: TouchupImages | null = null;
let session: TouchupSession | null = null;
let applied: StrokeJson[] = [];
let undone: StrokeJson[] = [];
let mode: HintMode = 'erase';
let view: View = { s: 1, ox: 0, oy: 0 };
let fitScale = 1;
/** The cutout as it stands, at the working size (kept in the page, hidden: what the view draws from). */
const result = document.createElement('canvas');
result.id = 'tu-result';
result.hidden = true;
let resultData: ImageData | null = null;
let background = 'checker';
let wired = false;

/** Wires the editor and warms the solver up; call once when the page loads. */
export function prepareTouchup(): void {
  wire();
}

/** Opens the editor on a cutout. */
export async function openTouchup(r: TouchupRequest): Promise<void> {
  wire();
  req = r;
  const root = $('touchup');
  root.hidden = false;
  root.dataset.ready = 'false';
  document.body.classList.add('touchup-open');
  $('tu-name').textContent = r.name;
  status('Loading…');
  try {
    images = await loadTouchupImages(r.photo, r.cutout);
  } catch (err) {
    status(`Cannot touch up this photo: ${(err as Error).message}.`);
    return;
  }
  const { width, height, rgb, alpha } = images;
  session = new TouchupSession({ rgb, width, height }, alpha);
  applied = [];
  undone = [];
  for (const s of r.strokes) applyStroke(s, false);
  result.width = width;
  result.height = height;
  resultData = new ImageData(images.display, width, height);
  result.getContext('2d')!.putImageData(resultData, 0, 0);
  fit();
  root.dataset.ready = 'true';
  status(r.strokes.length ? `${r.strokes.length} earlier stroke${r.strokes.length === 1 ? '' : 's'} applied` : 'Paint over what should go (Erase) or stay (Keep)');
  update();
}

function close(): void {
  $('touchup').hidden = true;
  document.body.classList.remove('touchup-open');
  req = null;
  images = null;
  session = null;
  resultData = null;
}

// ---- strokes ----

/** Applies a stroke (photo pixels) to the session; with `show`, redraws what changed. */
function applyStroke(stroke: StrokeJson, show: boolean): number {
  const k = images!.scale;
  const points = stroke.points.flatMap(([x, y]) => [x * k, y * k]);
  const report = session!.stroke({ mode: stroke.mode, radius: stroke.radius * k, points });
  applied.push(stroke);
  if (show) paintBox(report.changed);
  return report.ms;
}

/** Copies the session's matte into the shown image over `box`. */
function paintBox(box: Box | null): void {
  if (!box || !resultData || !images) return;
  const { width } = images;
  const alpha = session!.alpha;
  const data = resultData.data;
  for (let y = box.y; y < box.y + box.height; y++) {
    for (let x = box.x; x < box.x + box.width; x++) {
      const i = y * width + x;
      const a = alpha[i]!;
      // Brought back where the cutout had nothing: show the photo's colours.
      if (data[i * 4 + 3] === 0 && a > 0) for (let c = 0; c < 3; c++) data[i * 4 + c] = images.rgb[i * 3 + c]!;
      data[i * 4 + 3] = a;
    }
  }
  result.getContext('2d')!.putImageData(resultData, 0, 0, box.x, box.y, box.width, box.height);
}

function undo(): void {
  if (!session?.canUndo) return;
  paintBox(session.undo());
  undone.push(applied.pop()!);
  status('Undone');
  update();
}

function redo(): void {
  if (!session?.canRedo) return;
  paintBox(session.redo());
  applied.push(undone.pop()!);
  status('Redone');
  update();
}

// ---- drawing ----

let current: { pointerId: number; stroke: StrokeJson; screen: [number, number][] } | null = null;
let hover: [number, number] | null = null;

/** Brush radius in screen pixels. */
const brushRadius = () => Number($<HTMLInputElement>('tu-size').value);

function toWorking(sx: number, sy: number): [number, number] {
  return [(sx - view.ox) / view.s, (sy - view.oy) / view.s];
}

function startStroke(e: PointerEvent, at: [number, number]): void {
  const k = images!.scale;
  const [wx, wy] = toWorking(...at);
  const radius = brushRadius() / view.s / k;
  current = { pointerId: e.pointerId, stroke: { mode, radius: round(radius), points: [[round(clampX(wx) / k), round(clampY(wy) / k)]] }, screen: [at] };
  draw();
}

function extendStroke(at: [number, number]): void {
  if (!current) return;
  const last = current.screen[current.screen.length - 1]!;
  // Keep points about a quarter of the brush apart: smooth enough, and a small request.
  if (Math.hypot(at[0] - last[0], at[1] - last[1]) < Math.max(1, brushRadius() / 4)) return;
  const k = images!.scale;
  const [wx, wy] = toWorking(...at);
  current.screen.push(at);
  current.stroke.points.push([round(clampX(wx) / k), round(clampY(wy) / k)]);
  draw();
}

function finishStroke(): void {
  if (!current) return;
  const stroke = current.stroke;
  current = null;
  const ms = applyStroke(stroke, true);
  undone = [];
  status(`${stroke.mode === 'keep' ? 'Keep' : 'Erase'}: applied in ${Math.max(1, Math.round(ms))} ms`);
  update();
}

// Points may hang over the edge by the brush; the API takes them up to a radius outside.
const clampX = (x: number) => Math.min(images!.width, Math.max(0, x));
const clampY = (y: number) => Math.min(images!.height, Math.max(0, y));
const round = (v: number) => Math.round(v * 10) / 10;

let checker: CanvasPattern | null = null;

function draw(): void {
  const canvas = $<HTMLCanvasElement>('tu-view');
  const stage = $('tu-stage');
  const dpr = window.devicePixelRatio || 1;
  const cw = stage.clientWidth, ch = stage.clientHeight;
  if (canvas.width !== Math.round(cw * dpr) || canvas.height !== Math.round(ch * dpr)) {
    canvas.width = Math.round(cw * dpr);
    canvas.height = Math.round(ch * dpr);
  }
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.fillStyle = '#2b2f2d';
  ctx.fillRect(0, 0, cw, ch);
  if (!images) return;
  // Where the image sits on screen, for anyone placing strokes by hand (and the browser tests).
  Object.assign(stage.dataset, { scale: String(view.s), ox: String(view.ox), oy: String(view.oy), workScale: String(images.scale) });
  const w = images.width * view.s, h = images.height * view.s;
  if (background === 'checker') {
    checker ??= checkerPattern(ctx);
    ctx.fillStyle = checker;
  } else ctx.fillStyle = background;
  ctx.fillRect(view.ox, view.oy, w, h);
  ctx.imageSmoothingEnabled = view.s < 2;
  ctx.drawImage(result, view.ox, view.oy, w, h);
  if (current) {
    ctx.strokeStyle = current.stroke.mode === 'keep' ? 'rgba(0, 200, 60, 0.5)' : 'rgba(230, 20, 20, 0.5)';
    ctx.lineWidth = brushRadius() * 2;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.beginPath();
    current.screen.forEach(([x, y], i) => (i === 0 ? ctx.moveTo(x, y) : ctx.lineTo(x, y)));
    if (current.screen.length === 1) ctx.lineTo(current.screen[0]![0] + 0.01, current.screen[0]![1]);
    ctx.stroke();
  } else if (hover) {
    ctx.strokeStyle = mode === 'keep' ? '#00c83c' : '#e61414';
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    ctx.arc(hover[0], hover[1], brushRadius(), 0, Math.PI * 2);
    ctx.stroke();
  }
}

function checkerPattern(ctx: CanvasRenderingContext2D): CanvasPattern {
  const tile = document.createElement('canvas');
  tile.width = tile.height = 16;
  const t = tile.getContext('2d')!;
  t.fillStyle = '#ffffff';
  t.fillRect(0, 0, 16, 16);
  t.fillStyle = '#d9d9d9';
  t.fillRect(0, 0, 8, 8);
  t.fillRect(8, 8, 8, 8);
  return ctx.createPattern(tile, 'repeat')!;
}

// ---- zoom and pan ----

function fit(): void {
  if (!images) return;
  const stage = $('tu-stage');
  fitScale = Math.min(stage.clientWidth / images.width, stage.clientHeight / images.height) * 0.96;
  view = { s: fitScale, ox: (stage.clientWidth - images.width * fitScale) / 2, oy: (stage.clientHeight - images.height * fitScale) / 2 };
  draw();
}

/** Zooms by `k` around the screen point (x, y). */
function zoom(k: number, x: number, y: number): void {
  const s = Math.min(Math.max(view.s * k, fitScale / 2), 32);
  const f = s / view.s;
  view = { s, ox: x - (x - view.ox) * f, oy: y - (y - view.oy) * f };
  draw();
}

function zoomCentre(k: number): void {
  const stage = $('tu-stage');
  zoom(k, stage.clientWidth / 2, stage.clientHeight / 2);
}

// ---- pointers ----

const pointers = new Map<number, [number, number]>();
let pinch: { d: number; mid: [number, number]; view: View } | null = null;
let pan: { from: [number, number]; view: View } | null = null;

function local(e: PointerEvent | WheelEvent): [number, number] {
  const r = $('tu-view').getBoundingClientRect();
  return [e.clientX - r.left, e.clientY - r.top];
}

function startPinch(): void {
  const [a, b] = [...pointers.values()] as [[number, number], [number, number]];
  pinch = { d: Math.hypot(a[0] - b[0], a[1] - b[1]) || 1, mid: [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2], view: { ...view } };
}

function onPointerDown(e: PointerEvent): void {
  if (!session) return;
  e.preventDefault();
  const canvas = $('tu-view');
  canvas.setPointerCapture(e.pointerId);
  const at = local(e);
  pointers.set(e.pointerId, at);
  if (e.pointerType === 'mouse' && e.button !== 0) {
    pan = { from: at, view: { ...view } };
    return;
  }
  if (pointers.size === 2) {
    // A second finger: zooming and panning, not painting.
    current = null;
    startPinch();
    draw();
    return;
  }
  if (pointers.size === 1) startStroke(e, at);
}

function onPointerMove(e: PointerEvent): void {
  const at = local(e);
  if (pointers.has(e.pointerId)) pointers.set(e.pointerId, at);
  if (pan) {
    view = { ...pan.view, ox: pan.view.ox + at[0] - pan.from[0], oy: pan.view.oy + at[1] - pan.from[1] };
    draw();
    return;
  }
  if (pinch && pointers.size === 2) {
    const [a, b] = [...pointers.values()] as [[number, number], [number, number]];
    const d = Math.hypot(a[0] - b[0], a[1] - b[1]);
    const mid: [number, number] = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
    const s = Math.min(Math.max(pinch.view.s * (d / pinch.d), fitScale / 2), 32);
    const f = s / pinch.view.s;
    view = { s, ox: mid[0] - (pinch.mid[0] - pinch.view.ox) * f, oy: mid[1] - (pinch.mid[1] - pinch.view.oy) * f };
    draw();
    return;
  }
  if (current && current.pointerId === e.pointerId) {
    for (const ev of e.getCoalescedEvents?.() ?? [e]) extendStroke(local(ev));
    return;
  }
  if (e.pointerType !== 'touch') {
    hover = at;
    draw();
  }
}

function onPointerUp(e: PointerEvent): void {
  pointers.delete(e.pointerId);
  if (pan && pointers.size === 0) pan = null;
  if (pinch) {
    if (pointers.size < 2) pinch = null;
    return;
  }
  if (current && current.pointerId === e.pointerId) {
    if (e.type === 'pointercancel') {
      current = null;
      draw();
    } else finishStroke();
  }
}

// ---- controls ----

function setMode(m: HintMode): void {
  mode = m;
  for (const [id, v] of [['tu-keep', 'keep'], ['tu-erase', 'erase']] as const) $(id).setAttribute('aria-checked', String(v === m));
  draw();
}

function update(): void {
  $<HTMLButtonElement>('tu-undo').disabled = !session?.canUndo;
  $<HTMLButtonElement>('tu-redo').disabled = !session?.canRedo;
  $('touchup').dataset.strokes = String(applied.length);
  draw();
}

function status(text: string): void {
  $('tu-status').textContent = text;
}

function wire(): void {
  if (wired) return;
  wired = true;
  $('touchup').append(result);
  const canvas = $('tu-view');
  canvas.addEventListener('pointerdown', onPointerDown);
  canvas.addEventListener('pointermove', onPointerMove);
  canvas.addEventListener('pointerup', onPointerUp);
  canvas.addEventListener('pointercancel', onPointerUp);
  canvas.addEventListener('pointerleave', () => {
    hover = null;
    draw();
  });
  canvas.addEventListener('contextmenu', (e) => e.preventDefault());
  canvas.addEventListener('wheel', (e) => {
    e.preventDefault();
    const [x, y] = local(e);
    zoom(Math.exp(-e.deltaY * 0.0015), x, y);
  }, { passive: false });
  $('tu-keep').addEventListener('click', () => setMode('keep'));
  $('tu-erase').addEventListener('click', () => setMode('erase'));
  $('tu-size').addEventListener('input', () => draw());
  $('tu-undo').addEventListener('click', undo);
  $('tu-redo').addEventListener('click', redo);
  $('tu-zoom-in').addEventListener('click', () => zoomCentre(1.5));
  $('tu-zoom-out').addEventListener('click', () => zoomCentre(1 / 1.5));
  $('tu-fit').addEventListener('click', fit);
  $('tu-bg').addEventListener('change', () => {
    background = $<HTMLSelectElement>('tu-bg').value;
    draw();
  });
  $('tu-cancel').addEventListener('click', close);
  $('tu-done').addEventListener('click', () => {
    const r = req;
    const strokes = [...applied];
    close();
    r?.onDone(strokes);
  });
  $('tu-download').addEventListener('click', async () => {
    if (!req) return;
    const button = $<HTMLButtonElement>('tu-download');
    button.disabled = true;
    status('Making the cutout at full size…');
    try {
      await req.download([...applied]);
      status('Downloaded');
    } catch (err) {
      status(`Download failed: ${(err as Error).message}`);
    } finally {
      button.disabled = false;
    }
  });
  window.addEventListener('resize', () => {
    if (!$('touchup').hidden) fit();
  });
  document.addEventListener('keydown', (e) => {
    if ($('touchup').hidden || (e.target as HTMLElement).matches('input, select, textarea')) return;
    const key = e.key.toLowerCase();
    if ((e.ctrlKey || e.metaKey) && key === 'z') {
      e.preventDefault();
      if (e.shiftKey) redo();
      else undo();
    } else if ((e.ctrlKey || e.metaKey) && key === 'y') {
      e.preventDefault();
      redo();
    } else if (key === 'k') setMode('keep');
    else if (key === 'e') setMode('erase');
    else if (key === '+' || key === '=') zoomCentre(1.5);
    else if (key === '-') zoomCentre(1 / 1.5);
    else if (key === '0') fit();
    else if (key === 'escape') close();
  });
  warmUp();
}

/** Runs the solver a few times on a small picture, so the first real stroke is not the slow, unoptimised one. */
function warmUp(): void {
  const run = () => {
    const w = 96, h = 72;
    const rgb = new Uint8Array(w * h * 3), alpha = new Uint8Array(w * h);
    for (let i = 0; i < w * h; i++) {
      const inside = (i % w) > 30 && (i % w) < 70;
      rgb[i * 3] = inside ? 200 : 90 + (i % 7);
      rgb[i * 3 + 1] = 60;
      rgb[i * 3 + 2] = inside ? 40 : 120;
      alpha[i] = inside ? 255 : (i % w) < 20 ? 180 : 0;
    }
    const s = new TouchupSession({ rgb, width: w, height: h }, alpha);
    for (let k = 0; k < 4; k++) {
      s.stroke({ mode: 'erase', radius: 4, points: [10, 20 + k * 8, 15, 30] });
      s.stroke({ mode: 'keep', radius: 3, points: [75, 30, 85, 40] });
    }
  };
  const idle = (window as { requestIdleCallback?: (f: () => void) => void }).requestIdleCallback ?? ((f: () => void) => setTimeout(f, 200));
  idle(run);
}
