/**
 * The browser globals the tests' in-page functions (page.evaluate) touch, typed loosely here because the test
 * project compiles without the DOM library. Inside a callback: `const w = globalThis as unknown as PageGlobals`
 * (a type only: nothing is imported into the page).
 */
export interface PageGlobals {
  document: { querySelector(selector: string): any; querySelectorAll(selector: string): ArrayLike<any> & Iterable<any> };
  MutationObserver: new (callback: () => void) => { observe(target: any, options: Record<string, boolean>): void };
  OffscreenCanvas: new (width: number, height: number) => { getContext(kind: '2d'): any };
  createImageBitmap(blob: unknown): Promise<{ width: number; height: number }>;
  Blob: new (parts: unknown[], options?: { type: string }) => unknown;
  atob(base64: string): string;
  DataTransfer: new () => { items: { add(file: unknown): void } };
  File: new (parts: unknown[], name: string) => unknown;
  seenProgress?: number[];
  sameDocument?: boolean;
}

/** A 2D canvas as seen from the page. */
export interface PageCanvas {
  width: number;
  height: number;
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } };
}
