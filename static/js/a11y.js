/* Version for the visually impaired: apply the panel's choices at once, without a reload.
   The panel is a plain GET form that works without this script; here each press asks the
   same address for JSON instead, which also sets the cookie, and the page takes the
   classes the server computed. If anything goes wrong, the browser follows the link. */
(function () {
  "use strict";

  var panel = document.getElementById("a11y-panel");
  if (!panel || !window.fetch || !window.URLSearchParams) {
    return;
  }
  var form = panel.querySelector("form");
  var controls = document.getElementById("a11y-controls");
  var toggle = panel.querySelector(".a11y-panel__toggle");
  var root = document.documentElement;
  var queue = Promise.resolve();

  function apply(state) {
    Array.prototype.slice.call(root.classList).forEach(function (name) {
      if (name.indexOf("a11y-") === 0) {
        root.classList.remove(name);
      }
    });
    state.classes.forEach(function (name) {
      root.classList.add(name);
    });
    form.querySelectorAll("button[aria-pressed]").forEach(function (button) {
      var pressed = state.choices[button.name] === button.value;
      button.setAttribute("aria-pressed", pressed ? "true" : "false");
    });
    var focusWasInside = controls.contains(document.activeElement);
    controls.hidden = !state.panelOpen;
    toggle.setAttribute("aria-expanded", state.panelOpen ? "true" : "false");
    toggle.value = state.panelOpen ? "closed" : "open";
    if (!state.panelOpen && focusWasInside) {
      toggle.focus();
    }
  }

  form.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (!button || !button.name) {
      return;
    }
    event.preventDefault();
    var query = new URLSearchParams();
    query.set(button.name, button.value);
    query.set("next", form.elements.next.value);
    var url = form.action + "?" + query.toString();
    // One request at a time: each builds on the cookie the previous one set.
    queue = queue.then(function () {
      return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(response.status);
          }
          return response.json();
        })
        .then(apply)
        .catch(function () {
          window.location.assign(url);
        });
    });
  });
})();
