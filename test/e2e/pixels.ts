/**
 * Reading colours out of a screenshot: the PNG is decoded by the browser itself (no image library needed), each
 * pixel classified by hue against target colours (shading changes brightness, not hue), and for each class the
 * count and the pixel deepest inside a blob of that class (a safe place to click, with `pickAt`).
 */
import type { Locator, Page } from 'playwright-core';
import type { PageGlobals } from './page-globals.ts';

export interface ColourClass {
  /** Pixels of this class. */
  count: number;
  /** A pixel of the class whose 7×7 neighbourhood is most of the same class; null when none. */
  interior: { x: number; y: number } | null;
}

export async function classifyColours(page: Page, png: Buffer, targets: Record<string, string>, hueTolerance = 14): Promise<Record<string, ColourClass>> {
  return page.evaluate(
    async ({ base64, targets, hueTolerance }) => {
      const w = globalThis as unknown as PageGlobals;
      const bytes = Uint8Array.from(w.atob(base64), (c) => c.charCodeAt(0));
      const bitmap = await w.createImageBitmap(new w.Blob([bytes], { type: 'image/png' }));
      const canvas = new w.OffscreenCanvas(bitmap.width, bitmap.height);
      const context = canvas.getContext('2d');
      context.drawImage(bitmap, 0, 0);
      const { data, width, height } = context.getImageData(0, 0, bitmap.width, bitmap.height) as { data: Uint8ClampedArray; width: number; height: number };
      const hsv = (r: number, g: number, b: number) => {
        const max = Math.max(r, g, b);
        const min = Math.min(r, g, b);
        const d = max - min;
        let hue = 0;
        if (d > 0) {
          if (max === r) hue = ((g - b) / d) % 6;
          else if (max === g) hue = (b - r) / d + 2;
          else hue = (r - g) / d + 4;
        }
        return { hue: (hue * 60 + 360) % 360, saturation: max ? d / max : 0, value: max / 255 };
      };
      const names = Object.keys(targets);
      const targetHues = names.map((name) => {
        const n = parseInt(targets[name].slice(1), 16);
        return hsv((n >> 16) & 255, (n >> 8) & 255, n & 255).hue;
      });
      const labels = new Int8Array(width * height).fill(-1);
      for (let p = 0; p < width * height; p++) {
        const { hue, saturation, value } = hsv(data[4 * p], data[4 * p + 1], data[4 * p + 2]);
        if (saturation < 0.4 || value < 0.15) continue;
        for (let t = 0; t < names.length; t++) {
          const distance = Math.min(Math.abs(hue - targetHues[t]), 360 - Math.abs(hue - targetHues[t]));
          if (distance <= hueTolerance) {
            labels[p] = t;
            break;
          }
        }
      }
      const result: Record<string, { count: number; interior: { x: number; y: number } | null }> = {};
      names.forEach((name, t) => {
        let count = 0;
        let best = -1;
        let interior: { x: number; y: number } | null = null;
        for (let y = 0; y < height; y++) {
          for (let x = 0; x < width; x++) {
            if (labels[x + width * y] !== t) continue;
            count++;
            let around = 0;
            for (let dy = -3; dy <= 3; dy++) for (let dx = -3; dx <= 3; dx++) if (labels[x + dx + width * (y + dy)] === t) around++;
            if (around > best) {
              best = around;
              interior = { x, y };
            }
          }
        }
        result[name] = { count, interior };
      });
      return result;
    },
    { base64: png.toString('base64'), targets, hueTolerance },
  );
}

/** Clicks a render area at a pixel of its screenshot (a class's `interior`) and returns the picked branch's details. */
export async function pickAt(page: Page, area: Locator, at: { x: number; y: number }): Promise<Locator> {
  const box = await area.boundingBox();
  if (!box) throw new Error('the render area is not on screen');
  await page.mouse.click(box.x + at.x, box.y + at.y);
  const details = page.locator('[data-testid="branch-details"][data-branch]');
  await details.waitFor();
  return details;
}
