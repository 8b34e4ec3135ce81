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
    fragment.querySelectorAll("a[href]").forEach(function (link) {
      link.href = link.href.replace(/\/posts\/0\//, "/posts/" + postId + "/");
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
    var edited = document.createElement("span");
    edited.className = "meta post__edited";
    edited.textContent = gettext("(edited)");
    edited.hidden = true;
    header.append(author, " ", time, " ", edited);
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

  // Who is looking (set by the page's script): the author's own tools follow the same rule as
  // forums.policies.can_edit_post_now; the server checks again on every edit and delete.
  var viewer = { user: "", moderator: false, locked: false, canPost: false };

  function configure(options) {
    Object.keys(options).forEach(function (k) { viewer[k] = options[k]; });
    document.querySelectorAll("[data-post-id]").forEach(function (el) {
      if (el.dataset.status && el.dataset.authorId !== undefined) toggleTools(el, el.dataset.status);
    });
  }

  function toggleTools(el, status) {
    // A reading page holds one thread per passage: its lock is marked on the passage's element.
    var locked = viewer.locked || !!el.closest("[data-thread-locked]");
    var own = viewer.canPost && !!viewer.user && el.dataset.authorId === String(viewer.user) &&
      status !== "deleted" && (!locked || viewer.moderator);
    var show = {
      "tool--own": own,
      "tool--approve": status === "held",
      "tool--restore": status === "hidden",
      "tool--hide": status === "visible" || status === "held",
      "tool--delete": status !== "deleted",
      "tool--flag": status === "visible" && !(viewer.user && el.dataset.authorId === String(viewer.user)),
    };
    if (own && !el.querySelector(".tool--own")) {
      // Reading pages carry the author's tools once (#own-tools-template), not in every comment.
      var tools = fromTemplate("own-tools-template", el.dataset.postId);
      if (tools) el.appendChild(tools);
    }
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
    if (data.author) el.dataset.authorId = data.author.id === null ? "" : String(data.author.id);
    var edited = el.querySelector(".post__edited");
    if (!edited && data.edited) {
      edited = document.createElement("span");
      edited.className = "meta post__edited";
      edited.textContent = gettext("(edited)");
      el.querySelector(".post__meta").append(" ", edited);
    }
    if (edited) edited.hidden = !data.edited;
    if (data.status === "deleted") closeEditor(el);
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
      if (li) acting[frame.ref] = li;
      var details = form.closest("details.tool");
      if (details) details.open = false;
      if (extra) extra(action, frame);
    });
  }

  // ---- Editing one's own post in place --------------------------------------------------------
  // "Edit" is a link to the plain edit page; with the socket open it opens an editor in the post
  // instead, with the Markdown source asked from that same page (served to the author only).
  var editing = {};  // ref of a sent "edit" frame -> the post element

  function closeEditor(el, keepFocus) {
    var editor = el.querySelector(".post-editor");
    if (!editor) return;
    editor.remove();
    el.querySelector(".post__body").hidden = false;
    var link = el.querySelector("[data-edit-post]");
    if (keepFocus && link) link.focus();
  }

  function openEditor(el, link, source, space) {
    var postId = el.dataset.postId;
    var form = document.createElement("form");
    form.className = "post-editor stack-form";
    form.noValidate = true;
    var label = document.createElement("label");
    label.htmlFor = "edit-body-" + postId;
    label.textContent = gettext("Edit your post");
    var area = document.createElement("textarea");
    area.id = "edit-body-" + postId;
    area.name = "body";
    area.rows = 5;
    area.value = source;
    var error = document.createElement("p");
    error.className = "form-errors";
    error.id = "edit-error-" + postId;
    error.setAttribute("role", "alert");
    error.hidden = true;
    area.setAttribute("aria-describedby", error.id);
    var row = document.createElement("div");
    row.className = "button-row";
    var save = document.createElement("button");
    save.type = "submit";
    save.textContent = gettext("Save");
    var cancel = document.createElement("button");
    cancel.type = "button";
    cancel.className = "secondary";
    cancel.textContent = gettext("Cancel");
    row.append(save, " ", cancel);
    form.append(label, area, error, row);
    var body = el.querySelector(".post__body");
    body.hidden = true;
    body.after(form);
    area.focus();

    cancel.addEventListener("click", function () { closeEditor(el, true); });
    form.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape") { ev.preventDefault(); closeEditor(el, true); }
    });
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      error.hidden = true;
      var ref = window.LegisSpaceSocket.newId();
      if (!space.send({ type: "edit", post: parseInt(postId, 10), body: area.value, ref: ref })) {
        showEditError(el, gettext("Not connected. Your text is kept: try again in a moment."));
        return;
      }
      editing[ref] = el;
      save.disabled = true;
    });
  }

  function showEditError(el, message) {
    var editor = el.querySelector(".post-editor");
    if (!editor) return;
    var error = editor.querySelector(".form-errors");
    error.textContent = message;
    error.hidden = false;
    editor.querySelector("button[type=submit]").disabled = false;
    editor.querySelector("textarea").focus();
  }

  function interceptEdits(space) {
    document.addEventListener("click", function (ev) {
      var link = ev.target.closest && ev.target.closest("[data-edit-post]");
      if (!link || !space.isOpen()) return;  // no socket: the link opens the edit page
      var el = link.closest("[data-post-id]");
      if (!el) return;
      ev.preventDefault();
      if (el.querySelector(".post-editor")) { el.querySelector(".post-editor textarea").focus(); return; }
      fetch(link.href, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.json();
        })
        .then(function (data) { openEditor(el, link, data.body, space); })
        .catch(function () { window.location.href = link.href; });
    });
  }

  // Answers to "edit" frames: `ok` closes the editor (the post.edited event brings the new text
  // to everyone, this page included); `error` is shown in the editor, with the text kept.
  // Returns true when the frame was an answer to an edit.
  // ref of a sent action on a post (delete, react, flag, hide, ...) -> the post element, so a
  // refusal is said next to the post it concerns rather than lost.
  var acting = {};

  function showActionError(el, message) {
    var note = el.querySelector(".post__error");
    if (!note) {
      note = document.createElement("p");
      note.className = "form-errors post__error";
      note.setAttribute("role", "alert");
      el.appendChild(note);
    }
    note.textContent = message;
  }

  function handleReply(frame) {
    var el = frame.ref && editing[frame.ref];
    if (el) {
      delete editing[frame.ref];
      if (frame.type === "ok") closeEditor(el, true);
      else showEditError(el, frame.message);
      return true;
    }
    el = frame.ref && acting[frame.ref];
    if (!el) return false;
    delete acting[frame.ref];
    var note = el.querySelector(".post__error");
    if (frame.type === "ok") { if (note) note.remove(); } else showActionError(el, frame.message);
    return true;
  }

  window.LegisPosts = {
    upsert: upsert,
    interceptForms: interceptForms,
    interceptEdits: interceptEdits,
    handleReply: handleReply,
    configure: configure,
  };
})();
