/**
 * Starting a worker thread on one of greenroom's own modules. Built code runs the .js module
 * directly; from TypeScript sources (tests and benches under tsx) the worker first registers
 * tsx's loader, which a worker does not inherit.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** A worker running `module` (a URL next to the caller, without its extension: `new URL('./x', import.meta.url)`). */
export function startModuleWorker(module: URL, options: WorkerOptions = {}): Worker {
  const ext = path.extname(fileURLToPath(import.meta.url));
  const script = new URL(`${module.href}${ext}`);
  if (ext !== '.ts') return new Worker(script, options);
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  return new Worker(`import(${tsx}).then((tsx) => { tsx.register(); return import(${JSON.stringify(script.href)}); });`, { ...options, eval: true });
}
