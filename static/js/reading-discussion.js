// Passage-by-passage discussion on a cohort reading: live comments, counts and moderation
// over the cohort's space socket; glossary popovers; deep links to passages and comments.
(function () {
  "use strict";
  var article = document.querySelector("article.reading--discussed");
  if (!article || !window.WebSocket || !window.LegisSpaceSocket) return;
  var Posts = window.LegisPosts;
  var gettext = window.gettext || function (s) { return s; };
  var ngettext = window.ngettext || function (s, p, n) { return n === 1 ? s : p; };
  var interpolate = window.interpolate || function (f, a) { return f.replace("%s", a[0]); };
  var anchorKey = article.dataset.anchorKey;
  var sent = {};

  function detailsForThread(threadId) {
    return article.querySelector('.passage-discussion[data-thread="' + threadId + '"]');
  }

  function setCount(details) {
    var visible = details.querySelectorAll('.passage-posts .post[data-status="visible"]').length;
    var count = details.querySelector(".discuss__count");
    count.textContent = visible;
    count.setAttribute("aria-label", interpolate(ngettext("%s comment", "%s comments", visible), [visible]));
  }

  var space = new window.LegisSpaceSocket({
    path: article.dataset.wsPath,
    lastId: parseInt(article.dataset.lastId, 10) || 0,
    on: {
      state: function (name) { article.dataset.connection = name; },
      event: function (frame) {
        var data = frame.data || {};
        if (frame.kind === "thread.created" && data.anchor_key === anchorKey) {
          var details = article.querySelector('.passage-discussion[data-block="' + data.anchor_block + '"]');
          if (details) details.dataset.thread = data.thread;
          return;
        }
        if (frame.kind.indexOf("post.") === 0 || frame.kind === "reaction") {
          var target = detailsForThread(data.thread);
          if (!target) return;
          Posts.upsert(target.querySelector(".passage-posts"), data, "c-");
          setCount(target);
        } else if (frame.kind === "thread.locked" || frame.kind === "thread.unlocked") {
          var passage = detailsForThread(data.thread);
          if (!passage) return;
          passage.toggleAttribute("data-thread-locked", frame.kind === "thread.locked");
          Posts.configure({});  // a locked thread's comments lose "Edit" and "Delete"
        }
      },
      ack: function (frame) {
        var form = sent[frame.ref];
        if (!form) return;
        delete sent[frame.ref];
        form.elements.body.value = "";
        form.elements.client_id.value = window.LegisSpaceSocket.newId();
        if (frame.status === "held") showError(form, gettext("Your comment is waiting for a tutor's approval."));
      },
      ok: function (frame) { Posts.handleReply(frame); },
      error: function (frame) {
        if (Posts.handleReply(frame)) return;
        var form = sent[frame.ref];
        if (form) { delete sent[frame.ref]; showError(form, frame.message); }
      },
    },
  });

  function showError(form, message) {
    var box = form.querySelector(".form-errors");
    if (!box) return;
    box.textContent = message || "";
    box.hidden = !message;
  }

  article.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!form.matches("[data-passage-form]")) return;
    var details = form.closest(".passage-discussion");
    var clientId = form.elements.client_id.value;
    showError(form, "");
    var frame = {
      type: "passage_post",
      reading: parseInt(article.dataset.reading, 10),
      block: details.dataset.block,
      body: form.elements.body.value,
      client_id: clientId,
      language: article.dataset.language || "",
    };
    if (space.send(frame)) {
      ev.preventDefault();
      sent[clientId] = form;
    }
  });
  // Who is looking: the discussions are cached and shared by every viewer, so the page says it
  // and the script shows "Edit" and "Delete" on the viewer's own comments.
  Posts.configure({
    user: article.dataset.user,
    moderator: article.dataset.canModerate === "1",
    canPost: article.dataset.canPost === "1",
  });
  Posts.interceptEdits(space);
  Posts.interceptForms(space);

  // Deep links: #p-<block> is highlighted by CSS; #c-<post> opens its passage's thread.
  function openFromHash() {
    var id = decodeURIComponent(location.hash.slice(1));
    if (!id) return;
    var target = document.getElementById(id);
    if (!target) return;
    var details = target.closest("details.passage-discussion");
    if (details) details.open = true;
    target.scrollIntoView({ block: "center" });
    if (id.indexOf("c-") === 0) target.classList.add("is-target");
  }
  window.addEventListener("hashchange", openFromHash);
  openFromHash();

  space.connect();
})();
