/** Drag-and-drop of files from disk onto an element, as a user would drop them from a file manager. */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Page } from 'playwright-core';
import type { PageGlobals } from './page-globals.ts';

export async function dropFiles(page: Page, selector: string, paths: string[]): Promise<void> {
  const files = paths.map((path) => ({ name: basename(path), base64: readFileSync(path).toString('base64') }));
  const dataTransfer = await page.evaluateHandle((payload) => {
    const w = globalThis as unknown as PageGlobals;
    const transfer = new w.DataTransfer();
    for (const file of payload) transfer.items.add(new w.File([Uint8Array.from(w.atob(file.base64), (c) => c.charCodeAt(0))], file.name));
    return transfer;
  }, files);
  await page.dispatchEvent(selector, 'dragover', { dataTransfer });
  await page.dispatchEvent(selector, 'drop', { dataTransfer });
}
