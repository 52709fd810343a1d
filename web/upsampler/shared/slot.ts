// A slot of work where a newer request aborts the older one: the session keeps one per side, the difference,
// the download and the image (session.ts). DOM-free.

export class Slot {
  private controller: AbortController | null = null;
  /** Aborts the previous request of this slot; returns the new one's signal. */
  next(): AbortSignal {
    this.abort();
    this.controller = new AbortController();
    return this.controller.signal;
  }
  abort(): void {
    this.controller?.abort();
    this.controller = null;
  }
}
