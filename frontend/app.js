/* Waymark's small script. Everything works without it; it adds the service worker
 * (offline reading, installable app) and a few kindnesses. No inline script anywhere:
 * the CSP forbids it. */
"use strict";
(function () {
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
    /* The offline outbox: ask the worker to send what is waiting (on every page load
     * and when the phone comes back online), and show what it says. */
    var askReplay = function () {
      navigator.serviceWorker.ready.then(function (reg) {
        var token = document.querySelector("input[name=csrf_token]");
        if (reg.active) reg.active.postMessage({ type: "outbox-replay", csrf: token ? token.value : null });
      });
    };
    window.addEventListener("online", askReplay);
    document.addEventListener("DOMContentLoaded", askReplay);
    navigator.serviceWorker.addEventListener("message", function (event) {
      var data = event.data || {};
      if (data.type !== "outbox-status") return;
      Array.prototype.forEach.call(document.querySelectorAll("[data-outbox-banner], [data-outbox-status]"), function (el) {
        var banner = el.hasAttribute("data-outbox-banner") ? el : document.querySelector("[data-outbox-banner]");
        var text = "";
        if (data.signIn) text = banner.dataset.signIn.replace("{n}", data.signIn);
        else if (data.waiting) text = banner.dataset.queued.replace("{n}", data.waiting);
        else if (data.refused) text = banner.dataset.refused;
        else if (data.sent) text = banner.dataset.sent;
        el.textContent = text;
        el.hidden = !text;
      });
    });
    if (document.body && document.body.dataset.signedOut) {
      navigator.serviceWorker.ready.then(function (reg) {
        if (reg.active) reg.active.postMessage({ type: "signed-out" });
      });
    }
  }
  var DRAFT = "waymark-draft-";
  if (document.body && document.body.dataset.signedOut) {
    // A shared phone: drafts go with the session.
    Object.keys(localStorage).forEach(function (k) { if (k.indexOf(DRAFT) === 0) localStorage.removeItem(k); });
  }

  /* A long form shown one question at a time, with a draft kept on the phone. */
  function stepper(form) {
    var steps = Array.prototype.slice.call(form.querySelectorAll("[data-step]"));
    if (steps.length < 2) return;
    var key = DRAFT + form.dataset.draft;
    var hasErrors = !!form.querySelector(".field-error");
    function save() {
      var data = {};
      new FormData(form).forEach(function (value, name) {
        if (name === "csrf_token" || name === "idempotency_key") return;
        (data[name] = data[name] || []).push(value);
      });
      try { localStorage.setItem(key, JSON.stringify(data)); } catch (e) { /* full or private mode */ }
    }
    if (!hasErrors) {
      var saved = null;
      try { saved = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { saved = null; }
      if (saved) {
        Array.prototype.forEach.call(form.elements, function (el) {
          if (!el.name || !(el.name in saved) || el.type === "hidden") return;
          if (el.type === "radio" || el.type === "checkbox") el.checked = saved[el.name].indexOf(el.value) !== -1;
          else el.value = saved[el.name][0];
        });
      }
    }
    form.addEventListener("input", save);
    form.addEventListener("change", save);
    var current = 0;
    steps.forEach(function (step, i) {
      if (hasErrors && current === 0 && step.classList.contains("field-error")) current = i;
      var nav = document.createElement("div");
      nav.className = "stepper-nav";
      if (i > 0) nav.appendChild(button(form.dataset.back || "Back", "button secondary", function () { show(i - 1); }));
      if (i < steps.length - 1) nav.appendChild(button(form.dataset.next || "Next", "button", function () { show(i + 1); }));
      step.appendChild(nav);
    });
    function button(text, cls, onclick) {
      var b = document.createElement("button");
      b.type = "button"; b.className = cls; b.textContent = text;
      b.addEventListener("click", onclick);
      return b;
    }
    function show(i) {
      current = i;
      steps.forEach(function (step, j) { step.classList.toggle("is-hidden-step", j !== i); });
      var first = steps[i].querySelector(".question-text, legend");
      if (first) { first.setAttribute("tabindex", "-1"); first.focus(); }
    }
    steps.forEach(function (step, j) { step.classList.toggle("is-hidden-step", j !== current); });
    form.addEventListener("submit", function () { try { localStorage.removeItem(key); } catch (e) { /* ignore */ } });
  }

  /* Read a question out loud with the phone's own voice (nothing leaves the phone). */
  function readAloud(root) {
    if (!("speechSynthesis" in window)) return;
    Array.prototype.forEach.call(root.querySelectorAll("[data-read-aloud]"), function (b) {
      b.hidden = false;
      b.addEventListener("click", function () {
        window.speechSynthesis.cancel();
        var say = new SpeechSynthesisUtterance(b.getAttribute("data-read-aloud"));
        say.lang = document.documentElement.lang === "cy" ? "cy-GB" : "en-GB";
        window.speechSynthesis.speak(say);
      });
    });
  }

  function focusErrors(root) {
    var summary = (root || document).querySelector("[data-autofocus]");
    if (summary) summary.focus();
  }
  // Priority votes: "Votes left: N" as the numbers change (the server checks the sum too).
  function votesLeft(form) {
    var out = form.querySelector("[data-votes-left]"), max = parseInt(form.getAttribute("data-votes"), 10);
    if (!out) return;
    function update() {
      var used = 0;
      Array.prototype.forEach.call(form.querySelectorAll("input[type=number]"), function (input) {
        var n = parseInt(input.value, 10);
        if (n > 0) used += n;
      });
      out.textContent = out.getAttribute("data-label") + " " + (max - used);
    }
    out.hidden = false;
    form.addEventListener("input", update);
    update();
  }
  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-stepper]"), stepper);
    Array.prototype.forEach.call(document.querySelectorAll("form[data-votes]"), votesLeft);
    readAloud(document);
    focusErrors(document);
  });
  document.addEventListener("htmx:afterSwap", function (e) { focusErrors(e.target); });
  // "Print" buttons (committee papers, invite letters); without JavaScript the browser's own Print works.
  document.addEventListener("click", function (e) {
    if (e.target.closest && e.target.closest("[data-print]")) window.print();
  });
})();

/* Messages on the phone (web push): only when the person asks, on /inbox. */
(function () {
  var form = document.querySelector("[data-push-form]");
  var button = form && form.querySelector("[data-push-subscribe]");
  if (!button) return;
  var status = form.querySelector("[data-push-status]");
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) return;
  button.hidden = false;
  var unsupported = form.querySelector("[data-push-unsupported]");
  if (unsupported) unsupported.hidden = true;
  function key(base64) {
    var padded = (base64 + "===".slice((base64.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded), out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }
  button.addEventListener("click", function () {
    button.disabled = true;
    Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") throw new Error("denied");
      return navigator.serviceWorker.ready;
    }).then(function (reg) {
      return reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key(form.dataset.publicKey) });
    }).then(function (subscription) {
      var kinds = Array.prototype.map.call(form.querySelectorAll("input[name=kinds]:checked"), function (i) { return i.value; });
      return fetch("/api/push/subscriptions", {
        method: "POST", credentials: "same-origin",
        headers: { "content-type": "application/json", "x-csrf-token": form.querySelector("input[name=csrf_token]").value },
        body: JSON.stringify({ subscription: subscription.toJSON(), kinds: kinds })
      });
    }).then(function (response) {
      if (!response.ok) throw new Error("refused");
      window.location.assign("/inbox?saved=on#push");
    }).catch(function (error) {
      status.textContent = error && error.message === "denied" ? status.dataset.denied : status.dataset.failed;
      button.disabled = false;
    });
  });
})();

/* Hearing back after answering anonymously: the phone keeps the code from the thanks
   page and asks, without the session cookie, whether there is news about it. */
(function () {
  var CODES = "waymark-codes", SEEN = "waymark-seen-updates";
  function read(name) { try { return JSON.parse(localStorage.getItem(name) || "[]"); } catch (e) { return []; } }
  if (document.body && document.body.dataset.signedOut) { localStorage.removeItem(CODES); localStorage.removeItem(SEEN); return; }
  var codes = read(CODES);
  var shown = document.querySelector("[data-resume-code]");
  if (shown && codes.indexOf(shown.dataset.resumeCode) === -1) {
    codes.push(shown.dataset.resumeCode);
    localStorage.setItem(CODES, JSON.stringify(codes.slice(-20)));
  }
  var banner = document.querySelector("[data-hear-back]");
  if (!banner || !codes.length || !window.fetch) return;
  var seen = read(SEEN);
  Promise.all(codes.map(function (code) {
    return fetch("/api/hear-back?code=" + encodeURIComponent(code), { credentials: "omit" })
      .then(function (r) { return r.ok ? r.json() : { updates: [] }; })
      .catch(function () { return { updates: [] }; });
  })).then(function (results) {
    var fresh = {};
    results.forEach(function (r) { (r.updates || []).forEach(function (u) { if (seen.indexOf(u.id) === -1) fresh[u.id] = u; }); });
    var ids = Object.keys(fresh);
    if (!ids.length) return;
    var heading = document.createElement("p");
    heading.textContent = banner.dataset.heading;
    var list = document.createElement("ul");
    ids.forEach(function (id) {
      var item = document.createElement("li"), link = document.createElement("a");
      link.href = fresh[id].url;
      link.textContent = fresh[id].title;
      link.addEventListener("click", function () { seen.push(Number(id)); localStorage.setItem(SEEN, JSON.stringify(seen.slice(-200))); });
      item.appendChild(link);
      list.appendChild(item);
    });
    banner.appendChild(heading);
    banner.appendChild(list);
    banner.hidden = false;
  });
})();
