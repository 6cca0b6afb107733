/**
 * Where the studio points the seller to the cutouts worth a look. Today nothing calls it with a
 * note: the matte-uncertainty score (its own issue) is the intended caller, from the cutout's
 * response, with a short reason ("soft edges around the handle"). The marker sits on the card
 * next to the Touch up button, which is what fixes such a cutout.
 */
export function showCheckMarker(card: HTMLElement, note: string | null): void {
  const marker = card.querySelector<HTMLElement>('.check');
  if (!marker) return;
  marker.hidden = note === null;
  marker.title = note ?? '';
  card.classList.toggle('needs-check', note !== null);
}
