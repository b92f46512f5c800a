/**
 * The tus checksum of one chunk: `Upload-Checksum: sha256 <base64 digest>`, computed with Web Crypto (the browser's
 * crypto.subtle; Node has the same). Web Crypto exists only in secure contexts (https, or localhost): elsewhere
 * the upload goes without checksums, which the server accepts.
 */
interface SubtleDigest {
  digest(algorithm: 'SHA-256', data: ArrayBuffer): Promise<ArrayBuffer>;
}

function subtle(): SubtleDigest | undefined {
  return (globalThis as { crypto?: { subtle?: SubtleDigest } }).crypto?.subtle;
}

export function canChecksum(): boolean {
  return subtle() !== undefined;
}

/** The Upload-Checksum header value for these bytes. */
export async function uploadChecksum(bytes: ArrayBuffer): Promise<string> {
  const crypto = subtle();
  if (!crypto) throw new Error('Web Crypto is not available here (only on https or localhost)');
  const digest = new Uint8Array(await crypto.digest('SHA-256', bytes));
  let binary = '';
  for (const byte of digest) binary += String.fromCharCode(byte);
  return `sha256 ${btoa(binary)}`;
}
