// Scanning a box's barcode (EAN-13, EAN-8, UPC-A, UPC-E: a GTIN) or a
// camreg QR e-label (the model's permalink) with the phone's camera, or
// from a photo of it. The browser's BarcodeDetector is used where it
// exists; elsewhere the vendored ZXing decoder (vendor/zxing.umd.min.js,
// Apache-2.0) is loaded, only when the inspector first scans, so it
// weighs nothing on the first load. Whatever cannot be read is typed.

import { api, qs } from './api.js';
import { t } from './i18n.js';

const $ = (id) => document.getElementById(id);
const FORMATS = ['ean_13', 'ean_8', 'upc_a', 'upc_e', 'qr_code'];

/** True when digits is a GTIN-8, -12, -13 or -14 with a right GS1 check digit. */
export function validGTIN(digits) {
  if (!/^(\d{8}|\d{12,14})$/.test(digits)) return false;
  const d = [...digits].map(Number);
  const check = d.pop();
  const sum = d.reverse().reduce((s, x, i) => s + x * (i % 2 === 0 ? 3 : 1), 0);
  return (10 - (sum % 10)) % 10 === check;
}

/** The model a camreg permalink URL names: {brand, key}, or null. */
export function permalinkOf(text) {
  let u;
  try { u = new URL(text, location.href); } catch { return null; }
  const m = u.pathname.match(/^\/m\/([^/]+)\/([^/]+)\/?$/);
  return m ? { brand: decodeURIComponent(m[1]), key: decodeURIComponent(m[2]) } : null;
}

let decoder = null;

/** The decoder in use: the browser's, or ZXing's, loaded on first use. */
export async function getDecoder() {
  if (decoder) return decoder;
  if ('BarcodeDetector' in window && localStorage.getItem('camreg.scan') !== 'zxing') {
    try {
      const have = await window.BarcodeDetector.getSupportedFormats();
      const want = FORMATS.filter((f) => have.includes(f));
      if (want.length) {
        const bd = new window.BarcodeDetector({ formats: want });
        decoder = { name: 'BarcodeDetector', decode: async (src) => (await bd.detect(src))[0]?.rawValue || null };
        return decoder;
      }
    } catch { /* fall through to ZXing */ }
  }
  await import('./vendor/zxing.umd.min.js');
  const Z = globalThis.ZXing;
  const reader = new Z.MultiFormatReader();
  const hints = new Map();
  const F = Z.BarcodeFormat;
  hints.set(Z.DecodeHintType.POSSIBLE_FORMATS, [F.EAN_13, F.EAN_8, F.UPC_A, F.UPC_E, F.QR_CODE]);
  hints.set(Z.DecodeHintType.TRY_HARDER, true);
  reader.setHints(hints);
  const canvas = document.createElement('canvas');
  decoder = {
    name: 'ZXing',
    decode: async (src) => {
      const w = src.videoWidth || src.naturalWidth || src.width, hgt = src.videoHeight || src.naturalHeight || src.height;
      if (!w || !hgt) return null;
      canvas.width = w;
      canvas.height = hgt;
      const g = canvas.getContext('2d', { willReadFrequently: true });
      g.drawImage(src, 0, 0, w, hgt);
      const px = g.getImageData(0, 0, w, hgt).data;
      const lum = new Uint8ClampedArray(w * hgt);
      for (let i = 0, j = 0; j < lum.length; i += 4, j++) lum[j] = (px[i] * 77 + px[i + 1] * 150 + px[i + 2] * 29) >> 8;
      try {
        return reader.decodeWithState(new Z.BinaryBitmap(new Z.HybridBinarizer(new Z.RGBLuminanceSource(lum, w, hgt)))).getText();
      } catch {
        return null; // nothing readable in this frame
      } finally {
        reader.reset();
      }
    },
  };
  return decoder;
}

/**
 * What a scanned text means: {gtin} for a barcode, {brand, key} for a
 * camreg QR e-label, or {text} for anything else (it is typed instead).
 */
export function meaning(text) {
  const s = String(text || '').trim();
  if (/^\d+$/.test(s)) {
    const g = s.length === 12 ? '0' + s : s; // UPC-A is a GTIN-12
    if (validGTIN(s)) return { gtin: g };
  }
  const p = permalinkOf(s);
  if (p && /^https?:/.test(s)) return p;
  return { text: s };
}

/** Verifies what was scanned (online), as of date at: the verify answer, or null. */
export async function lookUp(m, at) {
  if (navigator.onLine === false) return null;
  if (m.gtin) return api('/v1/verify' + qs({ gtin: m.gtin, at }));
  if (m.key) return api('/v1/verify' + qs({ model: m.key, brand: m.brand, at }));
  return null;
}

let stream = null;
let loop = 0;

/** Stops the camera. */
export function stop() {
  clearTimeout(loop);
  stream?.getTracks().forEach((tr) => tr.stop());
  stream = null;
  const v = $('scan-video');
  v.srcObject = null;
  $('scanner').hidden = true;
  opener?.focus();
  opener = null;
}

let opener = null;

/**
 * Opens the scanner and calls onText(text) once with what it read, from
 * the camera or from a photo the inspector picks.
 */
export async function open(onText) {
  const panel = $('scanner'), status = $('scan-status'), video = $('scan-video');
  opener = document.activeElement;
  panel.hidden = false;
  panel.onkeydown = (e) => { if (e.key === 'Escape') stop(); };
  $('scan-h').setAttribute('tabindex', '-1');
  $('scan-h').focus();
  status.textContent = t('scanLoading');
  const loading = getDecoder();
  // A photo picked while the decoder still loads waits for it.
  $('scan-file').onchange = async (e) => {
    const f = e.target.files[0];
    e.target.value = '';
    if (!f) return;
    status.textContent = t('scanReading');
    const dec = await loading.catch(() => null);
    const text = dec ? await dec.decode(await createImageBitmap(f)).catch(() => null) : null;
    if (text) { stop(); onText(text); } else status.textContent = dec ? t('scanNothing') : t('scanNoDecoder');
  };
  let dec;
  try {
    dec = await loading;
  } catch {
    status.textContent = t('scanNoDecoder');
    return;
  }
  panel.dataset.decoder = dec.name;
  if (!navigator.mediaDevices?.getUserMedia) { status.textContent = t('scanNoCamera'); return; }
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
  } catch {
    status.textContent = t('scanNoCamera');
    return;
  }
  if (panel.hidden) { stop(); return; } // closed while the camera was starting
  video.srcObject = stream;
  await video.play().catch(() => {});
  status.textContent = t('scanAim');
  const tick = async () => {
    if (!stream) return;
    const text = video.readyState >= 2 ? await dec.decode(video).catch(() => null) : null;
    if (text) { stop(); onText(text); return; }
    loop = setTimeout(tick, 250);
  };
  tick();
}
