/**
 * Colours as users write them: hex with 3, 4, 6 or 8 digits (with or without '#'), as
 * remove.bg and Photoroom accept, or a CSS colour name.
 */
import { GreenroomError } from '../errors.ts';

export interface Rgba {
  r: number;
  g: number;
  b: number;
  /** 0..1 */
  alpha: number;
}

const NAMED: Record<string, string> = {
  white: 'ffffff', black: '000000', red: 'ff0000', green: '008000', lime: '00ff00', blue: '0000ff',
  yellow: 'ffff00', cyan: '00ffff', aqua: '00ffff', magenta: 'ff00ff', fuchsia: 'ff00ff', silver: 'c0c0c0',
  gray: '808080', grey: '808080', lightgray: 'd3d3d3', lightgrey: 'd3d3d3', darkgray: 'a9a9a9', darkgrey: 'a9a9a9',
  gainsboro: 'dcdcdc', whitesmoke: 'f5f5f5', snow: 'fffafa', ivory: 'fffff0', beige: 'f5f5dc', linen: 'faf0e6',
  cream: 'fffdd0', maroon: '800000', olive: '808000', navy: '000080', teal: '008080', purple: '800080',
  orange: 'ffa500', pink: 'ffc0cb', hotpink: 'ff69b4', brown: 'a52a2a', tan: 'd2b48c', khaki: 'f0e68c',
  gold: 'ffd700', coral: 'ff7f50', salmon: 'fa8072', tomato: 'ff6347', crimson: 'dc143c', indigo: '4b0082',
  violet: 'ee82ee', lavender: 'e6e6fa', turquoise: '40e0d0', skyblue: '87ceeb', lightblue: 'add8e6',
  steelblue: '4682b4', royalblue: '4169e1', midnightblue: '191970', darkblue: '00008b', darkgreen: '006400',
  forestgreen: '228b22', seagreen: '2e8b57', mintcream: 'f5fffa', honeydew: 'f0fff0', aliceblue: 'f0f8ff',
  ghostwhite: 'f8f8ff', seashell: 'fff5ee', oldlace: 'fdf5e6', antiquewhite: 'faebd7', wheat: 'f5deb3',
  chocolate: 'd2691e', sienna: 'a0522d', peru: 'cd853f', slategray: '708090', slategrey: '708090',
  dimgray: '696969', dimgrey: '696969', charcoal: '36454f', transparent: '00000000',
};

/** Parses a colour; throws INVALID_OPTION naming `field` when it is not one. */
export function parseColor(value: string, field = 'bg_color'): Rgba {
  const v = value.trim().toLowerCase();
  const hex = NAMED[v] ?? v.replace(/^#/, '');
  if (/^[0-9a-f]{3,4}$/.test(hex) || /^[0-9a-f]{6}$/.test(hex) || /^[0-9a-f]{8}$/.test(hex)) {
    const full = hex.length <= 4 ? [...hex].map((c) => c + c).join('') : hex;
    const byte = (i: number) => parseInt(full.slice(i * 2, i * 2 + 2), 16);
    return { r: byte(0), g: byte(1), b: byte(2), alpha: full.length === 8 ? byte(3) / 255 : 1 };
  }
  const expected = 'a hex colour (#fff, #ffffff, #ffffffcc) or a colour name such as "white"';
  throw new GreenroomError('INVALID_OPTION', `${field}: expected ${expected}, got "${value}".`, { field, expected, got: value });
}
