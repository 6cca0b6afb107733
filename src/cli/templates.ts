/** `greenroom templates [--json] [--sheet FILE]` */
import { parseArgs } from 'node:util';
import { contactSheet } from '../image/contact-sheet.ts';
import { renderBackground, TEMPLATES } from '../scenes/index.ts';
import { seedFrom } from '../pipeline/spec.ts';
import { EXIT_OK, withUsage } from './args.ts';
import { writeAtomic } from './batch.ts';
import { TEMPLATES_USAGE } from './help.ts';

export async function run(argv: string[]): Promise<number> {
  const { values } = withUsage(TEMPLATES_USAGE, () =>
    parseArgs({ args: argv, strict: true, options: { json: { type: 'boolean' }, sheet: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }),
  );
  if (values.help) {
    process.stdout.write(TEMPLATES_USAGE);
    return EXIT_OK;
  }
  if (values.json) {
    process.stdout.write(`${JSON.stringify(TEMPLATES.map(({ name, title, description, tags, shadow }) => ({ name, title, description, tags, shadow })), null, 2)}\n`);
  } else {
    const width = Math.max(...TEMPLATES.map((t) => t.name.length));
    for (const t of TEMPLATES) process.stdout.write(`${t.name.padEnd(width)}  ${t.title}: ${t.description}\n`);
  }
  if (values.sheet) {
    const size = 480;
    const tiles = TEMPLATES.map((t) => {
      const r = renderBackground({ type: 'template', name: t.name }, size, size, seedFrom(t.name));
      return { data: r.rgb, width: size, height: size, channels: 3 as const, caption: t.name };
    });
    await writeAtomic(values.sheet, await contactSheet(tiles, { columns: 4, cell: 300, title: `greenroom templates (${TEMPLATES.length})` }));
    process.stderr.write(`contact sheet written to ${values.sheet}\n`);
  }
  return EXIT_OK;
}
