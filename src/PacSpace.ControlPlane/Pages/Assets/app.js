// Progressive enhancement only: every page works without this file (forms post and redirect).
// 1. Live environment status while an activation runs. 2. Copy buttons. 3. Live data blocks while data is pending.
(function () {
  "use strict";
  const labels = { active: "Active", activating: "Activating…", failed: "Failed", none: "Not active" };
  const statusUrl = "/dashboard/environments/environment-status";

  function apply(env, state) {
    const status = state.status;
    document.querySelectorAll('[data-env-status="' + env + '"]').forEach(function (el) {
      el.textContent = labels[status] || status;
      el.dataset.status = status;
      el.className = el.className.replace(/\bstatus-\S+/g, "").trim() + " status-" + status;
    });
    document.querySelectorAll('[data-env="' + env + '"][data-show-when]').forEach(function (el) {
      el.hidden = el.dataset.showWhen.split(" ").indexOf(status) < 0;
    });
    document.querySelectorAll('[data-env-error="' + env + '"]').forEach(function (el) {
      el.textContent = state.error || "";
    });
    document.querySelectorAll('[data-done-env="' + env + '"]').forEach(function (li) {
      const done = status === "active";
      li.dataset.done = String(done);
      li.classList.toggle("done", done);
      li.classList.toggle("todo", !done);
      const tick = li.querySelector(".tick");
      if (tick) tick.textContent = done ? "✓" : "";
      const state = li.querySelector(".state");
      if (state) state.textContent = done ? "Done: " : "To do: ";
    });
  }

  function activating() {
    return document.querySelector('[data-env-status][data-status="activating"]') !== null;
  }

  function poll() {
    if (!activating()) return;
    fetch(statusUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (body) {
        if (body && body.success && body.data) {
          apply("sandbox", body.data.sandbox);
          apply("production", body.data.production);
        }
      })
      .catch(function () { /* try again on the next tick */ })
      .finally(function () { if (activating()) setTimeout(poll, 1000); });
  }

  function copyButtons() {
    document.querySelectorAll("button[data-copy]").forEach(function (button) {
      if (!navigator.clipboard) return;
      button.hidden = false;
      button.addEventListener("click", function () {
        const target = document.getElementById(button.dataset.copy);
        navigator.clipboard.writeText(target ? target.textContent.trim() : "").then(function () {
          button.textContent = "Copied";
          setTimeout(function () { button.textContent = "Copy"; }, 2000);
        });
      });
    });
  }

  // 3. Data still on its way (a queued delta waiting for its signed head): the page is read again every 2 s and each
  //    [data-live] block whose content changed is swapped for its new version, until none is pending (at most 5 min).
  function pendingLive() {
    return document.querySelector('[data-live][data-pending="true"]') !== null;
  }

  function refreshLive(left) {
    if (!pendingLive() || left <= 0) return;
    fetch(location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html) return;
        const fresh = new DOMParser().parseFromString(html, "text/html");
        document.querySelectorAll("[data-live][id]").forEach(function (el) {
          const next = fresh.getElementById(el.id);
          if (next && next.hasAttribute("data-live") && next.outerHTML !== el.outerHTML) {
            el.replaceWith(document.importNode(next, true));
          }
        });
      })
      .catch(function () { /* try again on the next tick */ })
      .finally(function () { setTimeout(function () { refreshLive(left - 1); }, 2000); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    copyButtons();
    if (activating()) setTimeout(poll, 1000);
    if (pendingLive()) setTimeout(function () { refreshLive(150); }, 2000);
  });
})();
