// The "Make it yours" form without pressing "Show the preview": a moment after the typing
// stops, the first page is drawn again. The form works the same without this script.
(function () {
  "use strict";
  var form = document.querySelector("form[data-preview]");
  if (!form || !window.fetch || !window.URLSearchParams) {
    return;
  }
  var image = document.getElementById("preview-image");
  var status = document.getElementById("preview-status");
  var timer = null;
  var controller = null;
  var shown = null;
  var sequence = 0;

  function showProblems(problems) {
    var marked = {};
    problems.forEach(function (problem) {
      marked[problem.field] = problem.message;
    });
    form.querySelectorAll("[data-error-for]").forEach(function (element) {
      var name = element.getAttribute("data-error-for");
      var field = form.querySelector('[name="' + name + '"]');
      var wrapper = element.closest(".field");
      if (Object.prototype.hasOwnProperty.call(marked, name)) {
        element.textContent = marked[name];
        element.hidden = false;
        if (field) { field.setAttribute("aria-invalid", "true"); }
        if (wrapper) { wrapper.classList.add("has-error"); }
      } else {
        element.textContent = "";
        element.hidden = true;
        if (field) { field.removeAttribute("aria-invalid"); }
        if (wrapper) { wrapper.classList.remove("has-error"); }
      }
    });
  }

  function refresh() {
    if (controller) { controller.abort(); }
    controller = window.AbortController ? new AbortController() : null;
    var mine = ++sequence;
    var body = new URLSearchParams(new FormData(form));
    body.set("action", "preview");
    status.textContent = form.getAttribute("data-working");
    fetch(form.getAttribute("data-preview"), {
      method: "POST",
      body: body,
      credentials: "same-origin",
      signal: controller ? controller.signal : undefined
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (response.ok && type.indexOf("image/png") === 0) {
        return response.blob().then(function (blob) {
          if (mine !== sequence) { return; }
          var address = URL.createObjectURL(blob);
          image.src = address;
          image.hidden = false;
          if (shown) { URL.revokeObjectURL(shown); }
          shown = address;
          showProblems([]);
          status.textContent = form.getAttribute("data-updated");
        });
      }
      if (type.indexOf("application/json") === 0) {
        return response.json().then(function (answer) {
          if (mine !== sequence) { return; }
          showProblems(answer.problems || []);
          status.textContent = answer.summary || form.getAttribute("data-failed");
        });
      }
      status.textContent = form.getAttribute("data-failed");
    }).catch(function (error) {
      if (error && error.name === "AbortError") { return; }
      status.textContent = form.getAttribute("data-failed");
    });
  }

  form.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 600);
  });
})();
