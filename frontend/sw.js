/* Waymark service worker.
 * - Static files: cache first (URLs are versioned by content hash).
 * - Pages: network first; a copy is kept so a page seen once is readable offline.
 *   Personal pages are kept in a cache for the signed-in person only (the server
 *   names them in the X-Waymark-Owner header) and are deleted at sign-out, when a
 *   signed-out page arrives, or when someone else signs in.
 * - Offline and never seen: the /offline page.
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

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
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

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "signed-out") event.waitUntil(clearPersonal(null));
});
