/**
 * A grow-only byte buffer that a long-lived process (a worker) reuses for every image it reads. Memory that a
 * process touches for the first time costs a page fault per 4 kB: on the machines Carina was measured on,
 * inflating a 100 MB label into fresh memory took ~300 ms, into memory used before ~40 ms. A volume read into
 * the buffer is valid until the next read into the same buffer: the caller must be done with it by then (the
 * worker scores one case at a time per process).
 */
export class VolumeBuffer {
  private bytes = new Uint8Array(0);

  /** `length` bytes at the start of the buffer (the buffer grows, never shrinks). */
  take(length: number): Uint8Array {
    if (this.bytes.length < length) this.bytes = new Uint8Array(length);
    return this.bytes.subarray(0, length);
  }

  /** True when `view` lies in this buffer's memory (the image was inflated in place). */
  holds(view: ArrayBufferView): boolean {
    return view.buffer === this.bytes.buffer;
  }

  /** Bytes held (for tests and logs). */
  get capacity(): number {
    return this.bytes.length;
  }
}
