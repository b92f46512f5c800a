/**
 * Reads an image file's header in the browser with itk-wasm (`@itk-wasm/image-io`, the reader the evaluator
 * uses), in its web worker, from pipelines served by the platform under /itk/ (client/build.ts copies them) —
 * never from a CDN.
 */
import { readImage, setPipelinesBaseUrl, setPipelineWorkerUrl } from '@itk-wasm/image-io';
import { geometryOfItkImage, type ItkHeader } from '../lib/itk-geometry.ts';
import type { HeaderResult } from './precheck.ts';

let configured = false;

function configure(): void {
  if (configured) return;
  setPipelinesBaseUrl(new URL('/itk/pipelines', window.location.origin).href);
  setPipelineWorkerUrl('/itk/itk-wasm-pipeline.min.worker.js');
  configured = true;
}

export async function readHeader(file: File): Promise<HeaderResult> {
  configure();
  try {
    const { image } = await readImage(file, { informationOnly: true });
    return { geometry: geometryOfItkImage(image as unknown as ItkHeader) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/Could not find IO/i.test(message)) return { error: 'not a recognised image format (use .nii, .nii.gz, .nrrd or .mha)' };
    return { error: `cannot be read as an image (${message.split('\n')[0]})` };
  }
}
