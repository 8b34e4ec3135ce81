/* Legis SCORM 1.2 launch page. Finds the host LMS's runtime (window.API, searched up the
   frames and in the opener, as SCORM 1.2 prescribes), keeps the suspend point in
   cmi.core.lesson_location ("r02.html#p-<passage id>"), and reports "completed" once the
   last reading has been read to its end. Without an LMS, or without JavaScript, the
   readings still work: the table of contents opens them in the frame. */
(function () {
  "use strict";

  var body = document.body;
  var frame = document.getElementById("sco-content");
  var statusEl = document.getElementById("sco-status");
  var links = Array.prototype.slice.call(document.querySelectorAll("[data-sco-page]"));
  var pages = links.map(function (a) { return a.getAttribute("data-sco-page"); });
  var lastPage = pages[pages.length - 1];
  var startedAt = Date.now();
  var api = null;
  var finished = false;
  var completed = false;
  var location = "";
  var current = "";
  var read = {};

  function say(key) {
    if (statusEl) { statusEl.textContent = body.getAttribute("data-msg-" + key) || ""; }
  }

  function findApi(win) {
    for (var hops = 0; win && hops < 8; hops++) {
      try {
        if (win.API) { return win.API; }
      } catch (e) { return null; } /* another origin: stop searching this chain */
      if (!win.parent || win.parent === win) { break; }
      win = win.parent;
    }
    return null;
  }

  function set(name, value) {
    if (api) { api.LMSSetValue(name, String(value)); }
  }

  function get(name) {
    return api ? String(api.LMSGetValue(name) || "") : "";
  }

  function commit() {
    if (api && !finished) { api.LMSCommit(""); }
  }

  function timespan(ms) {
    var s = Math.floor(ms / 1000);
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return two(Math.floor(s / 3600)) + ":" + two(Math.floor((s % 3600) / 60)) + ":" + two(s % 60);
  }

  function markRead(name) {
    read[name] = true;
    links.forEach(function (a) {
      if (read[a.getAttribute("data-sco-page")]) { a.classList.add("is-read"); }
    });
  }

  function pageRead(name) {
    if (read[name] && (name !== lastPage || completed)) { return; }
    markRead(name);
    set("cmi.suspend_data", Object.keys(read).join(","));
    if (name === lastPage && !completed) {
      completed = true;
      set("cmi.core.lesson_status", "completed");
      say("completed");
    }
    commit();
  }

  function setLocation(value, commitNow) {
    if (value === location) { return; }
    location = value;
    set("cmi.core.lesson_location", value);
    if (commitNow) { commit(); }
  }

  function topPassage(doc) {
    var passages = doc.querySelectorAll(".passage[id]");
    for (var i = 0; i < passages.length; i++) {
      if (passages[i].getBoundingClientRect().bottom > 1) { return passages[i]; }
    }
    return null;
  }

  function watch(win, doc) {
    var pending = null;
    function check() {
      pending = null;
      var top = topPassage(doc);
      setLocation(current + (top ? "#" + top.id : ""), false);
      var end = doc.getElementById("end-of-reading");
      if (end && end.getBoundingClientRect().top < win.innerHeight) { pageRead(current); }
    }
    win.addEventListener("scroll", function () {
      if (!pending) { pending = win.setTimeout(check, 150); }
    }, { passive: true });
    win.addEventListener("resize", check);
    check();
  }

  function onFrameLoad() {
    var win, doc;
    try {
      win = frame.contentWindow;
      doc = frame.contentDocument;
    } catch (e) { return; }
    if (!doc || !win) { return; }
    var name = win.location.pathname.split("/").pop();
    if (pages.indexOf(name) < 0) { return; }
    current = name;
    links.forEach(function (a) {
      if (a.getAttribute("data-sco-page") === name) { a.setAttribute("aria-current", "page"); }
      else { a.removeAttribute("aria-current"); }
    });
    setLocation(name + (win.location.hash || ""), true);
    watch(win, doc);
  }

  function finish() {
    if (!api || finished) { return; }
    set("cmi.core.exit", completed ? "" : "suspend");
    set("cmi.core.session_time", timespan(Date.now() - startedAt));
    api.LMSCommit("");
    finished = true;
    api.LMSFinish("");
  }

  api = findApi(window);
  if (!api && window.opener) { api = findApi(window.opener); }
  if (api && String(api.LMSInitialize("")) !== "true") { api = null; }

  if (api) {
    var status = get("cmi.core.lesson_status");
    completed = status === "completed" || status === "passed";
    if (!completed) { set("cmi.core.lesson_status", "incomplete"); }
    get("cmi.suspend_data").split(",").forEach(function (name) {
      if (pages.indexOf(name) >= 0) { markRead(name); }
    });
    var saved = get("cmi.core.lesson_location");
    var savedPage = saved.split("#")[0];
    if (pages.indexOf(savedPage) >= 0 && /^[A-Za-z0-9._-]+(#p-[A-Za-z0-9-]+)?$/.test(saved)) {
      location = saved;
      frame.setAttribute("src", "pages/" + saved);
    }
    commit();
    say(completed ? "completed" : "recording");
    window.addEventListener("pagehide", finish);
    window.addEventListener("beforeunload", finish);
  } else {
    say("offline");
  }

  frame.addEventListener("load", onFrameLoad);
  /* The first page may have loaded before this script ran. */
  try {
    if (frame.contentDocument && frame.contentDocument.readyState === "complete") { onFrameLoad(); }
  } catch (e) { /* not loaded yet */ }
})();
