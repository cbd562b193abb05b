/* Waymark service worker.
 * - Static files: cache first (URLs are versioned by content hash).
 * - Pages: network first; a copy is kept so a page seen once is readable offline.
 *   Personal pages are kept in a cache for the signed-in person only (the server
 *   names them in the X-Waymark-Owner header) and are deleted at sign-out, when a
 *   signed-out page arrives, or when someone else signs in.
 * - Offline and never seen: the /offline page.
 * - Forms that may be sent offline (OUTBOX_FORMS): sent as usual when online; when the
 *   network fails, their fields go into an outbox in IndexedDB and /saved-offline is
 *   shown. The outbox is replayed to POST /api/outbox (each item carries the form's
 *   idempotency key, so the server stores it once however often it arrives) on the
 *   background-sync event where the browser has one, when the worker starts, and when
 *   a page asks (app.js, on every load and on the "online" event: iPhones have no
 *   background sync). Items wait for the person who saved them; an expired session
 *   keeps them ("sign in to send"); nothing is dropped without the person seeing it.
 * htmx fragment requests are never cached. The app fills in __VERSION__ and __PRECACHE__.
 */
"use strict";
const VERSION = "__VERSION__";
const SHELL = "waymark-shell-" + VERSION;
const PAGES = "waymark-pages-";
const PUBLIC_PAGES = PAGES + "public";
const META = "waymark-meta";
const PRECACHE = __PRECACHE__;
const NEVER_KEEP = ["/join/", "/auth/", "/login/staff", "/logout", "/healthz", "/readyz", "/sw.js"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL).then((c) => c.addAll(PRECACHE)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("waymark-shell-") && name !== SHELL) await caches.delete(name);
    }
    await self.clients.claim();
  })());
  // Send anything left from before, without holding up activation (pages ask too).
  replay().catch(() => {});
});

async function getOwner() {
  const hit = await (await caches.open(META)).match("/__owner");
  return hit ? hit.text() : null;
}

async function setOwner(owner) {
  await (await caches.open(META)).put("/__owner", new Response(owner));
}

async function clearPersonal(keep) {
  for (const name of await caches.keys()) {
    if (name.startsWith(PAGES) && name !== PUBLIC_PAGES && name !== keep) await caches.delete(name);
  }
  if (!keep) await (await caches.open(META)).delete("/__owner");
}

async function keepPage(request, response) {
  const url = new URL(request.url);
  if (response.status !== 200 || response.type !== "basic" || url.pathname === "/offline") return;
  if (NEVER_KEEP.some((p) => url.pathname.startsWith(p))) return;
  if (!(response.headers.get("content-type") || "").startsWith("text/html")) return;
  const owner = response.headers.get("x-waymark-owner");
  if (owner) {
    const name = PAGES + owner;
    if ((await getOwner()) !== owner) {
      await clearPersonal(name);
      await setOwner(owner);
    }
    await (await caches.open(name)).put(request, response);
  } else {
    await clearPersonal(null); // nobody is signed in any more
    await (await caches.open(PUBLIC_PAGES)).put(request, response);
  }
}

async function pageFromCache(request) {
  const owner = await getOwner();
  if (owner) {
    const hit = await (await caches.open(PAGES + owner)).match(request);
    if (hit) return hit;
  }
  const hit = await (await caches.open(PUBLIC_PAGES)).match(request);
  if (hit) return hit;
  return (await caches.open(SHELL)).match("/offline");
}

async function networkFirstPage(event) {
  try {
    const response = await fetch(event.request);
    event.waitUntil(keepPage(event.request, response.clone()));
    return response;
  } catch (err) {
    return pageFromCache(event.request);
  }
}

async function cacheFirstStatic(request) {
  const shell = await caches.open(SHELL);
  const hit = (await shell.match(request)) || (await caches.match(request));
  if (hit) return hit;
  try {
    const response = await fetch(request);
    if (response.ok) await shell.put(request, response.clone());
    return response;
  } catch (err) {
    // An older page may ask for an older version of a file: serve the current one.
    const any = await caches.match(request, { ignoreSearch: true });
    if (any) return any;
    throw err;
  }
}

// ------------------------------------------------------------------ outbox
const OUTBOX_FORMS = [/^\/consultations\/\d+$/];
const OUTBOX_DB = "waymark-outbox";
const OUTBOX_STORE = "items";
const SYNC_TAG = "waymark-outbox";
let latestCsrf = null;

function outboxDb() {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(OUTBOX_DB, 1);
    open.onupgradeneeded = () => open.result.createObjectStore(OUTBOX_STORE, { keyPath: "key" });
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
}

async function outboxDo(mode, fn) {
  const db = await outboxDb();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(OUTBOX_STORE, mode);
    const result = fn(tx.objectStore(OUTBOX_STORE));
    tx.oncomplete = () => { db.close(); resolve(result && "result" in result ? result.result : undefined); };
    tx.onerror = () => { db.close(); reject(tx.error); };
  });
}

const outboxAll = () => outboxDo("readonly", (store) => store.getAll());
const outboxPut = (item) => outboxDo("readwrite", (store) => store.put(item));
const outboxDelete = (key) => outboxDo("readwrite", (store) => store.delete(key));

async function tellPages(message) {
  for (const client of await self.clients.matchAll({ type: "window" })) client.postMessage(message);
}

async function outboxStatus(extra) {
  const owner = await getOwner();
  const mine = (await outboxAll()).filter((item) => !owner || item.owner === owner);
  await tellPages({
    type: "outbox-status",
    waiting: mine.filter((item) => item.state === "queued").length,
    signIn: !owner ? mine.length : mine.filter((item) => item.state === "sign-in").length,
    refused: mine.filter((item) => item.state === "refused").length,
    ...(extra || {}),
  });
}

async function postOrQueue(event) {
  const copy = event.request.clone();
  try {
    return await fetch(event.request);
  } catch (err) {
    const fields = {};
    for (const [name, value] of (await copy.formData()).entries()) {
      if (typeof value === "string") (fields[name] = fields[name] || []).push(value);
    }
    const key = (fields.idempotency_key || [""])[0];
    const csrf = (fields.csrf_token || [""])[0];
    delete fields.csrf_token;
    delete fields.idempotency_key;
    await outboxPut({
      key, url: new URL(copy.url).pathname, fields, csrf,
      owner: await getOwner(), queuedAt: Date.now(), state: "queued",
    });
    try { await self.registration.sync.register(SYNC_TAG); } catch (e) { /* no background sync: pages ask */ }
    const page = await (await caches.open(SHELL)).match("/saved-offline");
    return page || new Response("Saved on this phone. We will send it when you are online.", { status: 202 });
  }
}

let replaying = null;
function replay() {
  replaying = replaying || replayOnce().finally(() => { replaying = null; });
  return replaying;
}

async function replayOnce() {
  const owner = await getOwner();
  let sent = 0;
  for (const item of await outboxAll()) {
    if (!owner || item.owner !== owner || item.state === "refused") continue; // waits for its owner
    let response;
    try {
      response = await fetch("/api/outbox", {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "content-type": "application/json",
          "idempotency-key": item.key,
          "x-csrf-token": latestCsrf || item.csrf,
        },
        body: JSON.stringify({ url: item.url, fields: item.fields }),
      });
    } catch (err) {
      break; // still offline: try again later
    }
    if (response.ok) {
      await outboxDelete(item.key);
      sent += 1;
    } else if (response.status === 401 || response.status === 403) {
      await outboxPut({ ...item, state: "sign-in" });
    } else if (response.status >= 400 && response.status < 500) {
      let reason = "";
      try { reason = (await response.json()).message || ""; } catch (e) { /* not JSON */ }
      await outboxPut({ ...item, state: "refused", reason });
    } // 5xx: keep it queued and try again later
  }
  await outboxStatus(sent ? { sent } : {});
}

self.addEventListener("sync", (event) => {
  if (event.tag === SYNC_TAG) event.waitUntil(replay());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && OUTBOX_FORMS.some((pattern) => pattern.test(url.pathname))) {
    event.respondWith(postOrQueue(event));
    return;
  }
  if (request.method === "POST" && url.pathname === "/logout") {
    event.waitUntil(clearPersonal(null));
    return;
  }
  if (request.method !== "GET" || request.headers.get("HX-Request")) return;
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(cacheFirstStatic(request));
  } else if (request.mode === "navigate") {
    event.respondWith(networkFirstPage(event));
  }
});

// Web push: the payload is only a general title and a link; the page is behind sign-in.
self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (error) {
    data = {};
  }
  const url = typeof data.url === "string" && data.url.startsWith("/") && !data.url.startsWith("//") ? data.url : "/inbox";
  event.waitUntil(
    self.registration.showNotification(typeof data.title === "string" ? data.title : "Waymark", {
      icon: "/static/icons/icon-192.png",
      badge: "/static/icons/icon-192.png",
      data: { url },
      tag: url,
    }),
  );
});

// Tapping the notification opens its page (or brings an open one to the front).
self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL((event.notification.data && event.notification.data.url) || "/inbox", self.location.origin).href;
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      const open = windows.find((w) => w.url === target);
      return open ? open.focus() : self.clients.openWindow(target);
    }),
  );
});

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "signed-out") event.waitUntil(clearPersonal(null).then(() => outboxStatus()));
  if (data.type === "outbox-replay") {
    if (data.csrf) latestCsrf = data.csrf;
    event.waitUntil(replay());
  }
});
