/**
 * Expand: a larger canvas around the photo, its new border filled from the photo by the same
 * completion as a retouch (the border is the mask). How much: pixels ("200px" or 200), a share of
 * the photo's sides ("10%"), as one value for every side or 2 or 4 (top right bottom left), or the
 * canvas's size ("2000x2000", the photo centred in it).
 */
import { GreenroomError } from '../errors.ts';

/** New pixels on each side. */
export interface ExpandSides {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

export type ExpandSpec = { kind: 'sides'; unit: 'px' | '%'; sides: ExpandSides } | { kind: 'size'; width: number; height: number };

const bad = (field: string, value: unknown, why: string) =>
  new GreenroomError('INVALID_OPTION', `${field}: ${why} Expected pixels ("200px" or 200), a share of the photo's sides ("10%"), 1, 2 or 4 such values (top right bottom left), or the canvas's size ("2000x2000"); got ${JSON.stringify(value)}.`, { field, got: value });

/** Validates an expand value, whatever the photo (its size is checked by `expandSides`). */
export function parseExpand(value: unknown, field = 'expand'): ExpandSpec {
  if (typeof value === 'number') value = String(value);
  if (typeof value !== 'string' || value.trim() === '') throw bad(field, value, 'not a length.');
  const text = value.trim().toLowerCase();
  const size = /^(\d{1,5})\s*x\s*(\d{1,5})$/.exec(text);
  if (size) return { kind: 'size', width: Number(size[1]), height: Number(size[2]) };
  const parts = text.split(/[\s,]+/).filter(Boolean);
  if (![1, 2, 4].includes(parts.length)) throw bad(field, value, `${parts.length} values.`);
  const units = new Set<string>();
  const nums = parts.map((p) => {
    const m = /^(\d+(?:\.\d+)?)(px|%)?$/.exec(p);
    if (!m) throw bad(field, value, `"${p}" is not a length.`);
    // A bare 0 is 0 in any unit.
    if (m[2] || Number(m[1]) !== 0) units.add(m[2] ?? 'px');
    return Number(m[1]);
  });
  if (units.size > 1) throw bad(field, value, 'mixed units.');
  const unit = ([...units][0] ?? 'px') as 'px' | '%';
  if (unit === '%' && nums.some((n) => n > 100)) throw bad(field, value, 'more than 100% on a side.');
  const [top, right = top, bottom = top, left = right] = nums as [number, number?, number?, number?];
  return { kind: 'sides', unit, sides: { top, right, bottom, left } };
}

/**
 * The new pixels on each side of a photo. Each side grows by at most the photo's own size along
 * it (a border wider than the photo would only repeat it), and at least one side grows.
 */
export function expandSides(spec: ExpandSpec, photo: { width: number; height: number }, field = 'expand'): ExpandSides {
  let sides: ExpandSides;
  if (spec.kind === 'size') {
    if (spec.width < photo.width || spec.height < photo.height) {
      throw new GreenroomError('INVALID_OPTION', `${field}: a ${spec.width}x${spec.height} canvas is smaller than the ${photo.width}x${photo.height} photo; expand only grows it (crop it afterwards, or give a larger size).`, { field, got: `${spec.width}x${spec.height}`, photo });
    }
    const dx = spec.width - photo.width, dy = spec.height - photo.height;
    sides = { top: Math.floor(dy / 2), bottom: dy - Math.floor(dy / 2), left: Math.floor(dx / 2), right: dx - Math.floor(dx / 2) };
  } else {
    const s = spec.sides;
    const of = (v: number, side: number) => Math.round(spec.unit === '%' ? (v * side) / 100 : v);
    sides = { top: of(s.top, photo.height), bottom: of(s.bottom, photo.height), left: of(s.left, photo.width), right: of(s.right, photo.width) };
  }
  if (sides.top + sides.bottom + sides.left + sides.right === 0) throw new GreenroomError('INVALID_OPTION', `${field}: the canvas would not grow; give a length above 0.`, { field });
  if (Math.max(sides.top, sides.bottom) > photo.height || Math.max(sides.left, sides.right) > photo.width) {
    throw new GreenroomError('INVALID_OPTION', `${field}: a side would grow by more than the ${photo.width}x${photo.height} photo's own size there; at most 100% on each side.`, { field, sides, photo });
  }
  return sides;
}
