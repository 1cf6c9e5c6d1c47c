// Facilitator page: keep typed text on this device and save it in the background.
// Without this script every form still works with its Save button.
(function () {
  "use strict";
  var PREFIX = "summit-draft:" + location.pathname + ":";
  var DELAY = 2000;
  var RETRY = 20000;
  var banner = document.querySelector(".offline-banner");

  function key(form) { return PREFIX + form.dataset.autosave; }
  function status(form, text) {
    var el = form.querySelector(".autosave-status");
    if (el) { el.textContent = text; }
  }
  function collect(form) {
    var fields = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "hidden" || el.type === "submit") { return; }
      if (el.type === "checkbox") {
        fields[el.name + "=" + el.value] = el.checked;
      } else {
        fields[el.name] = el.value;
      }
    });
    return fields;
  }
  function restore(form, fields) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "hidden" || el.type === "submit") { return; }
      if (el.type === "checkbox") {
        var k = el.name + "=" + el.value;
        if (k in fields) { el.checked = fields[k]; }
      } else if (el.name in fields) {
        el.value = fields[el.name];
      }
    });
  }
  function load(form) {
    try { return JSON.parse(localStorage.getItem(key(form)) || "null"); } catch (e) { return null; }
  }
  function store(form, extra) {
    var draft = Object.assign({ fields: collect(form), at: Date.now(), pending: true }, extra || {});
    try { localStorage.setItem(key(form), JSON.stringify(draft)); } catch (e) { /* storage full: the Save button still works */ }
  }
  function clear(form) { localStorage.removeItem(key(form)); }

  function answer(response) {
    // An error page (a 404, an expired sign-in, a 500) is not JSON: the server did not save.
    return response.json().then(function (data) {
      return { ok: response.ok && data.ok, data: data };
    }, function () {
      return { ok: false, data: null };
    });
  }

  function send(form) {
    if (!form.classList.contains("rec-form")) { return; } // quotes are sent with their button only
    if (!navigator.onLine) { status(form, form.dataset.msgOffline); return; }
    // One request at a time: a second one sent before the first answers would create the new
    // recommendation twice. What is typed meanwhile is sent when the first one answers.
    if (form.sending) { form.sendAgain = true; return; }
    form.sending = true;
    form.sendAgain = false;
    // Not form.action: the form's hidden <input name="action"> hides that property.
    fetch(form.getAttribute("action") || location.pathname, {
      method: "POST", body: new FormData(form), credentials: "same-origin", headers: { "X-Requested-With": "fetch" }
    }).then(answer).then(function (result) {
      if (result.ok) {
        clear(form);
        var id = form.querySelector("input[name=recommendation_id]");
        if (id && !id.value && result.data.id) {
          id.value = result.data.id;
          form.dataset.autosave = form.dataset.autosave.replace(/new$/, String(result.data.id));
        }
        if (form.sendAgain) { store(form); } // text typed meanwhile waits on the device until it is sent too
        status(form, form.dataset.msgSaved + (result.data.reference ? " (" + result.data.reference + ")" : ""));
      } else if (result.data && result.data.errors) {
        status(form, form.dataset.msgRefused + " " + result.data.errors.join(" "));
      } else {
        status(form, form.dataset.msgFailed);
      }
    }, function () {
      if (navigator.onLine) {
        status(form, form.dataset.msgUnreachable);
        clearTimeout(form.retry);
        form.retry = setTimeout(function () { send(form); }, RETRY);
      } else {
        status(form, form.dataset.msgOffline); // sent again by the "online" event
      }
    }).then(function () {
      form.sending = false;
      if (form.sendAgain) { send(form); }
    });
  }

  var forms = document.querySelectorAll("form[data-autosave]");
  var saved = new URLSearchParams(location.search).get("saved") === "1";
  Array.prototype.forEach.call(forms, function (form) {
    var messages = document.getElementById("autosave-messages");
    ["saved", "offline", "refused", "failed", "unreachable", "restored"].forEach(function (name) {
      form.dataset["msg" + name.charAt(0).toUpperCase() + name.slice(1)] = messages ? messages.dataset[name] : name;
    });
    var draft = load(form);
    if (draft && draft.submitting && saved) {
      clear(form);
    } else if (draft) {
      restore(form, draft.fields);
      status(form, form.dataset.msgRestored);
      if (draft.pending) { send(form); }
    }
    var timer = null;
    form.addEventListener("input", function () {
      store(form);
      clearTimeout(timer);
      timer = setTimeout(function () { send(form); }, DELAY);
    });
    form.addEventListener("submit", function (event) {
      if (!navigator.onLine) {
        event.preventDefault();
        store(form);
        status(form, form.dataset.msgOffline);
        return;
      }
      store(form, { submitting: true });
    });
  });

  function onlineChanged() {
    if (banner) { banner.hidden = navigator.onLine; }
    if (navigator.onLine) {
      Array.prototype.forEach.call(forms, function (form) {
        var draft = load(form);
        if (draft && draft.pending) { send(form); }
      });
    }
  }
  window.addEventListener("online", onlineChanged);
  window.addEventListener("offline", onlineChanged);
  onlineChanged();
})();
