/**
 * The web studio: drop photos, each is cut out as soon as it can be (two at a time), then laid
 * on the chosen background with a shadow; compare before and after, download one or all, and
 * see what it cost in joules. Talks only to this server's /v1 API.
 */
import './styles.css';
import { ApiError, cutout, cutoutTouched, edit, editTouched, parsePrompt, templates, type ImageResult, type Stroke, type Template } from './api.ts';
import { drawChart, formatWh, REFERENCE_J, type ImageEnergy } from './chart.ts';
import { showCheckMarker } from './review.ts';
import { openTouchup, prepareTouchup } from './touchup.ts';
import { zip } from './zip.ts';

type State = 'queued' | 'cutting' | 'rendering' | 'ready' | 'error';

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
      item.cutout = await cutout(item.file, item.name);
      sessionJoules += item.cutout.joules ?? 0;
      // The uncertainty score (its own issue) will say here which cutouts deserve a look.
      showCheckMarker(item.card, null);
    }
    setState(item, 'rendering');
    const { spec: settings, strokes } = JSON.parse(key) as { spec: Record<string, unknown>; strokes: Stroke[] };
    const result = strokes.length ? await editTouched(item.file, item.cutout.blob, item.name, settings, strokes) : await edit(item.cutout.blob, item.name, settings);
    sessionJoules += result.joules ?? 0;
    item.edited = result;
    item.renderedFor = key;
    if (item.afterUrl) URL.revokeObjectURL(item.afterUrl);
    item.afterUrl = URL.createObjectURL(result.blob);
    setState(item, 'ready');
  } catch (err) {
    item.error = err instanceof ApiError ? err.message : `Could not reach the studio server (${(err as Error).message}). Is it still running?`;
    setState(item, 'error');
  }
}

// ---- cards ----

function addFiles(files: FileList | File[]): void {
  for (const file of Array.from(files)) {
    const card = ($<HTMLTemplateElement>('card').content.firstElementChild as HTMLLIElement).cloneNode(true) as HTMLLIElement;
    const item: Item = { id: nextId++, file, name: file.name || `photo-${nextId}.jpg`, card, state: 'queued', beforeUrl: URL.createObjectURL(file), strokes: [] };
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
    setState(item, 'queued');
  }
  $('empty').hidden = items.length > 0;
  pump();
}

function setState(item: Item, state: State): void {
  item.state = state;
  const c = item.card;
  c.dataset.state = state;
  const status = c.querySelector<HTMLElement>('.status')!;
  status.textContent = { queued: 'Waiting…', cutting: 'Cutting out…', rendering: 'Placing on the background…', ready: '', error: 'Failed' }[state];
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
      setState(item, item.state);
      pump();
    },
    download: async (strokes) => {
      const result = strokes.length ? await cutoutTouched(item.file, cut.blob, item.name, strokes) : cut;
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
  const done = items.filter((i) => i.state === 'ready' || i.state === 'error').length;
  $('batch').hidden = items.length === 0;
  $<HTMLElement>('progress-bar').style.width = `${items.length ? (100 * done) / items.length : 0}%`;
  const failed = items.filter((i) => i.state === 'error').length;
  $('progress-text').textContent = `${done} of ${items.length} ready${failed ? `, ${failed} failed` : ''}`;
  $<HTMLButtonElement>('download-all').disabled = !items.some((i) => i.edited);
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
    if (input.files?.length) addFiles(input.files);
    input.value = '';
  });
  const drop = $('drop');
  for (const ev of ['dragenter', 'dragover']) drop.addEventListener(ev, (e) => { e.preventDefault(); drop.classList.add('over'); });
  for (const ev of ['dragleave', 'drop']) drop.addEventListener(ev, () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    const files = [...(e.dataTransfer?.files ?? [])].filter((f) => f.type.startsWith('image/') || /\.(jpe?g|png|webp|avif|tiff?|gif)$/i.test(f.name));
    if (files.length) addFiles(files);
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
void loadTemplates();
