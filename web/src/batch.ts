/**
 * Many photos at once go to the server as one batch job (/v1/jobs), so that in a fleet every
 * worker takes a share, and on one machine the server's own queue works through them: the page
 * follows the job's events, fetches each cutout as its item finishes and hands it to its card.
 * A row per job shows its progress, a Cancel button and the server's zip of the cutouts.
 *
 * Why from two photos: measured on one 2-core machine with the embedded queue
 * (scripts/measure-web-batch.ts, 1600x1200 JPEGs, 2026-11-26, load 2-5), a job showed the first
 * image sooner than the page's two lanes of /v1/cutout (fast: 1.22 vs 1.47 s for 2 photos, 1.37
 * vs 1.77 s for 8; best: 3.47 vs 4.43 s, 4.16 vs 5.74 s), because the queue runs one photo at a
 * time instead of two contending for the cores, and finished the lot in about the same time
 * (within 10%, either way); one photo took the same either way (0.97 vs 1.01 s fast), and
 * straight through /v1/cutout it stores nothing. In a fleet a job is what spreads the work.
 */
import { ApiError, PREVIEW_SIZE, type CutoutSettings, type ImageResult } from './api.ts';
import { cancelJob, followJob, itemOutput, newIdempotencyKey, resultsZipUrl, submitCutoutJob, type JobItem, type JobState } from './jobs.ts';

/** Photos dropped together from this many on go as one job; fewer are cut out one by one. */
export const BATCH_FROM = 2;

/** The most photos in one job (the server's /v1/jobs takes 1000); more are split into jobs of this size. */
export const BATCH_MAX = 1000;

/** What a batch needs of a card. */
export interface BatchMember {
  file: File;
  name: string;
  /** The item is running (on `worker`, in a fleet). */
  running(worker?: string): void;
  /** The cutout's preview arrived; the full-resolution cutout stays on the server as the job's item. */
  cutout(preview: ImageResult, full: { id: string; item: JobItem }): void;
  failed(message: string): void;
  cancelled(): void;
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/**
 * Runs the members as one cutout job. Resolves 'fallback' when the server has no job queue, or
 * refuses the upload as too large (the caller cuts them out one by one), else when every member
 * has its outcome.
 */
export async function runBatch(members: BatchMember[], settings: CutoutSettings): Promise<'fallback' | JobState> {
  const row = jobRow(members.length);
  let submitted: { id: string } | null;
  try {
    submitted = await submitCutoutJob(members, settings, newIdempotencyKey());
  } catch (err) {
    if (err instanceof ApiError && err.status === 413) {
      // One photo over the upload limit refuses the whole job: one by one, only that photo fails.
      row.remove();
      return 'fallback';
    }
    const message = err instanceof ApiError ? err.message : `Could not send the photos to the studio server (${(err as Error).message}).`;
    for (const m of members) m.failed(message);
    row.ended('failed', message);
    return 'failed';
  }
  if (!submitted) {
    row.remove();
    return 'fallback';
  }
  const id = submitted.id;
  row.started(id);
  const settled = new Set<number>();
  const fetching: Promise<void>[] = [];
  let done = 0;
  const settle = (item: JobItem) => {
    if (settled.has(item.index)) return; // replayed on a reconnection
    const member = members[item.index];
    if (!member) return;
    if (item.state === 'running' || item.state === 'queued') {
      if (item.state === 'running') member.running(item.worker);
      return;
    }
    settled.add(item.index);
    if (item.state === 'done') {
      fetching.push(
        itemOutput(id, item, PREVIEW_SIZE).then(
          (result) => {
            done++;
            row.progress(done, settled.size, members.length);
            member.cutout(result, { id, item });
          },
          (err: unknown) => member.failed(err instanceof ApiError ? err.message : `Could not fetch the cutout (${(err as Error).message}).`),
        ),
      );
      return;
    }
    if (item.state === 'failed') member.failed(item.error?.message ?? 'The server could not cut this photo out.');
    else member.cancelled();
    row.progress(done, settled.size, members.length);
  };
  let state: JobState;
  try {
    state = await followJob(id, (e) => {
      if (e.type === 'item') settle(e.item);
      else if (e.state === 'running') row.running();
    });
  } catch (err) {
    const message = err instanceof ApiError ? err.message : `Lost the batch (${(err as Error).message}).`;
    members.forEach((m, i) => !settled.has(i) && m.failed(message));
    row.ended('failed', message);
    return 'failed';
  }
  await Promise.all(fetching);
  // A job that ended without an event for some item (none expected): say so rather than wait forever.
  members.forEach((m, i) => !settled.has(i) && (state === 'cancelled' ? m.cancelled() : m.failed('The batch ended without this photo.')));
  row.ended(state);
  return state;
}

/** The job's row in the batch panel: what it is doing, Cancel, and the server's zip once a cutout exists. */
function jobRow(total: number) {
  const li = document.createElement('li');
  li.className = 'job';
  li.innerHTML = '<span class="job-text"></span><button type="button" class="job-cancel" disabled>Cancel</button><a class="job-zip" download hidden>Cutouts (.zip)</a>';
  const text = li.querySelector<HTMLElement>('.job-text')!;
  const cancel = li.querySelector<HTMLButtonElement>('.job-cancel')!;
  const zip = li.querySelector<HTMLAnchorElement>('.job-zip')!;
  const head = `Batch of ${total} photo${total === 1 ? '' : 's'}`;
  let jobId = '';
  let phase = 'sending…';
  let counts = '';
  let cancelling = false;
  const show = () => (text.textContent = `${head}: ${counts || phase}${cancelling ? ' (cancelling: photos being cut out finish)' : ''}`);
  show();
  $('jobs').append(li);
  $('jobs').hidden = false;
  cancel.addEventListener('click', () => {
    cancel.disabled = true;
    cancelling = true;
    show();
    void cancelJob(jobId).catch((err: unknown) => {
      cancelling = false;
      phase = `could not cancel (${(err as Error).message})`;
      cancel.disabled = false;
      show();
    });
  });
  return {
    started(id: string) {
      jobId = id;
      li.dataset.job = id;
      li.dataset.state = 'queued';
      cancel.disabled = false;
      zip.href = resultsZipUrl(id);
      zip.title = "The cutouts (transparent PNGs at the photos' size), zipped by the server";
      phase = 'queued on the server…';
      show();
    },
    running() {
      li.dataset.state = 'running';
      phase = 'cutting out on the server…';
      show();
    },
    progress(ok: number, finished: number, all: number) {
      zip.hidden = ok === 0;
      counts = `${ok} of ${all} cut out${finished > ok ? `, ${finished - ok} not` : ''}`;
      show();
    },
    ended(state: JobState, message?: string) {
      li.dataset.state = state;
      cancel.hidden = true;
      cancelling = false;
      if (message) counts = message;
      else counts = counts ? `${counts} · ${state}` : state;
      show();
    },
    remove() {
      li.remove();
      $('jobs').hidden = $('jobs').children.length === 0;
    },
  };
}
