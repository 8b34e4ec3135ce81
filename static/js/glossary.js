// Glossary popovers: a term link opens its definition beside the text. The popover is
// focusable, announced (role=dialog with a label), closed by Escape or by moving away,
// and focus returns to the link. Without JavaScript the link goes to the term's page.
(function () {
  "use strict";
  var data = document.getElementById("glossary-terms");
  if (!data) return;
  var terms = JSON.parse(data.textContent);
  var gettext = window.gettext || function (s) { return s; };
  var open = null;

  function close(restoreFocus) {
    if (!open) return;
    var link = open.link;
    open.box.remove();
    link.setAttribute("aria-expanded", "false");
    open = null;
    if (restoreFocus) link.focus();
  }

  function show(link) {
    var term = terms[link.dataset.term];
    if (!term) return false;
    close(false);
    var box = document.createElement("div");
    var id = "glossary-popover-" + link.dataset.term;
    box.id = id;
    box.className = "glossary-popover";
    box.setAttribute("role", "dialog");
    box.setAttribute("aria-labelledby", id + "-title");
    box.tabIndex = -1;
    var title = document.createElement("p");
    title.className = "glossary-popover__term";
    title.id = id + "-title";
    title.textContent = term.term;
    var definition = document.createElement("p");
    definition.textContent = term.definition;
    var more = document.createElement("a");
    more.href = term.url;
    more.textContent = gettext("Full glossary entry");
    var closeButton = document.createElement("button");
    closeButton.type = "button";
    closeButton.className = "glossary-popover__close secondary";
    closeButton.setAttribute("aria-label", gettext("Close"));
    closeButton.textContent = "×";
    closeButton.addEventListener("click", function () { close(true); });
    box.append(closeButton, title, definition, more);
    link.insertAdjacentElement("afterend", box);
    link.setAttribute("aria-expanded", "true");
    link.setAttribute("aria-controls", id);
    open = { box: box, link: link };
    box.focus();
    return true;
  }

  document.addEventListener("click", function (ev) {
    var link = ev.target.closest("a.term-link");
    if (link) {
      if (show(link)) ev.preventDefault();
      return;
    }
    if (open && !open.box.contains(ev.target)) close(false);
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape" && open) { ev.preventDefault(); close(true); }
  });
  document.querySelectorAll("a.term-link").forEach(function (link) {
    link.setAttribute("aria-haspopup", "dialog");
    link.setAttribute("aria-expanded", "false");
  });
})();
