// The cohort room: live posts, presence and moderation over the space socket.
// The page works without this script (plain forms).
(function () {
  "use strict";
  var root = document.querySelector("[data-room]");
  if (!root || !window.WebSocket || !window.LegisSpaceSocket) return;
  var Posts = window.LegisPosts;
  var gettext = window.gettext || function (s) { return s; };
  var ngettext = window.ngettext || function (s, p, n) { return n === 1 ? s : p; };
  var interpolate = window.interpolate || function (f, a) { return f.replace("%s", a[0]); };
  var thread = parseInt(root.dataset.thread, 10);
  var moderator = root.dataset.canModerate === "1";
  var postsList = document.getElementById("posts");
  var stateEl = document.getElementById("connection-state");
  var composer = document.getElementById("composer");
  var composerError = document.getElementById("composer-error");
  var sent = {};
  var STATES = {
    connecting: gettext("Connecting…"),
    live: gettext("Live"),
    reconnecting: gettext("Connection lost — reconnecting…"),
    offline: gettext("Offline — new posts will appear when you reconnect."),
    revoked: gettext("You no longer have access to this room. Reload the page."),
  };

  function showError(message) {
    if (!composerError) return;
    composerError.textContent = message || "";
    composerError.hidden = !message;
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

  function bumpThreadCount(threadId) {
    var item = document.querySelector('#thread-list [data-thread-id="' + threadId + '"] .thread-count');
    if (!item) return;
    var n = (parseInt(item.textContent, 10) || 0) + 1;
    item.textContent = interpolate(ngettext("%s post", "%s posts", n), [n]);
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
      count.textContent = interpolate(ngettext("%s post", "%s posts", 0), [0]);
      item.append(a, " ", count);
      list.appendChild(item);
    }
    if (data.thread === thread && (kind === "thread.locked" || kind === "thread.unlocked")) {
      var locked = kind === "thread.locked";
      if (composer && !moderator) {
        composer.querySelectorAll("textarea, button").forEach(function (n) { n.disabled = locked; });
      }
      var notice = document.getElementById("locked-notice");
      if (!notice && locked) {
        notice = document.createElement("p");
        notice.id = "locked-notice";
        notice.className = "notice";
        notice.textContent = gettext("This thread is locked.");
        document.querySelector(".room__header").appendChild(notice);
      }
      if (notice) notice.hidden = !locked;
      Posts.configure({ locked: locked });
    }
  }

  var space = new window.LegisSpaceSocket({
    path: root.dataset.wsPath,
    lastId: parseInt(root.dataset.lastId, 10) || 0,
    on: {
      state: function (name) {
        if (!stateEl) return;
        stateEl.dataset.state = name;
        stateEl.textContent = STATES[name];
      },
      presence: function (frame) { renderPresence(frame.online); },
      event: function (frame) {
        var data = frame.data || {};
        if (frame.kind.indexOf("post.") === 0 || frame.kind === "reaction") {
          if (data.thread === thread) Posts.upsert(postsList, data, "post-");
          if (frame.kind === "post.created" && data.status === "visible") bumpThreadCount(data.thread);
        } else if (frame.kind.indexOf("thread.") === 0) {
          updateThread(frame.kind, data);
        } else if (frame.kind === "space.updated") {
          var note = document.getElementById("slow-mode-notice");
          if (note) note.hidden = !data.slow_mode_seconds;
        }
      },
      ack: function (frame) {
        if (!frame.ref || sent[frame.ref] === undefined) return;
        delete sent[frame.ref];
        if (composer && composer.elements.client_id.value === frame.ref) {
          composer.elements.body.value = "";
          composer.elements.client_id.value = window.LegisSpaceSocket.newId();
        }
        if (frame.status === "held") showError(gettext("Your post is waiting for a tutor's approval."));
      },
      ok: function (frame) { Posts.handleReply(frame); },
      error: function (frame) {
        if (Posts.handleReply(frame)) return;
        if (frame.ref) delete sent[frame.ref];
        showError(frame.message);
      },
    },
  });

  if (composer) {
    composer.addEventListener("submit", function (ev) {
      var clientId = composer.elements.client_id.value || window.LegisSpaceSocket.newId();
      composer.elements.client_id.value = clientId;
      showError("");
      // Over the socket when it is open; otherwise the plain form posts (same client id: no duplicate).
      if (space.send({ type: "post", thread: thread, body: composer.elements.body.value, client_id: clientId })) {
        ev.preventDefault();
        sent[clientId] = true;
      }
    });
  }
  var lockedNotice = document.getElementById("locked-notice");
  Posts.configure({
    user: root.dataset.user,
    moderator: moderator,
    locked: !!lockedNotice && !lockedNotice.hidden,
    canPost: !!composer,
  });
  Posts.interceptEdits(space);
  Posts.interceptForms(space, function (action) {
    if (action === "thread_state") setTimeout(function () { location.reload(); }, 300);
  });
  space.connect();
})();
