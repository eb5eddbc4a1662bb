// Photos taken on the phone: shrunk on the device before they are kept or
// sent (a phone's 12-megapixel photo is 4-8 MB; evidence needs far less),
// and shown as thumbnails from their blobs.

import { t } from './i18n.js';
import { h } from './render.js';

/** The longest side of a kept photo, in pixels, and its JPEG quality. */
export const MAX_SIDE = 1600;
const QUALITY = 0.8;

/** Shrinks an image file to a JPEG of at most MAX_SIDE pixels a side. */
export async function shrink(file) {
  const bmp = await createImageBitmap(file);
  const scale = Math.min(1, MAX_SIDE / Math.max(bmp.width, bmp.height));
  const w = Math.max(1, Math.round(bmp.width * scale)), hgt = Math.max(1, Math.round(bmp.height * scale));
  const c = document.createElement('canvas');
  c.width = w;
  c.height = hgt;
  c.getContext('2d').drawImage(bmp, 0, 0, w, hgt);
  bmp.close?.();
  const blob = await new Promise((ok) => c.toBlob(ok, 'image/jpeg', QUALITY));
  if (!blob) throw new Error('encode');
  return blob;
}

const urls = new WeakMap();
/** A blob: URL for a photo's blob, made once. */
export function urlOf(blob) {
  if (!urls.has(blob)) urls.set(blob, URL.createObjectURL(blob));
  return urls.get(blob);
}

/** Thumbnails of photos [{id, blob, name}], each with a remove button when onRemove is given. */
export function photoList(photos, onRemove) {
  if (!photos.length) return null;
  return h('ul', { class: 'photos' }, photos.map((p, i) => h('li', { class: 'photo', dataset: { bytes: p.blob.size } },
    h('img', { src: urlOf(p.blob), alt: t('photoAlt', i + 1), width: 96, height: 96 }),
    onRemove ? h('button', { type: 'button', class: 'link', onclick: () => onRemove(p) }, t('remove')) : null)));
}
