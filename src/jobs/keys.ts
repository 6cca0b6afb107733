/**
 * Storage keys of a job: `jobs/<id>/in/<index>` (uploaded bytes, named by index only, never by
 * the client's name), `jobs/<id>/background` (an uploaded background), `jobs/<id>/out/<index>.<ext>`
 * (the output: one deterministic key per item, so a second run of an item finds the first's).
 * With the default storage (the data folder) these are the embedded queue's historical paths.
 */
import { JOB_ID_PATTERN } from './files.ts';

function checked(id: string): string {
  if (!JOB_ID_PATTERN.test(id)) throw new Error(`not a job id: ${JSON.stringify(id)}`);
  return id;
}

export const JOBS_PREFIX = 'jobs/';

export function jobPrefix(id: string): string {
  return `jobs/${checked(id)}/`;
}

export function inputKey(id: string, index: number): string {
  return `jobs/${checked(id)}/in/${index}`;
}

export function backgroundKey(id: string): string {
  return `jobs/${checked(id)}/background`;
}

export function outputKey(id: string, index: number, ext: string): string {
  return `jobs/${checked(id)}/out/${index}.${ext}`;
}
