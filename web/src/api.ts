/** The studio's calls to the greenroom HTTP API, and its errors in words a person can read. */
import { unzip } from './zip.ts';

export interface ImageResult {
  blob: Blob;
  width: number;
  height: number;
  joules: number | null;
  method: string | null;
  /** Joules per stage, when the server says. */
  stages: Record<string, number>;
  seed: string | null;
  warnings: string | null;
  /** The server's uncertainty about the cutout, 0..1 (lower = more confident), when it reports one. */
  uncertainty: number | null;
}

export type Quality = 'fast' | 'balanced' | 'best' | 'max';

/** What the network is asked to do: which model (the server's default when absent) and at what working size. */
export interface CutoutSettings {
  model?: string;
  quality: Quality;
}

export interface ModelInfo {
  id: string;
  description: string;
  precision: string;
  default: boolean;
}

export interface ModelListing {
  default: string;
  qualities: Record<Quality, number>;
  models: ModelInfo[];
}

export interface Template {
  name: string;
  title: string;
  description: string;
  shadow: string;
}

export class ApiError extends Error {
  constructor(message: string, readonly code: string, readonly status: number) {
    super(message);
  }
}

export async function fail(res: Response): Promise<never> {
  let code = `HTTP_${res.status}`;
  let message = `The server answered ${res.status} ${res.statusText}.`;
  try {
    const body = (await res.json()) as { code?: string; message?: string };
    if (body.code) code = body.code;
    if (body.message) message = body.message;
  } catch {
    /* not JSON */
  }
  if (res.status === 429) message = `The studio is busy; trying again shortly. (${message})`;
  throw new ApiError(message, code, res.status);
}

export async function image(res: Response, body?: Blob): Promise<ImageResult> {
  if (!res.ok) return fail(res);
  const num = (h: string) => {
    const v = res.headers.get(h);
    return v === null ? null : Number(v);
  };
  const stages: Record<string, number> = {};
  for (const part of (res.headers.get('x-energy-stages') ?? '').split(',')) {
    const [k, v] = part.split('=');
    if (k && v && Number.isFinite(Number(v))) stages[k.trim()] = Number(v);
  }
  return {
    blob: body ?? (await res.blob()),
    width: num('x-width') ?? 0,
    height: num('x-height') ?? 0,
    joules: num('x-energy-joules'),
    method: res.headers.get('x-energy-method'),
    stages,
    seed: res.headers.get('x-seed'),
    warnings: res.headers.get('x-warnings'),
    uncertainty: score(res.headers.get('x-uncertainty-score')),
  };
}

/** A score from a header or a JSON field: a finite number, else null (absent, empty, garbage). */
export function score(value: unknown): number | null {
  if (value === null || value === undefined || value === '') return null;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : null;
}

/** Retries a 429 after the server's Retry-After (at most a few times). */
async function send(url: string, body: FormData): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(url, { method: 'POST', body });
    if (res.status !== 429 || attempt >= 5) return res;
    const wait = Number(res.headers.get('retry-after') ?? '2');
    await new Promise((r) => setTimeout(r, Math.min(10, Math.max(1, wait)) * 1000));
  }
}

/** True for a photo most browsers cannot show (HEIC, an iPhone's default), by type or name. */
export function needsConversion(file: File): boolean {
  return /^image\/hei[cf](-sequence)?$/i.test(file.type) || /\.hei[cf]$/i.test(file.name);
}

/** The photo as a JPEG the page can show and read, decoded by the server (/v1/convert: rotation, sRGB). */
export async function convertForBrowser(file: File): Promise<File> {
  const form = new FormData();
  form.append('image_file', file, file.name);
  form.append('format', 'jpeg');
  form.append('quality', '95');
  const res = await fetch('/v1/convert', { method: 'POST', body: form });
  if (!res.ok) await fail(res);
  return new File([await res.blob()], file.name.replace(/\.hei[cf]$/i, '') + '.jpg', { type: 'image/jpeg' });
}

/** The transparent cutout of a photo (PNG). */
export async function cutout(file: Blob, name: string, settings: CutoutSettings): Promise<ImageResult> {
  const form = new FormData();
  form.append('image_file', file, name);
  form.append('format', 'png');
  appendSettings(form, settings);
  return image(await send('/v1/cutout', form));
}

/** How large a card's preview is: about a screen's width at twice its pixel density, far below a phone photo's 12 MP. */
export const PREVIEW_SIZE = 1024;

/** A preview cutout and what makes the full-resolution one later without the network. */
export interface PreviewCutout {
  /** The cutout at most PREVIEW_SIZE a side (WebP: lossless alpha, colours at quality 90). */
  preview: ImageResult;
  /** The network's coarse matte: sent back with the photo for the full-resolution cutout or an edit. */
  coarse: Blob;
  /** The photo's (the full cutout's) width. */
  sourceWidth: number;
}

/**
 * The cutout as a preview (refined at the preview's size) with the coarse matte, in one answer:
 * the card shows at once, and the full-resolution file is made only when it is needed.
 */
export async function cutoutPreview(file: Blob, name: string, settings: CutoutSettings): Promise<PreviewCutout> {
  const form = new FormData();
  form.append('image_file', file, name);
  // WebP keeps the alpha exact and the colours close at a tenth of a PNG's bytes (a phone's network).
  form.append('format', 'webp');
  form.append('preview', String(PREVIEW_SIZE));
  appendSettings(form, settings);
  const res = await send('/v1/cutout', form);
  if (!res.ok) return fail(res);
  const files = await unzip(await res.blob());
  const preview = files.get('preview.webp');
  const coarse = files.get('coarse-matte.png');
  if (!preview || !coarse) throw new ApiError('The server answered a preview without its files; is it the same version as this page?', 'HTTP_200', 200);
  return { preview: await image(res, preview), coarse, sourceWidth: Number(res.headers.get('x-source-width') ?? 0) };
}

/** The full-resolution cutout from the photo and its coarse matte (no network), touched up with the strokes if any. */
export async function cutoutFull(photo: Blob, coarse: Blob, name: string, strokes: Stroke[], settings: CutoutSettings): Promise<ImageResult> {
  const form = new FormData();
  form.append('image_file', photo, name);
  form.append('coarse_matte', coarse, 'coarse-matte.png');
  form.append('format', 'png');
  appendSettings(form, settings);
  if (strokes.length) form.append('hints', JSON.stringify(strokes));
  return image(await send('/v1/cutout', form));
}

/** The full-resolution edit from the photo and its coarse matte (no network), with the strokes if any. */
export async function editFull(photo: Blob, coarse: Blob, name: string, spec: Record<string, unknown>, strokes: Stroke[], settings: CutoutSettings): Promise<ImageResult> {
  const form = new FormData();
  form.append('image_file', photo, name);
  form.append('coarse_matte', coarse, 'coarse-matte.png');
  form.append('spec', JSON.stringify({ ...spec, cutout: { ...(strokes.length ? { hints: strokes } : {}), ...settings } }));
  return image(await send('/v1/edit', form));
}

/** A cutout laid out by the job spec (the cutout is reused as its own matte: no network). */
export async function edit(cutoutPng: Blob, name: string, spec: Record<string, unknown>, settings: CutoutSettings): Promise<ImageResult> {
  const form = new FormData();
  form.append('image_file', cutoutPng, name.replace(/\.\w+$/, '') + '.png');
  form.append('spec', JSON.stringify({ ...spec, cutout: { reuseAlpha: true, ...settings } }));
  return image(await send('/v1/edit', form));
}

/** A stroke as the API takes it, in the photo's pixels. */
export interface Stroke {
  mode: 'keep' | 'erase';
  radius: number;
  points: [number, number][];
}

/**
 * A touched-up cutout laid out by the job spec: the original photo, the previous cutout (its
 * matte is reused: no network) and the strokes, which the server applies at full size.
 */
export async function editTouched(photo: Blob, cutoutPng: Blob, name: string, spec: Record<string, unknown>, strokes: Stroke[], settings: CutoutSettings): Promise<ImageResult> {
  const form = touchForm(photo, cutoutPng, name);
  form.append('spec', JSON.stringify({ ...spec, cutout: { hints: strokes, ...settings } }));
  return image(await send('/v1/edit', form));
}

/** The touched-up cutout itself (transparent PNG, the photo's size). */
export async function cutoutTouched(photo: Blob, cutoutPng: Blob, name: string, strokes: Stroke[], settings: CutoutSettings): Promise<ImageResult> {
  const form = touchForm(photo, cutoutPng, name);
  form.append('format', 'png');
  appendSettings(form, settings);
  form.append('hints', JSON.stringify(strokes));
  return image(await send('/v1/cutout', form));
}

function appendSettings(form: FormData, settings: CutoutSettings): void {
  form.append('quality', settings.quality);
  if (settings.model) form.append('model', settings.model);
}

function touchForm(photo: Blob, cutoutPng: Blob, name: string): FormData {
  const form = new FormData();
  form.append('image_file', photo, name);
  form.append('matte_file', cutoutPng, name.replace(/\.\w+$/, '') + '-cutout.png');
  return form;
}

export async function templates(): Promise<Template[]> {
  const res = await fetch('/v1/templates');
  if (!res.ok) return fail(res);
  return (await res.json()) as Template[];
}

export interface PromptWords {
  understood: { phrase: string; field: string }[];
  unknown: string[];
}

export async function parsePrompt(prompt: string): Promise<PromptWords> {
  const res = await fetch(`/v1/prompt?text=${encodeURIComponent(prompt)}`);
  if (!res.ok) return fail(res);
  return (await res.json()) as PromptWords;
}

/** The models the server offers and its default (GET /v1/models). */
export async function models(): Promise<ModelListing> {
  const res = await fetch('/v1/models');
  if (!res.ok) return fail(res);
  return (await res.json()) as ModelListing;
}
