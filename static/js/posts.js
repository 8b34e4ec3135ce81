// Rendering of posts arriving over the socket, shared by the room and reading pages.
// Post HTML was sanitised on the server against the one allow-list before it was stored.
(function () {
  "use strict";
  var gettext = window.gettext || function (s) { return s; };

  var STATUS_TEXT = {
    held: gettext("Awaiting a tutor's approval."),
    hidden: gettext("Hidden by a moderator."),
    deleted: gettext("Deleted."),
  };

  function fromTemplate(id, postId) {
    var template = document.getElementById(id);
    if (!template) return null;
    var fragment = template.content.cloneNode(true);
    fragment.querySelectorAll("form").forEach(function (form) {
      form.action = form.action.replace(/\/posts\/0\//, "/posts/" + postId + "/");
    });
    return fragment;
  }

  function build(data, idPrefix) {
    var li = document.createElement("li");
    li.id = idPrefix + data.post;
    li.dataset.postId = data.post;
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
    ["post-reactions-template", "post-tools-template"].forEach(function (id) {
      var part = fromTemplate(id, data.post);
      if (part) li.appendChild(part);
    });
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

  // Insert or update a post in `list`; returns the element.
  function upsert(list, data, idPrefix) {
    var el = document.getElementById(idPrefix + data.post);
    if (!el) {
      el = build(data, idPrefix);
      var empty = list.querySelector(".posts__empty");
      if (empty) empty.remove();
      list.appendChild(el);
    }
    el.className = "post post--" + data.status + (data.notable ? " post--notable" : "");
    el.dataset.status = data.status;
    var status = el.querySelector(".post__status");
    var text = STATUS_TEXT[data.status];
    status.hidden = !text;
    status.textContent = text || "";
    el.querySelector(".post__body").innerHTML = data.html || "";
    var reactions = el.querySelector(".reactions");
    if (reactions) {
      reactions.hidden = data.status !== "visible";
      reactions.querySelectorAll("[data-kind]").forEach(function (button) {
        button.querySelector(".reaction__count").textContent = (data.reactions || {})[button.dataset.kind] || 0;
      });
    }
    toggleTools(el, data.status);
    return el;
  }

  // Reactions and moderation forms go over the socket when it is open, as plain POSTs otherwise.
  function interceptForms(space, extra) {
    document.addEventListener("submit", function (ev) {
      var form = ev.target;
      var action = form.dataset && form.dataset.wsAction;
      if (!action || !space.isOpen()) return;
      var frame = { type: action, ref: window.LegisSpaceSocket.newId() };
      var li = form.closest("[data-post-id]");
      if (action === "thread_state") {
        if (!ev.submitter) return;
        frame.thread = parseInt(form.dataset.thread, 10);
        frame[ev.submitter.name] = ev.submitter.value === "1";
      } else {
        frame.post = parseInt(li ? li.dataset.postId : form.dataset.post, 10);
        if (action === "react") frame.kind = ev.submitter ? ev.submitter.value : "agree";
        if (form.elements.reason) frame.reason = form.elements.reason.value;
      }
      ev.preventDefault();
      space.send(frame);
      var details = form.closest("details.tool");
      if (details) details.open = false;
      if (extra) extra(action, frame);
    });
  }

  window.LegisPosts = { upsert: upsert, interceptForms: interceptForms };
})();
