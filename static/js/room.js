// Live discussion for a space: one WebSocket, events numbered per space, gap filling,
// reconnect with back-off. The page works without this script (plain forms).
(function () {
  "use strict";
  var root = document.querySelector("[data-room]");
  if (!root || !window.WebSocket) return;

  var cfg = {
    path: root.dataset.wsPath,
    thread: parseInt(root.dataset.thread, 10),
    user: parseInt(root.dataset.user, 10),
    moderator: root.dataset.canModerate === "1",
  };
  var lastId = parseInt(root.dataset.lastId, 10) || 0;
  var socket = null;
  var attempts = 0;
  var heartbeat = null;
  var pending = {};        // id -> frame, events that arrived ahead of a gap
  var fetching = false;
  var sent = {};           // client_id -> body, posts awaiting their ack
  var postsList = document.getElementById("posts");
  var stateEl = document.getElementById("connection-state");
  var composer = document.getElementById("composer");
  var composerError = document.getElementById("composer-error");
  var toolsTemplate = document.getElementById("post-tools-template");
  var reactionsTemplate = document.getElementById("post-reactions-template");
  var labels = {
    live: stateEl ? stateEl.dataset.live || "Live" : "Live",
  };
  var i18n = window.LEGIS_I18N || {};
  function t(key, fallback) { return i18n[key] || fallback; }

  function setState(state, text) {
    if (!stateEl) return;
    stateEl.dataset.state = state;
    stateEl.textContent = text;
  }

  function url() {
    var proto = location.protocol === "https:" ? "wss://" : "ws://";
    return proto + location.host + cfg.path;
  }

  function send(frame) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(frame));
      return true;
    }
    return false;
  }

  function connect() {
    setState("connecting", t("connecting", "Connecting…"));
    socket = new WebSocket(url());
    socket.onopen = function () { attempts = 0; };
    socket.onmessage = function (msg) {
      var frame;
      try { frame = JSON.parse(msg.data); } catch (e) { return; }
      handle(frame);
    };
    socket.onclose = function (ev) {
      clearInterval(heartbeat);
      if (ev.code === 4403) {
        setState("closed", t("revoked", "You no longer have access to this room. Reload the page."));
        return;
      }
      attempts += 1;
      var delay = Math.min(30000, 1000 * Math.pow(2, attempts - 1)) * (0.5 + Math.random() / 2);
      setState("reconnecting", t("reconnecting", "Connection lost — reconnecting…"));
      setTimeout(connect, delay);
    };
  }

  function handle(frame) {
    switch (frame.type) {
      case "hello":
        setState("live", t("live", "Live"));
        renderPresence(frame.online);
        // Catch up on everything after what this page has seen: from the database, in order.
        send({ type: "resume", last_id: lastId });
        heartbeat = setInterval(function () { send({ type: "ping" }); }, 25000);
        break;
      case "event":
        receive(frame);
        break;
      case "replay_done":
        fetching = false;
        drain();
        break;
      case "presence":
        renderPresence(frame.online);
        break;
      case "ack":
        if (frame.ref && sent[frame.ref] !== undefined) {
          delete sent[frame.ref];
          if (composer && composer.elements.client_id.value === frame.ref) {
            composer.elements.body.value = "";
            composer.elements.client_id.value = newId();
          }
          if (frame.status === "held") showComposerError(t("held", "Your post is waiting for a tutor's approval."));
        }
        break;
      case "error":
        if (frame.ref && sent[frame.ref] !== undefined) delete sent[frame.ref];
        showComposerError(frame.message);
        break;
      case "revoked":
        setState("closed", t("revoked", "You no longer have access to this room. Reload the page."));
        break;
    }
  }

  // Events apply strictly in id order; a gap is filled from the server before going on.
  function receive(frame) {
    if (frame.id <= lastId) return;             // already applied (replay overlap, duplicates)
    pending[frame.id] = frame;
    drain();
    if (!fetching && Object.keys(pending).length && !pending[lastId + 1]) {
      var ids = Object.keys(pending).map(Number).sort(function (a, b) { return a - b; });
      fetching = true;
      send({ type: "fetch", from: lastId + 1, to: Math.min(ids[0] - 1, lastId + 500) });
    }
  }

  function drain() {
    while (pending[lastId + 1]) {
      var frame = pending[lastId + 1];
      delete pending[lastId + 1];
      lastId = frame.id;
      root.dataset.lastId = String(lastId);
      apply(frame);
    }
  }

  function apply(frame) {
    var data = frame.data || {};
    if (frame.kind === "noop") return;
    if (frame.kind.indexOf("post.") === 0 || frame.kind === "reaction") {
      if (data.thread === cfg.thread) upsertPost(data);
      if (frame.kind === "post.created") bumpThreadCount(data.thread, data.status === "visible" ? 1 : 0);
    } else if (frame.kind.indexOf("thread.") === 0) {
      updateThread(frame.kind, data);
    } else if (frame.kind === "space.updated") {
      var note = document.getElementById("slow-mode-notice");
      if (note) note.hidden = !data.slow_mode_seconds;
    }
  }

  var STATUS_TEXT = {
    held: ["held", "Awaiting a tutor's approval."],
    hidden: ["hidden", "Hidden by a moderator."],
    deleted: ["deleted", "Deleted."],
  };

  function upsertPost(data) {
    var el = document.getElementById("post-" + data.post);
    if (!el) {
      el = buildPost(data);
      var empty = postsList.querySelector(".posts__empty");
      if (empty) empty.remove();
      postsList.appendChild(el);
    }
    el.className = "post post--" + data.status;
    el.dataset.status = data.status;
    var status = el.querySelector(".post__status");
    var text = STATUS_TEXT[data.status];
    status.hidden = !text;
    status.textContent = text ? t(text[0], text[1]) : "";
    // The server sanitised this HTML with the one allow-list before it was stored.
    el.querySelector(".post__body").innerHTML = data.html || "";
    var reactions = el.querySelector(".reactions");
    if (reactions) {
      reactions.hidden = data.status !== "visible";
      reactions.querySelectorAll("[data-kind]").forEach(function (button) {
        button.querySelector(".reaction__count").textContent = (data.reactions || {})[button.dataset.kind] || 0;
      });
    }
    toggleTools(el, data.status);
  }

  function buildPost(data) {
    var li = document.createElement("li");
    li.id = "post-" + data.post;
    li.dataset.postId = data.post;
    li.dataset.authorId = data.author && data.author.id ? data.author.id : "";
    var header = document.createElement("header");
    header.className = "post__meta";
    var author = document.createElement("span");
    author.className = "post__author";
    author.textContent = data.author ? data.author.name : "";
    var time = document.createElement("time");
    time.className = "meta";
    time.dateTime = data.created;
    time.textContent = new Date(data.created).toLocaleString(document.documentElement.lang);
    header.append(author, " ", time);
    var status = document.createElement("p");
    status.className = "post__status";
    var body = document.createElement("div");
    body.className = "post__body";
    li.append(header, status, body);
    if (reactionsTemplate) {
      var reactions = reactionsTemplate.content.cloneNode(true);
      reactions.querySelectorAll("form").forEach(function (form) {
        form.action = form.action.replace(/\/posts\/0\//, "/posts/" + data.post + "/");
      });
      li.appendChild(reactions);
    }
    if (toolsTemplate) {
      var tools = toolsTemplate.content.cloneNode(true);
      tools.querySelectorAll("form").forEach(function (form) {
        form.action = form.action.replace(/\/posts\/0\//, "/posts/" + data.post + "/");
      });
      li.appendChild(tools);
    }
    return li;
  }

  function toggleTools(el, status) {
    var show = {
      "tool--approve": status === "held",
      "tool--restore": status === "hidden",
      "tool--hide": status === "visible" || status === "held",
      "tool--delete": status !== "deleted",
      "tool--flag": status === "visible",
    };
    Object.keys(show).forEach(function (cls) {
      el.querySelectorAll("." + cls).forEach(function (node) { node.hidden = !show[cls]; });
    });
  }

  function bumpThreadCount(threadId, by) {
    var item = document.querySelector('#thread-list [data-thread-id="' + threadId + '"] .thread-count');
    if (!item || !by) return;
    var n = (parseInt(item.textContent, 10) || 0) + by;
    item.textContent = n + " " + (n === 1 ? t("post", "post") : t("posts", "posts"));
  }

  function updateThread(kind, data) {
    var list = document.getElementById("thread-list");
    var item = list.querySelector('[data-thread-id="' + data.thread + '"]');
    if (kind === "thread.created" && !item && data.kind !== "passage") {
      item = document.createElement("li");
      item.dataset.threadId = data.thread;
      var a = document.createElement("a");
      a.href = location.pathname.replace(/room\/.*$/, "room/threads/" + data.thread + "/");
      a.textContent = data.title;
      var count = document.createElement("span");
      count.className = "meta thread-count";
      count.textContent = "0 " + t("posts", "posts");
      item.append(a, " ", count);
      list.appendChild(item);
    }
    if (data.thread === cfg.thread && (kind === "thread.locked" || kind === "thread.unlocked")) {
      var locked = kind === "thread.locked";
      if (composer && !cfg.moderator) {
        composer.querySelectorAll("textarea, button").forEach(function (n) { n.disabled = locked; });
      }
      var notice = document.getElementById("locked-notice");
      if (!notice && locked) {
        notice = document.createElement("p");
        notice.id = "locked-notice";
        notice.className = "notice";
        notice.textContent = t("locked", "This thread is locked.");
        document.querySelector(".room__header").appendChild(notice);
      }
      if (notice) notice.hidden = !locked;
    }
  }

  function renderPresence(people) {
    var list = document.getElementById("presence-list");
    if (!list) return;
    list.textContent = "";
    (people || []).forEach(function (person) {
      var li = document.createElement("li");
      li.textContent = person.name;
      list.appendChild(li);
    });
  }

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID().replace(/-/g, "");
    return String(Date.now()) + Math.random().toString(16).slice(2);
  }

  function showComposerError(message) {
    if (!composerError) return;
    composerError.textContent = message;
    composerError.hidden = !message;
  }

  if (composer) {
    composer.addEventListener("submit", function (ev) {
      var body = composer.elements.body.value;
      var clientId = composer.elements.client_id.value || newId();
      composer.elements.client_id.value = clientId;
      showComposerError("");
      // Over the socket when it is open; otherwise the plain form posts (same client id, so no duplicate).
      if (send({ type: "post", thread: cfg.thread, body: body, client_id: clientId })) {
        ev.preventDefault();
        sent[clientId] = body;
      }
    });
  }

  // Reactions and moderation forms: over the socket when open, as plain POSTs otherwise.
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    var action = form.dataset && form.dataset.wsAction;
    if (!action || !socket || socket.readyState !== WebSocket.OPEN) return;
    var li = form.closest("[data-post-id]");
    var frame = { type: action, ref: newId() };
    if (action === "thread_state") {
      frame.thread = parseInt(form.dataset.thread, 10);
      var button = ev.submitter;
      if (!button) return;
      frame[button.name] = button.value === "1";
    } else {
      frame.post = parseInt(li ? li.dataset.postId : form.dataset.post, 10);
      if (action === "react") frame.kind = ev.submitter ? ev.submitter.value : "agree";
      var reason = form.elements.reason;
      if (reason) frame.reason = reason.value;
    }
    ev.preventDefault();
    send(frame);
    var details = form.closest("details");
    if (details) details.open = false;
    if (action === "thread_state") setTimeout(function () { location.reload(); }, 300);
  });

  // The browser knows before the socket does: drop at once when offline, come back when online.
  window.addEventListener("offline", function () {
    if (socket) { socket.onclose = null; socket.close(); clearInterval(heartbeat); }
    setState("reconnecting", t("offline", "Offline — new posts will appear when you reconnect."));
  });
  window.addEventListener("online", function () { attempts = 0; connect(); });

  connect();
})();
