/* A minimal host LMS around scorm-again's SCORM 1.2 runtime: it restores what the last
   session committed (GET /state), commits to POST /commit, then launches the package. */
(function () {
  "use strict";
  var request = new XMLHttpRequest();
  request.open("GET", "/state", false);
  request.send();
  var saved = JSON.parse(request.responseText || "{}");
  window.API = new Scorm12API({ lmsCommitUrl: "/commit", autocommit: false, logLevel: 4 });
  if (saved.cmi && saved.cmi.core) {
    window.API.loadFromJSON({
      core: {
        lesson_location: saved.cmi.core.lesson_location || "",
        lesson_status: saved.cmi.core.lesson_status || "not attempted",
      },
      suspend_data: saved.cmi.suspend_data || "",
    });
  }
  window.addEventListener("DOMContentLoaded", function () {
    document.getElementById("sco").src = "/pkg/index.html";
  });
})();
