/**
 * The web studio: drop photos, each is cut out as soon as it can be, then laid on the chosen
 * background with a shadow; compare before and after, download one or all, and see what it cost
 * in joules. One photo is cut out straight away (/v1/cutout); photos dropped together go to the
 * server as one batch job (batch.ts), which a fleet spreads over its workers. Backgrounds are
 * then rendered from each cutout (/v1/edit, no network), two at a time. Talks only to this
 * server's /v1 API.
 */
import './styles.css';
import { ApiError, convertForBrowser, cutout, cutoutTouched, edit, editTouched, needsConversion, parsePrompt, templates, type CutoutSettings, type ImageResult, type Stroke, type Template } from './api.ts';
import { BATCH_FROM, BATCH_MAX, runBatch, type BatchMember } from './batch.ts';
import { drawChart, formatWh, REFERENCE_J, type ImageEnergy } from './chart.ts';
import { showCheckMarker, uncertaintyNote } from './review.ts';
import { cutoutSettings, onSettingsChange, sameSettings, settingsLabel, setupSettings } from './settings.ts';
import { openTouchup, prepareTouchup } from './touchup.ts';
import { zip } from './zip.ts';

/** batched: waiting in a batch job on the server; queued: waiting for this page's two lanes. */
type State = 'queued' | 'batched' | 'cutting' | 'rendering' | 'ready' | 'error' | 'cancelled';

interface Item {
  id: number;
  file: File;
  name: string;
  card: HTMLLIElement;
  state: State;
  cutout?: ImageResult;
  edited?: ImageResult;
  /** The settings the current `edited` was made with. */
  renderedFor?: string;
  error?: string;
  beforeUrl: string;
  afterUrl?: string;
  /** Touch-up strokes (photo pixels), applied by the server to every render of this photo. */
  strokes: Stroke[];
  /** The model and quality its cutout is (or is being) made with. */
  cutWith: CutoutSettings;
  /** The server's uncertainty about the cutout (0..1), when it reports one. */
  uncertainty: number | null;
  /** In a fleet: the worker cutting it out. */
  worker?: string;
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const items: Item[] = [];
let sessionJoules = 0;
let nextId = 1;
let bgKind: 'transparent' | 'color' | 'template' | 'prompt' = 'transparent';
let templateName = '';
let templateList: Template[] = [];

// ---- settings -> job spec ----

function spec(): Record<string, unknown> {
  const s: Record<string, unknown> = {};
  if (bgKind === 'color') s.background = { type: 'color', color: $<HTMLInputElement>('bg-color').value };
  else if (bgKind === 'template' && templateName) s.background = { type: 'template', name: templateName };
  else if (bgKind === 'prompt' && $<HTMLTextAreaElement>('prompt').value.trim()) {
    s.background = { type: 'prompt', prompt: $<HTMLTextAreaElement>('prompt').value.trim(), seed: Number($<HTMLInputElement>('seed').value) || 0 };
  } else s.background = { type: 'transparent' };
  const mode = $<HTMLSelectElement>('shadow').value;
  const intensity = Number($<HTMLInputElement>('shadow-strength').value);
  if (mode !== 'auto') s.shadow = mode === 'none' ? { mode } : { mode, intensity };
  if ($<HTMLInputElement>('harmonize').checked) s.lighting = { mode: 'harmonize' };
  const preset = $<HTMLSelectElement>('preset').value;
  s.layout = preset === '' ? {} : preset === 'square' ? { outputSize: '2000x2000' } : { preset };
  s.export = { format: $<HTMLSelectElement>('format').value };
  return s;
}

// ---- the work queue: two images in flight ----

let running = 0;
/** What a render of this item depends on: the settings and its touch-up strokes. */
function keyFor(item: Item): string {
  return JSON.stringify({ spec: spec(), strokes: item.strokes });
}

function pump(): void {
  while (running < 2) {
    const next = items.find((i) => i.state === 'queued') ?? items.find((i) => i.state === 'ready' && i.renderedFor !== keyFor(i));
    if (!next) break;
    running++;
    void process(next, keyFor(next)).finally(() => {
      running--;
      pump();
      updateBatch();
    });
  }
  updateBatch();
}

async function process(item: Item, key: string): Promise<void> {
  try {
    if (!item.cutout) {
      setState(item, 'cutting');
      gotCutout(item, await cutout(item.file, item.name, item.cutWith));
    }
    setState(item, 'rendering');
    const { spec: settings, strokes } = JSON.parse(key) as { spec: Record<string, unknown>; strokes: Stroke[] };
    const result = strokes.length ? await editTouched(item.file, item.cutout!.blob, item.name, settings, strokes, item.cutWith) : await edit(item.cutout!.blob, item.name, settings, item.cutWith);
    sessionJoules += result.joules ?? 0;
    item.edited = result;
    if (item.uncertainty === null && result.uncertainty !== null) {
      item.uncertainty = result.uncertainty;
      markForCheck(item);
    }
    item.renderedFor = key;
    if (item.afterUrl) URL.revokeObjectURL(item.afterUrl);
    item.afterUrl = URL.createObjectURL(result.blob);
    setState(item, 'ready');
  } catch (err) {
    item.error = err instanceof ApiError ? err.message : `Could not reach the studio server (${(err as Error).message}). Is it still running?`;
    setState(item, 'error');
  }
}

/** A cutout arrived (from /v1/cutout or a batch job): its energy, and the marker if the model was unsure. */
function gotCutout(item: Item, result: ImageResult): void {
  item.cutout = result;
  sessionJoules += result.joules ?? 0;
  item.uncertainty = result.uncertainty;
  markForCheck(item);
}

/** "Check this one" when the model was unsure, until the seller has touched the cutout up. */
function markForCheck(item: Item): void {
  showCheckMarker(item.card, item.strokes.length ? null : uncertaintyNote(item.uncertainty));
}

// ---- batches: photos dropped together are one job on the server ----

function cutTogether(batch: Item[]): void {
  for (const item of batch) setState(item, 'batched');
  const members: BatchMember[] = batch.map((item) => ({
    file: item.file,
    name: item.name,
    running: (worker) => {
      item.worker = worker;
      setState(item, 'cutting');
    },
    cutout: (result) => {
      gotCutout(item, result);
      setState(item, 'queued');
      pump();
    },
    failed: (message) => {
      item.error = message;
      setState(item, 'error');
      updateBatch();
    },
    cancelled: () => {
      setState(item, 'cancelled');
      updateBatch();
    },
  }));
  void runBatch(members, batch[0]!.cutWith).then((outcome) => {
    if (outcome !== 'fallback') return;
    // No job queue on this server, or a photo over its upload limit: one by one, as for a single photo.
    for (const item of batch) setState(item, 'queued');
    pump();
  });
}

/** Cuts photos out with the current settings: together as a batch job, or one by one. */
function cutOut(batch: Item[]): void {
  const settings = cutoutSettings();
  for (const item of batch) {
    item.cutWith = settings;
    item.cutout = undefined;
    item.uncertainty = null;
    item.error = undefined;
    item.worker = undefined;
    markForCheck(item);
  }
  if (batch.length >= BATCH_FROM) for (let i = 0; i < batch.length; i += BATCH_MAX) cutTogether(batch.slice(i, i + BATCH_MAX));
  else {
    for (const item of batch) setState(item, 'queued');
    pump();
  }
  updateRecut();
}

// ---- cards ----

/** Photos the browser cannot show (HEIC) as JPEGs decoded by the server; the others as they are. A failed conversion keeps the original, so the cutout reports why. */
async function browserReady(files: File[]): Promise<File[]> {
  return Promise.all(files.map((f) => (needsConversion(f) ? convertForBrowser(f).catch(() => f) : f)));
}

async function addFiles(list: FileList | File[]): Promise<void> {
  const files = await browserReady(Array.from(list));
  const added: Item[] = [];
  for (const file of files) {
    const card = ($<HTMLTemplateElement>('card').content.firstElementChild as HTMLLIElement).cloneNode(true) as HTMLLIElement;
    const item: Item = { id: nextId++, file, name: file.name || `photo-${nextId}.jpg`, card, state: 'queued', beforeUrl: URL.createObjectURL(file), strokes: [], cutWith: cutoutSettings(), uncertainty: null };
    card.dataset.id = String(item.id);
    card.querySelector<HTMLImageElement>('.before')!.src = item.beforeUrl;
    card.querySelector<HTMLImageElement>('.before')!.alt = `${item.name}, before`;
    card.querySelector('.name')!.textContent = item.name;
    const slider = card.querySelector<HTMLInputElement>('.slider')!;
    slider.addEventListener('input', () => card.querySelector<HTMLElement>('.after-wrap')!.style.clipPath = `inset(0 ${100 - Number(slider.value)}% 0 0)`);
    card.querySelector('.download')!.addEventListener('click', () => {
      if (item.edited) save(item.edited.blob, outputName(item));
    });
    card.querySelector('.touch')!.addEventListener('click', () => touchUp(item));
    $('cards').append(card);
    items.push(item);
    added.push(item);
  }
  $('empty').hidden = items.length > 0;
  cutOut(added);
}

function setState(item: Item, state: State): void {
  item.state = state;
  const c = item.card;
  c.dataset.state = state;
  const status = c.querySelector<HTMLElement>('.status')!;
  status.textContent = {
    queued: item.cutout ? 'Cut out; placing next…' : 'Waiting…',
    batched: 'Queued in the batch…',
    cutting: item.worker ? `Cutting out (${item.worker})…` : 'Cutting out…',
    rendering: 'Placing on the background…',
    ready: '',
    error: 'Failed',
    cancelled: 'Cancelled',
  }[state];
  c.dataset.cutWith = `${item.cutWith.model ?? ''}:${item.cutWith.quality}`;
  c.querySelector<HTMLElement>('.name')!.title = `${item.name}: cut out with ${settingsLabel(item.cutWith)}`;
  const after = c.querySelector<HTMLImageElement>('.after')!;
  if (item.afterUrl && after.src !== item.afterUrl) {
    after.src = item.afterUrl;
    after.alt = `${item.name}, after`;
  }
  c.classList.toggle('transparent', ((item.renderedFor && JSON.parse(item.renderedFor).spec.background?.type) ?? 'transparent') === 'transparent');
  const joules = (item.cutout?.joules ?? 0) + (item.edited?.joules ?? 0);
  c.querySelector('.joules')!.textContent = joules > 0 ? `${joules.toFixed(1)} J ${item.edited?.method ?? item.cutout?.method ?? ''}` : '';
  c.querySelector<HTMLButtonElement>('.download')!.disabled = !item.edited;
  c.querySelector<HTMLButtonElement>('.touch')!.disabled = !item.cutout;
  c.classList.toggle('touched', item.strokes.length > 0);
  const error = c.querySelector<HTMLElement>('.error')!;
  error.hidden = state !== 'error';
  error.textContent = item.error ?? '';
  updateEnergy();
}

/** Opens touch-up mode on a card's cutout; when done, the card renders again with the strokes. */
function touchUp(item: Item): void {
  if (!item.cutout) return;
  const cut = item.cutout;
  void openTouchup({
    name: item.name,
    photo: item.file,
    cutout: cut.blob,
    strokes: item.strokes,
    onDone: (strokes) => {
      item.strokes = strokes;
      markForCheck(item);
      setState(item, item.state);
      pump();
    },
    download: async (strokes) => {
      const result = strokes.length ? await cutoutTouched(item.file, cut.blob, item.name, strokes, item.cutWith) : cut;
      sessionJoules += strokes.length ? (result.joules ?? 0) : 0;
      save(result.blob, `${item.name.replace(/\.\w+$/, '')}-cutout.png`);
      updateEnergy();
    },
  });
}

function outputName(item: Item): string {
  const ext = { png: 'png', jpeg: 'jpg', webp: 'webp' }[$<HTMLSelectElement>('format').value] ?? 'png';
  return `${item.name.replace(/\.\w+$/, '')}.${ext}`;
}

function save(blob: Blob, name: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

// ---- batch progress and energy ----

function updateBatch(): void {
  const ready = items.filter((i) => i.state === 'ready').length;
  const failed = items.filter((i) => i.state === 'error').length;
  const cancelled = items.filter((i) => i.state === 'cancelled').length;
  $('batch').hidden = items.length === 0;
  $<HTMLElement>('progress-bar').style.width = `${items.length ? (100 * (ready + failed + cancelled)) / items.length : 0}%`;
  $('progress-text').textContent = `${ready} of ${items.length} ready${failed ? `, ${failed} failed` : ''}${cancelled ? `, ${cancelled} cancelled` : ''}`;
  $<HTMLButtonElement>('download-all').disabled = !items.some((i) => i.edited);
  updateRecut();
}

/** Cards whose cutout was made with other settings than the current ones (or never made: cancelled). */
function stale(): Item[] {
  const now = cutoutSettings();
  return items.filter((i) => i.state === 'cancelled' || ((i.state === 'ready' || i.state === 'error') && !sameSettings(i.cutWith, now)));
}

function updateRecut(): void {
  const n = stale().length;
  const button = $<HTMLButtonElement>('recut');
  button.hidden = n === 0;
  button.textContent = `Cut ${n === 1 ? 'this photo' : `these ${n} photos`} out again (${settingsLabel(cutoutSettings())})`;
}

function updateEnergy(): void {
  const rows: ImageEnergy[] = items.filter((i) => i.cutout).map((i) => ({
    name: i.name,
    joules: (i.cutout?.joules ?? 0) + (i.edited?.joules ?? 0),
    stages: mergeStages(i.cutout?.stages ?? {}, i.edited?.stages ?? {}),
  }));
  const perImage = rows.reduce((s, r) => s + r.joules, 0);
  $('energy-total').textContent = sessionJoules > 0 ? `This session: ${sessionJoules.toFixed(1)} J (${formatWh(sessionJoules / 3600)}) · ${items.length} image${items.length === 1 ? '' : 's'}` : 'No images yet';
  $('energy').hidden = rows.length === 0;
  if (rows.length === 0) return;
  drawChart($<HTMLCanvasElement>('chart'), rows);
  const method = items.find((i) => i.cutout?.method)?.cutout?.method ?? 'estimated';
  $('energy-note').textContent = `${perImage.toFixed(1)} J for ${rows.length === 1 ? 'this image' : `these ${rows.length} images`} (${method}; every re-render of a background adds its own small cost to the session total). ` +
    `Generating them with a typical image model would take about ${formatWh((rows.length * REFERENCE_J) / 3600)} (Luccioni, Jernite and Strubell 2023).`;
}

function mergeStages(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v;
  return out;
}

// ---- controls ----

function wire(): void {
  const input = $<HTMLInputElement>('files');
  input.addEventListener('change', () => {
    if (input.files?.length) void addFiles([...input.files]);
    input.value = '';
  });
  const drop = $('drop');
  for (const ev of ['dragenter', 'dragover']) drop.addEventListener(ev, (e) => { e.preventDefault(); drop.classList.add('over'); });
  for (const ev of ['dragleave', 'drop']) drop.addEventListener(ev, () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    const files = [...(e.dataTransfer?.files ?? [])].filter((f) => f.type.startsWith('image/') || /\.(jpe?g|png|webp|avif|heic|heif|tiff?|gif)$/i.test(f.name));
    if (files.length) void addFiles(files);
  });

  for (const tab of document.querySelectorAll<HTMLButtonElement>('#bg-tabs button')) {
    tab.addEventListener('click', () => {
      bgKind = tab.dataset.bg as typeof bgKind;
      for (const t of document.querySelectorAll<HTMLButtonElement>('#bg-tabs button')) t.setAttribute('aria-selected', String(t === tab));
      for (const pane of document.querySelectorAll<HTMLElement>('.bg-pane')) pane.hidden = pane.dataset.pane !== bgKind;
      if (bgKind === 'template' && !templateName && templateList[0]) pickTemplate(templateList[0].name);
      changed();
    });
  }
  $('reseed').addEventListener('click', () => {
    $<HTMLInputElement>('seed').value = String(Math.floor(Math.random() * 1e6));
    changed();
  });
  for (const id of ['bg-color', 'seed', 'shadow', 'shadow-strength', 'harmonize', 'preset', 'format']) $(id).addEventListener('change', changed);
  let typing: ReturnType<typeof setTimeout> | undefined;
  $('prompt').addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(() => {
      changed();
      void showPromptWords();
    }, 600);
  });
  $('download-all').addEventListener('click', async () => {
    const ready = items.filter((i) => i.edited);
    save(await zip(ready.map((i) => ({ name: outputName(i), blob: i.edited!.blob }))), 'greenroom.zip');
  });
  window.addEventListener('resize', () => updateEnergy());
  $('recut').addEventListener('click', () => cutOut(stale()));
  onSettingsChange(updateRecut);
}

let changeTimer: ReturnType<typeof setTimeout> | undefined;
function changed(): void {
  clearTimeout(changeTimer);
  changeTimer = setTimeout(pump, 250);
}

async function showPromptWords(): Promise<void> {
  const text = $<HTMLTextAreaElement>('prompt').value.trim();
  if (!text) {
    $('prompt-words').textContent = '';
    return;
  }
  try {
    const words = await parsePrompt(text);
    const known = words.understood.map((u) => u.phrase).join(', ');
    $('prompt-words').textContent = `Understood: ${known || 'nothing yet'}${words.unknown.length ? ` · Not understood: ${words.unknown.join(', ')}` : ''}`;
  } catch {
    $('prompt-words').textContent = '';
  }
}

function pickTemplate(name: string): void {
  templateName = name;
  for (const b of document.querySelectorAll<HTMLButtonElement>('#templates button')) b.setAttribute('aria-selected', String(b.dataset.name === name));
}

async function loadTemplates(): Promise<void> {
  try {
    templateList = await templates();
  } catch {
    return;
  }
  const box = $('templates');
  for (const t of templateList) {
    const b = document.createElement('button');
    b.type = 'button';
    b.dataset.name = t.name;
    b.setAttribute('role', 'option');
    b.title = `${t.title}: ${t.description}`;
    b.innerHTML = `<img alt="" loading="lazy" src="/v1/templates/${encodeURIComponent(t.name)}/thumbnail.jpg" /><span></span>`;
    b.querySelector('span')!.textContent = t.title;
    b.addEventListener('click', () => {
      pickTemplate(t.name);
      changed();
    });
    box.append(b);
  }
}

wire();
prepareTouchup();
void setupSettings();
void loadTemplates();
