/**
 * Who listens to which job's events, for both queues (embedded and fleet): subscribe returns its
 * own unsubscribe; a listener that throws is reported and never stops the others.
 */
import type { JobEvent } from './types.ts';

export type JobListener = (e: JobEvent) => void;

export class JobListeners {
  readonly #byJob = new Map<string, Set<JobListener>>();

  constructor(private readonly onError: (jobId: string, err: unknown) => void) {}

  subscribe(id: string, listener: JobListener): () => void {
    let set = this.#byJob.get(id);
    if (!set) this.#byJob.set(id, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.#byJob.get(id) === set) this.#byJob.delete(id);
    };
  }

  /** Whether anyone listens to the job (so an event need not be built). */
  has(id: string): boolean {
    return this.#byJob.has(id);
  }

  emit(e: JobEvent): void {
    for (const listener of [...(this.#byJob.get(e.jobId) ?? [])]) {
      try {
        listener(e);
      } catch (err) {
        this.onError(e.jobId, err);
      }
    }
  }

  clear(): void {
    this.#byJob.clear();
  }
}
