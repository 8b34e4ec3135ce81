/* Legis: mark a cohort reading as read once the reader reaches its end.
 *
 * Progressive enhancement only: the "Mark as read" form works without this script.
 * When the end of the text has been on screen and the page has been open long enough
 * to have been read (data-min-seconds), the form is sent in the background.
 */
(function () {
  "use strict";
  var form = document.querySelector("form[data-mark-read]");
  var end = document.getElementById("reading-end");
  if (!form || !end || !("IntersectionObserver" in window) || !window.fetch) {
    return;
  }
  var minSeconds = parseInt(form.getAttribute("data-min-seconds") || "30", 10);
  var openedAt = Date.now();
  var sent = false;
  var endVisible = false;
  var timer = null;

  function send() {
    if (sent) {
      return;
    }
    sent = true;
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        var status = document.getElementById("mark-read-status");
        var note = document.createElement("p");
        note.className = "read-state read-state--done";
        note.textContent = "\u2713 " + form.getAttribute("data-done-text");
        status.replaceChildren(note);
      })
      .catch(function () {
        sent = false; // the button is still there; the reader can press it
      });
  }

  function maybeSend() {
    if (!endVisible) {
      return;
    }
    var waited = (Date.now() - openedAt) / 1000;
    if (waited >= minSeconds) {
      send();
    } else if (!timer) {
      timer = window.setTimeout(function () {
        timer = null;
        maybeSend();
      }, (minSeconds - waited) * 1000 + 50);
    }
  }

  new IntersectionObserver(function (entries) {
    endVisible = entries.some(function (entry) {
      return entry.isIntersecting;
    });
    maybeSend();
  }).observe(end);
})();
