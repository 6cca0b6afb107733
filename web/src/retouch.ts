/**
 * The Retouch brush: paint over what should go (a sticker, dust, a cable), release, and it is
 * filled from the photo's own texture, in the page, by the same engine the server runs
 * (src/retouch, in a Web Worker: retouch-worker.ts), on the photo at full size. With a cutout of
 * the photo, a stroke on the product is filled from the product and one on the background from
 * the background. Undo and redo are exact (each fill keeps the pixels it replaced); Before shows
 * the photo as it came. Done hands the retouched photo (PNG) back to the card, which cuts it out
 * again.
 *
 * Mouse, pen and finger through pointer events: one pointer paints; two fingers pinch to zoom
 * and pan; the wheel zooms; a middle or right drag pans.
 */
import type { Box } from '../../src/retouch/types.ts';
import type { RetouchReply, RetouchRequest } from './retouch-worker.ts';

export interface RetouchSession {
  name: string;
  photo: Blob;
  /** The photo's cutout (a preview will do), when it has one: its alpha says which side of the product a stroke is on. */
  cutout?: Blob;
  /** The retouched photo, when at least one fill was kept. */
  onDone(photo: Blob, fills: number): void;
}

interface Fill {
  box: Box;
  before: Uint8Array;
  after: Uint8Array;
}

interface View {
  s: number;
  ox: number;
  oy: number;
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

let req: RetouchSession | null = null;
let worker: Worker | null = null;
let size = { width: 0, height: 0 };
/** The photo as it stands (full size) and as it came, for Before. */
const current = document.createElement('canvas');
current.id = 'rt-current';
current.hidden = true;
const original = document.createElement('canvas');
let done: Fill[] = [];
let undone: Fill[] = [];
let pending = 0;
let sentAt = 0;
let nextId = 1;
let showBefore = false;
let view: View = { s: 1, ox: 0, oy: 0 };
let fitScale = 1;
let wired = false;

/** Opens the brush on a photo. */
export async function openRetouch(r: RetouchSession): Promise<void> {
  wire();
  req = r;
  const root = $('retouch');
  root.hidden = false;
  root.dataset.ready = 'false';
  root.dataset.fills = '0';
  document.body.classList.add('touchup-open');
  $('rt-name').textContent = r.name;
  done = [];
  undone = [];
  pending = 0;
  setBefore(false);
  status('Loading…');
  try {
    const rgba = await pixels(r.photo);
    size = { width: rgba.width, height: rgba.height };
    // The card's cutout may be a screen-sized preview: its matte is scaled to the photo.
    const matte = r.cutout ? await pixels(r.cutout, size).catch(() => null) : null;
    for (const c of [current, original]) {
      c.width = size.width;
      c.height = size.height;
      c.getContext('2d')!.putImageData(rgba, 0, 0);
    }
    const n = size.width * size.height;
    const rgb = new Uint8Array(n * 3);
    for (let i = 0; i < n; i++) for (let k = 0; k < 3; k++) rgb[i * 3 + k] = rgba.data[i * 4 + k]!;
    let alpha: Uint8Array | undefined;
    if (matte) {
      alpha = new Uint8Array(n);
      for (let i = 0; i < n; i++) alpha[i] = matte.data[i * 4 + 3]!;
    }
    worker?.terminate();
    worker = new Worker(new URL('./retouch-worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (e: MessageEvent<RetouchReply>) => onReply(e.data);
    send({ kind: 'photo', rgb, width: size.width, height: size.height, ...(alpha ? { matte: alpha } : {}) }, [rgb.buffer as ArrayBuffer]);
  } catch (err) {
    status(`Cannot open this photo: ${(err as Error).message}.`);
    return;
  }
  fit();
  root.dataset.ready = 'true';
  status(`Paint over what should go, then release${r.cutout ? ' (the cutout keeps product and background apart)' : ''}`);
  update();
}

/** An image's pixels as the browser decodes them (orientation applied), at its size or `to`. */
async function pixels(blob: Blob, to?: { width: number; height: number }): Promise<ImageData> {
  const bitmap = await createImageBitmap(blob, { imageOrientation: 'from-image', premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
  const c = document.createElement('canvas');
  c.width = to?.width ?? bitmap.width;
  c.height = to?.height ?? bitmap.height;
  const ctx = c.getContext('2d', { willReadFrequently: true })!;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(bitmap, 0, 0, c.width, c.height);
  bitmap.close();
  return ctx.getImageData(0, 0, c.width, c.height);
}

function send(msg: RetouchRequest, transfer: ArrayBuffer[] = []): void {
  worker?.postMessage(msg, transfer);
}

function close(): void {
  $('retouch').hidden = true;
  document.body.classList.remove('touchup-open');
  worker?.terminate();
  worker = null;
  req = null;
}

// ---- fills ----

function onReply(reply: RetouchReply): void {
  pending = Math.max(0, pending - 1);
  if (reply.kind === 'filled') {
    const fill = { box: reply.box, before: reply.before, after: reply.rgb };
    paint(fill.box, fill.after);
    done.push(fill);
    undone = [];
    status(`Filled ${reply.pixels.toLocaleString()} px in ${Math.round(reply.ms)} ms`);
    // From release to the fill on screen (the engine's own time is in the status).
    $('retouch').dataset.lastMs = String(Math.round(performance.now() - sentAt));
  } else status(reply.kind === 'failed' ? `The fill failed: ${reply.message}` : `Nothing filled: ${reply.reason}`);
  update();
}

/** Writes RGB pixels over a box of the current photo. */
function paint(box: Box, rgb: Uint8Array): void {
  const img = new ImageData(box.width, box.height);
  for (let i = 0; i < box.width * box.height; i++) {
    img.data[i * 4] = rgb[i * 3]!;
    img.data[i * 4 + 1] = rgb[i * 3 + 1]!;
    img.data[i * 4 + 2] = rgb[i * 3 + 2]!;
    img.data[i * 4 + 3] = 255;
  }
  current.getContext('2d')!.putImageData(img, box.x, box.y);
}

function undo(): void {
  if (pending > 0 || done.length === 0) return;
  const fill = done.pop()!;
  paint(fill.box, fill.before);
  send({ kind: 'patch', box: fill.box, rgb: fill.before.slice() });
  undone.push(fill);
  status('Undone');
  update();
}

function redo(): void {
  if (pending > 0 || undone.length === 0) return;
  const fill = undone.pop()!;
  paint(fill.box, fill.after);
  send({ kind: 'patch', box: fill.box, rgb: fill.after.slice() });
  done.push(fill);
  status('Redone');
  update();
}

function setBefore(on: boolean): void {
  showBefore = on;
  $('rt-before').setAttribute('aria-pressed', String(on));
  draw();
}

// ---- drawing ----

let stroke: { pointerId: number; points: number[]; screen: [number, number][]; radius: number } | null = null;
let hover: [number, number] | null = null;
const brushRadius = () => Number($<HTMLInputElement>('rt-size').value);
const toPhoto = (sx: number, sy: number): [number, number] => [(sx - view.ox) / view.s, (sy - view.oy) / view.s];
const round = (v: number) => Math.round(v * 10) / 10;
const pairs = (flat: number[]): [number, number][] => Array.from({ length: flat.length / 2 }, (_, i) => [flat[2 * i]!, flat[2 * i + 1]!]);

function startStroke(e: PointerEvent, at: [number, number]): void {
  const [x, y] = toPhoto(...at);
  stroke = { pointerId: e.pointerId, points: [round(x), round(y)], screen: [at], radius: round(brushRadius() / view.s) };
  draw();
}

function extendStroke(at: [number, number]): void {
  if (!stroke) return;
  const last = stroke.screen[stroke.screen.length - 1]!;
  if (Math.hypot(at[0] - last[0], at[1] - last[1]) < Math.max(1, brushRadius() / 4)) return;
  const [x, y] = toPhoto(...at);
  stroke.screen.push(at);
  stroke.points.push(round(x), round(y));
  draw();
}

function finishStroke(): void {
  if (!stroke) return;
  const s = stroke;
  stroke = null;
  setBefore(false);
  pending++;
  sentAt = performance.now();
  status('Filling…');
  const sent = { mode: 'erase' as const, radius: s.radius, points: s.points };
  // The stroke as the API takes it, in the photo's pixels (what the server would fill the same way).
  $('retouch').dataset.lastStroke = JSON.stringify({ mode: sent.mode, radius: sent.radius, points: pairs(sent.points) });
  send({ kind: 'stroke', id: nextId++, stroke: sent });
  update();
}

function draw(): void {
  const canvas = $<HTMLCanvasElement>('rt-view');
  const stage = $('rt-stage');
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
  if (!size.width) return;
  // Where the photo sits on screen, for anyone placing strokes by hand (and the browser tests).
  Object.assign(stage.dataset, { scale: String(view.s), ox: String(view.ox), oy: String(view.oy) });
  ctx.imageSmoothingEnabled = view.s < 2;
  ctx.drawImage(showBefore ? original : current, view.ox, view.oy, size.width * view.s, size.height * view.s);
  if (stroke) {
    ctx.strokeStyle = 'rgba(255, 0, 200, 0.55)';
    ctx.lineWidth = stroke.radius * 2 * view.s;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.beginPath();
    stroke.screen.forEach(([x, y], i) => (i === 0 ? ctx.moveTo(x, y) : ctx.lineTo(x, y)));
    if (stroke.screen.length === 1) ctx.lineTo(stroke.screen[0]![0] + 0.01, stroke.screen[0]![1]);
    ctx.stroke();
  } else if (hover) {
    ctx.strokeStyle = '#ff3ccf';
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    ctx.arc(hover[0], hover[1], brushRadius(), 0, Math.PI * 2);
    ctx.stroke();
  }
}

function fit(): void {
  const stage = $('rt-stage');
  if (!size.width) return;
  fitScale = Math.min(stage.clientWidth / size.width, stage.clientHeight / size.height) * 0.96;
  view = { s: fitScale, ox: (stage.clientWidth - size.width * fitScale) / 2, oy: (stage.clientHeight - size.height * fitScale) / 2 };
  draw();
}

function zoom(k: number, x: number, y: number): void {
  const s = Math.min(Math.max(view.s * k, fitScale / 2), 32);
  const f = s / view.s;
  view = { s, ox: x - (x - view.ox) * f, oy: y - (y - view.oy) * f };
  draw();
}

// ---- pointers ----

const pointers = new Map<number, [number, number]>();
let pinch: { d: number; mid: [number, number]; view: View } | null = null;
let pan: { from: [number, number]; view: View } | null = null;

function local(e: PointerEvent | WheelEvent): [number, number] {
  const r = $('rt-view').getBoundingClientRect();
  return [e.clientX - r.left, e.clientY - r.top];
}

function onPointerDown(e: PointerEvent): void {
  if (!size.width || $('retouch').dataset.ready !== 'true') return;
  e.preventDefault();
  $('rt-view').setPointerCapture(e.pointerId);
  const at = local(e);
  pointers.set(e.pointerId, at);
  if (e.pointerType === 'mouse' && e.button !== 0) {
    pan = { from: at, view: { ...view } };
    return;
  }
  if (pointers.size === 2) {
    // A second finger: zooming and panning, not painting.
    stroke = null;
    const [a, b] = [...pointers.values()] as [[number, number], [number, number]];
    pinch = { d: Math.hypot(a[0] - b[0], a[1] - b[1]) || 1, mid: [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2], view: { ...view } };
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
    return draw();
  }
  if (pinch && pointers.size === 2) {
    const [a, b] = [...pointers.values()] as [[number, number], [number, number]];
    const mid: [number, number] = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
    const s = Math.min(Math.max(pinch.view.s * (Math.hypot(a[0] - b[0], a[1] - b[1]) / pinch.d), fitScale / 2), 32);
    const f = s / pinch.view.s;
    view = { s, ox: mid[0] - (pinch.mid[0] - pinch.view.ox) * f, oy: mid[1] - (pinch.mid[1] - pinch.view.oy) * f };
    return draw();
  }
  if (stroke && stroke.pointerId === e.pointerId) {
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
  if (stroke && stroke.pointerId === e.pointerId) {
    if (e.type === 'pointercancel') {
      stroke = null;
      draw();
    } else finishStroke();
  }
}

// ---- controls ----

function update(): void {
  $<HTMLButtonElement>('rt-undo').disabled = done.length === 0 || pending > 0;
  $<HTMLButtonElement>('rt-redo').disabled = undone.length === 0 || pending > 0;
  $<HTMLButtonElement>('rt-done').disabled = pending > 0;
  const root = $('retouch');
  root.dataset.fills = String(done.length);
  root.dataset.pending = String(pending);
  draw();
}

function status(text: string): void {
  $('rt-status').textContent = text;
}

async function finish(): Promise<void> {
  const r = req;
  if (!r || pending > 0) return;
  const fills = done.length;
  if (fills === 0) return close();
  status('Saving the retouched photo…');
  const blob = await new Promise<Blob | null>((resolve) => current.toBlob(resolve, 'image/png'));
  close();
  if (blob) r.onDone(blob, fills);
}

function wire(): void {
  if (wired) return;
  wired = true;
  $('retouch').append(current);
  const canvas = $('rt-view');
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
  $('rt-size').addEventListener('input', () => draw());
  $('rt-undo').addEventListener('click', undo);
  $('rt-redo').addEventListener('click', redo);
  $('rt-before').addEventListener('click', () => setBefore(!showBefore));
  $('rt-fit').addEventListener('click', fit);
  $('rt-cancel').addEventListener('click', close);
  $('rt-done').addEventListener('click', () => void finish());
  window.addEventListener('resize', () => {
    if (!$('retouch').hidden) fit();
  });
  document.addEventListener('keydown', (e) => {
    if ($('retouch').hidden || (e.target as HTMLElement).matches('input, select, textarea')) return;
    const key = e.key.toLowerCase();
    if ((e.ctrlKey || e.metaKey) && key === 'z') {
      e.preventDefault();
      if (e.shiftKey) redo();
      else undo();
    } else if ((e.ctrlKey || e.metaKey) && key === 'y') {
      e.preventDefault();
      redo();
    } else if (key === 'b') setBefore(!showBefore);
    else if (key === '0') fit();
    else if (key === 'escape') close();
  });
}
