/**
 * One request at a time per upload, in this process. A newcomer does not wait for a PATCH in flight: it
 * interrupts it and takes over, as tusd does. A client whose connection dropped comes back with HEAD before the
 * server has noticed the old connection is dead; the HEAD stops the old PATCH (whatever reached the disk stays)
 * and reports the final offset, so the client resumes at once instead of meeting a lock.
 */
export type Release = () => void;

interface Holder {
  readonly interrupt: () => void;
  readonly released: Promise<void>;
}

export class UploadLocks {
  private readonly held = new Map<string, Holder>();

  /** Waits until `id` is free (interrupting its holder), then holds it until the returned function is called. */
  async acquire(id: string, interrupt: () => void = () => undefined): Promise<Release> {
    for (let holder = this.held.get(id); holder; holder = this.held.get(id)) {
      holder.interrupt();
      await holder.released;
    }
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    this.held.set(id, { interrupt, released });
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.held.delete(id);
      release();
    };
  }
}
