/**
 * The cutout settings: which model (from GET /v1/models; the server's default unless the seller
 * picks another) and the quality (fast, balanced, best: the network's working size; max: best with every extra network pass). Remembered
 * in localStorage; a model the server no longer offers falls back to its default.
 */
import { models, type CutoutSettings, type ModelListing, type Quality } from './api.ts';

const STORAGE_KEY = 'greenroom.cutout';
const QUALITIES: readonly Quality[] = ['fast', 'balanced', 'best', 'max'];

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

let listing: ModelListing | null = null;
let current: CutoutSettings = { quality: 'best' };
const listeners: (() => void)[] = [];

/** The settings new cutouts are made with. */
export function cutoutSettings(): CutoutSettings {
  return { ...current };
}

/** A short label for settings, for a card: "isnet-int8 · fast". */
export function settingsLabel(s: CutoutSettings): string {
  return `${s.model ?? listing?.default ?? 'default model'} · ${s.quality}`;
}

export function sameSettings(a: CutoutSettings, b: CutoutSettings): boolean {
  return a.quality === b.quality && (a.model ?? listing?.default) === (b.model ?? listing?.default);
}

export function onSettingsChange(listener: () => void): void {
  listeners.push(listener);
}

function saved(): Partial<CutoutSettings> {
  try {
    const v = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}') as Partial<CutoutSettings>;
    return v && typeof v === 'object' ? v : {};
  } catch {
    return {}; // storage off (private mode) or unreadable: defaults
  }
}

function save(): void {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(current));
  } catch {
    /* storage off: the choice lasts for this page */
  }
}

function set(next: CutoutSettings, persist = true): void {
  current = next;
  if (persist) save();
  render();
  for (const l of listeners) l();
}

function render(): void {
  for (const b of document.querySelectorAll<HTMLButtonElement>('#quality button')) b.setAttribute('aria-checked', String(b.dataset.quality === current.quality));
  const select = $<HTMLSelectElement>('model');
  if (current.model) select.value = current.model;
  const model = listing?.models.find((m) => m.id === (current.model ?? listing?.default));
  const px = listing?.qualities[current.quality];
  $('cutout-hint').textContent = `${px ? `The network works at ${px} px. ` : ''}${model ? `${model.precision} weights. ` : ''}Applies to photos you add next.`;
  select.title = model?.description ?? '';
}

/** Wires the controls and asks the server for its models; the page works (with the server's default model) if that fails. */
export async function setupSettings(): Promise<void> {
  const stored = saved();
  current = { quality: QUALITIES.includes(stored.quality as Quality) ? (stored.quality as Quality) : 'best', ...(typeof stored.model === 'string' ? { model: stored.model } : {}) };
  for (const b of document.querySelectorAll<HTMLButtonElement>('#quality button')) {
    b.addEventListener('click', () => set({ ...current, quality: b.dataset.quality as Quality }));
  }
  const select = $<HTMLSelectElement>('model');
  select.addEventListener('change', () => set({ ...current, model: select.value }));
  render();
  try {
    listing = await models();
  } catch {
    // An older server without /v1/models: no choice of model, its default is used.
    $('model-label').hidden = true;
    const { model: _gone, ...rest } = current;
    current = rest;
    render();
    return;
  }
  for (const m of listing.models) {
    const option = document.createElement('option');
    option.value = m.id;
    option.textContent = `${m.id} (${m.precision})${m.default ? ', default' : ''}`;
    option.title = m.description;
    select.append(option);
  }
  const known = current.model !== undefined && listing.models.some((m) => m.id === current.model);
  set({ ...current, model: known ? current.model! : listing.default }, known);
}
