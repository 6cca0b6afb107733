/**
 * Where the studio points the seller to the cutouts worth a look: a "Check this one" marker on
 * the card, next to the Touch up button (which is what fixes such a cutout). Its caller is the
 * uncertainty score the server reports for each cutout (0..1, lower = more confident): the
 * `X-Uncertainty-Score` header of /v1/cutout and /v1/edit, or the `uncertainty` field of a batch
 * job's item. A cutout without a score (a server that does not compute one) gets no marker.
 */

/** A cutout whose uncertainty is at least this is marked for a look. */
export const CHECK_THRESHOLD = 0.5;

/** The marker's note for a score, or null when there is no score or it is below the threshold. */
export function uncertaintyNote(score: number | null | undefined): string | null {
  if (score === null || score === undefined || !Number.isFinite(score) || score < CHECK_THRESHOLD) return null;
  return `check this cutout: the model was unsure (${score.toFixed(2)})`;
}

/** Shows (a note) or hides (null) the card's marker; the note is its tooltip and accessible name. */
export function showCheckMarker(card: HTMLElement, note: string | null): void {
  const marker = card.querySelector<HTMLElement>('.check');
  if (!marker) return;
  marker.hidden = note === null;
  marker.title = note ?? '';
  marker.setAttribute('aria-label', note ?? '');
  card.classList.toggle('needs-check', note !== null);
}
