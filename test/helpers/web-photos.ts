/** Small copies of the fixture photos (480 px wide JPEGs), so browser tests of batches stay quick. */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { photo } from './images.ts';

const FIXTURES = ['coffee.png', 'rocket.jpg', 'chelsea.png', 'astronaut.png'];

/** Writes one small JPEG per fixture (or `count`, cycling) into dir; returns their paths. */
export async function smallPhotos(dir: string, count = FIXTURES.length): Promise<string[]> {
  fs.mkdirSync(dir, { recursive: true });
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = FIXTURES[i % FIXTURES.length]!;
    const file = path.join(dir, `${name.replace(/\.\w+$/, '')}${i >= FIXTURES.length ? `-${i}` : ''}.jpg`);
    await sharp(photo(name)).resize({ width: 480 }).jpeg({ quality: 88 }).toFile(file);
    out.push(file);
  }
  return out;
}
