// The page's service worker: the offline shell and nothing else. The
// page's own files (/ and /static/...) are answered from the network when
// it answers, and from the cache when it does not (or not within 3 s), so the page opens with
// no network once it was seen; each answer from the network refreshes the
// cache. API answers (/v1/...) and everything else are never touched or
// cached: verdicts are only ever shown fresh, and drafts and the outbox
// live in IndexedDB (store.js), not here.

const CACHE = 'camreg-shell-v2';
const SHELL = ['/', '/static/app.css', '/static/app.js', '/static/api.js', '/static/i18n.js',
  '/static/render.js', '/static/inspect.js', '/static/items.js',
  '/static/outbox.js', '/static/photos.js', '/static/records.js', '/static/scan.js', '/static/vendor/idb.umd.js'];

self.addEventListener('install', (e) => {
  e.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (e) => {
  e.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

const isShell = (url) => url.origin === self.location.origin && (url.pathname === '/' || (url.pathname.startsWith('/static/') && url.pathname !== '/static/sw.js'));

// A network that answers nothing (a stalled line, a frozen server) is
// given WAIT ms when a copy is kept: then the copy answers, and the
// network's late answer still refreshes it.
const WAIT = 3000;

self.addEventListener('fetch', (e) => {
  const url = new URL(e.request.url);
  if (e.request.method !== 'GET' || !isShell(url)) return; // the network, untouched
  const key = url.pathname === '/' ? '/' : url.pathname; // "/?model=…" opens the same shell
  e.respondWith((async () => {
    const cache = await caches.open(CACHE);
    const net = fetch(e.request).then(async (res) => {
      if (res.ok) await cache.put(key, res.clone());
      return res;
    });
    e.waitUntil(net.catch(() => {}));
    const hit = await cache.match(key);
    if (!hit) return net;
    let timer;
    const late = new Promise((ok) => { timer = setTimeout(() => ok(null), WAIT); });
    const res = await Promise.race([net.catch(() => null), late]);
    clearTimeout(timer);
    return res || hit;
  })());
});
