/* Door check-in page. No inline script: the page passes its URLs and translated strings in the
   JSON script tag #door-config. Online, every scan goes to the server (which locks and decides).
   When the network fails, scans are decided against the door list saved at sign-in (SHA-256 of
   each badge code, short name, group, status), shown as "admitted (offline)", queued, and sent
   when the connection returns; the server accepts them, first scan wins, and flags conflicts. */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("door-config").textContent);
  var S = config.strings;
  var LIST_KEY = "summit-door-list:" + config.slug + ":" + config.user;
  var QUEUE_KEY = "summit-door-queue:" + config.slug + ":" + config.user;
  var SOUND_KEY = "summit-door-sound";
  var REQUEST_TIMEOUT_MS = 4000;
  var UNDO_MS = 2 * 60 * 1000;

  function $(id) { return document.getElementById(id); }
  function fmt(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, key) { return values[key] == null ? "" : values[key]; });
  }
  function normalize(text) { return (text || "").replace(/\s+/g, "").toUpperCase(); }
  function newNonce() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }
  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) { return decodeURIComponent(match[1]); }
    var field = document.querySelector("#sign-out input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }
  async function sha256hex(text) {
    var bytes = new TextEncoder().encode(text);
    var digest = await crypto.subtle.digest("SHA-256", bytes);
    return Array.from(new Uint8Array(digest)).map(function (b) { return b.toString(16).padStart(2, "0"); }).join("");
  }

  /* ---------- storage: door list and offline queue ---------- */
  function loadList() {
    try {
      var raw = localStorage.getItem(LIST_KEY);
      if (!raw) { return null; }
      var list = JSON.parse(raw);
      if (!list.expires_at || new Date(list.expires_at) <= new Date()) {
        localStorage.removeItem(LIST_KEY);
        return null;
      }
      return list;
    } catch (e) { return null; }
  }
  function saveList(list) {
    try { localStorage.setItem(LIST_KEY, JSON.stringify(list)); } catch (e) { /* storage full: stay online-only */ }
  }
  function loadQueue() {
    try { return JSON.parse(localStorage.getItem(QUEUE_KEY) || "[]"); } catch (e) { return []; }
  }
  function saveQueue(queue) {
    localStorage.setItem(QUEUE_KEY, JSON.stringify(queue));
    renderQueue();
  }
  function clearDeviceData() {
    Object.keys(localStorage).forEach(function (key) {
      if (key.indexOf("summit-door-list:") === 0 || key.indexOf("summit-door-queue:") === 0) {
        localStorage.removeItem(key);
      }
    });
  }
  // Door lists of other accounts or of ended summits never linger on a shared device.
  Object.keys(localStorage).forEach(function (key) {
    if (key.indexOf("summit-door-list:") === 0 && key !== LIST_KEY) {
      try {
        var other = JSON.parse(localStorage.getItem(key));
        if (!other.expires_at || new Date(other.expires_at) <= new Date()) { localStorage.removeItem(key); }
      } catch (e) { localStorage.removeItem(key); }
    }
  });

  /* ---------- network ---------- */
  async function request(url, options) {
    var controller = new AbortController();
    var timer = setTimeout(function () { controller.abort(); }, REQUEST_TIMEOUT_MS);
    options = options || {};
    options.signal = controller.signal;
    options.credentials = "same-origin";
    options.headers = Object.assign({ "Accept": "application/json" }, options.headers || {});
    try { return await fetch(url, options); } finally { clearTimeout(timer); }
  }
  function postJSON(url, data) {
    return request(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(data),
    });
  }

  var online = navigator.onLine !== false;
  function setOnline(value) {
    online = value;
    var list = loadList();
    $("net").textContent = value ? S.online : (list ? S.offline : S.noList);
    $("net").className = "net " + (value ? "net-online" : "net-offline");
  }

  /* ---------- the answer ---------- */
  var audio = null;
  function beep(kind) {
    if (!$("sound").checked) { return; }
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      var tones = { ok: [[880, 0.12], [1320, 0.12]], warn: [[440, 0.25]], bad: [[220, 0.5]] }[kind];
      var at = audio.currentTime;
      tones.forEach(function (tone) {
        var osc = audio.createOscillator();
        var gain = audio.createGain();
        osc.frequency.value = tone[0];
        gain.gain.value = 0.2;
        osc.connect(gain);
        gain.connect(audio.destination);
        osc.start(at);
        osc.stop(at + tone[1]);
        at += tone[1] + 0.05;
      });
    } catch (e) { /* no audio: the colour and the word still tell */ }
    if (kind === "bad" && navigator.vibrate) { navigator.vibrate([200, 100, 200]); }
  }

  function showAnswer(kind, word, attendee, detail) {
    var box = $("answer");
    // Clear first so a screen reader announces the same answer twice in a row too.
    $("answer-word").textContent = "";
    $("answer-name").textContent = "";
    $("answer-detail").textContent = "";
    $("answer-attention").hidden = true;
    window.setTimeout(function () {
      box.className = "answer answer-" + kind;
      $("answer-word").textContent = word;
      if (attendee) {
        $("answer-name").textContent = attendee.name || "";
        var place = [];
        place.push(attendee.group ? fmt(S.group, { group: attendee.group }) : S.noGroup);
        if (attendee.room) { place.push(fmt(S.room, { room: attendee.room })); }
        $("answer-detail").textContent = place.join(" · ") + (detail ? " · " + detail : "");
        if (attendee.attention) {
          $("answer-attention").textContent = S.attention;
          $("answer-attention").hidden = false;
        }
      } else if (detail) {
        $("answer-detail").textContent = detail;
      }
    }, 30);
    beep(kind === "ok" ? "ok" : kind === "warn" ? "warn" : "bad");
  }

  function timeOf(iso) {
    try { return new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }); } catch (e) { return iso; }
  }

  function showServerAnswer(body) {
    if (body.result === "ok") {
      showAnswer("ok", S.ok, body.attendee);
    } else if (body.result === "already_checked_in") {
      showAnswer("warn", S.already, body.attendee, fmt(S.firstAt, { time: timeOf(body.checked_in_at), who: body.by || body.device || "" }));
    } else if (body.result === "not_admitted") {
      showAnswer("bad", S.notAdmitted + ": " + (S[body.reason] || body.reason), body.attendee);
    } else if (body.result === "unknown") {
      showAnswer("bad", S.unknown, null);
    } else {
      showAnswer("bad", body.detail || S.error, null);
    }
  }

  /* ---------- counts ---------- */
  var counts = { checked_in: null, expected: null };
  function renderCounts() {
    if (counts.checked_in == null) { return; }
    $("counts").textContent = fmt(S.counts, counts);
  }
  async function refreshCounts() {
    try {
      var res = await request(config.urls.stats);
      if (res.ok) { counts = await res.json(); renderCounts(); }
    } catch (e) { /* offline: keep counting locally */ }
  }
  function countOne() {
    if (counts.checked_in != null) { counts.checked_in += 1; renderCounts(); }
  }

  /* ---------- undo ---------- */
  var undoState = null;
  var undoTimer = null;
  function offerUndo(attendee, hash) {
    undoState = { id: attendee.id, name: attendee.name, hash: hash };
    var button = $("undo");
    button.textContent = button.dataset.label ? fmt(button.dataset.label, { name: attendee.name }) : attendee.name;
    button.hidden = false;
    clearTimeout(undoTimer);
    undoTimer = setTimeout(function () { button.hidden = true; undoState = null; }, UNDO_MS);
  }
  $("undo").addEventListener("click", async function () {
    if (!undoState) { return; }
    var state = undoState;
    try {
      var res = await postJSON(config.urls.undo, { id: state.id, device: config.device });
      var body = await res.json();
      if (res.ok) {
        showAnswer("warn", fmt(S.undone, { name: state.name }), null);
        if (counts.checked_in) { counts.checked_in -= 1; renderCounts(); }
        markLocal(state.hash, false);
      } else if (body.code === "undo_expired") {
        showAnswer("bad", S.undoExpired, null);
      } else {
        showAnswer("bad", S.nothingToUndo, null);
      }
    } catch (e) {
      showAnswer("bad", S.error, null);
    }
    $("undo").hidden = true;
    undoState = null;
  });

  /* ---------- scanning ---------- */
  function markLocal(hash, checkedIn) {
    var list = loadList();
    if (!list || !hash || !list.entries[hash]) { return; }
    list.entries[hash].checked_in = checkedIn;
    saveList(list);
  }

  async function hashOrNull(code) {
    try { return await sha256hex(code); } catch (e) { return null; }
  }

  async function submitCode(raw) {
    var code = normalize(raw);
    if (!code) { return; }
    var nonce = newNonce();
    var scannedAt = new Date().toISOString();
    var hash = await hashOrNull(code);
    if (navigator.onLine !== false) {
      try {
        var res = await postJSON(config.urls.checkin, { code: code, nonce: nonce, device: config.device });
        if (res.status === 401 || res.status === 403) {
          showAnswer("bad", S.forbidden, null);
          return;
        }
        if (res.status < 500) {
          var body = await res.json();
          setOnline(true);
          showServerAnswer(body);
          if (body.result === "ok") {
            countOne();
            markLocal(hash, true);
            offerUndo(body.attendee, hash);
          } else if (body.result === "already_checked_in") {
            markLocal(hash, true);
          }
          return;
        }
      } catch (e) { /* network down or too slow: the line must not wait */ }
    }
    setOnline(false);
    decideOffline(code, hash, nonce, scannedAt);
  }

  function decideOffline(code, hash, nonce, scannedAt) {
    var list = loadList();
    if (!list || !hash) {
      showAnswer("bad", S.noList, null);
      return;
    }
    var entry = list.entries[hash];
    if (!entry) {
      showAnswer("bad", S.unknown, null);
    } else if (entry.checked_in) {
      showAnswer("warn", S.already, entry);
    } else if (entry.status !== "confirmed") {
      showAnswer("bad", S.notAdmitted + ": " + (S[entry.reason] || entry.reason), entry);
    } else {
      entry.checked_in = true;
      saveList(list);
      var queue = loadQueue();
      queue.push({ code: code, nonce: nonce, scanned_at: scannedAt, offline: true, device: config.device });
      saveQueue(queue);
      countOne();
      showAnswer("ok", S.okOffline, entry);
    }
  }

  var flushing = false;
  async function flush() {
    var queue = loadQueue();
    if (flushing || !queue.length || navigator.onLine === false) { return; }
    flushing = true;
    try {
      var res = await postJSON(config.urls.batch, { scans: queue.slice(0, 200) });
      if (res.ok) {
        var body = await res.json();
        var sent = {};
        body.results.forEach(function (result) { sent[result.nonce] = true; });
        saveQueue(loadQueue().filter(function (scan) { return !sent[scan.nonce]; }));
        setOnline(true);
        $("queue").textContent = fmt(S.synced, { count: body.results.length });
        refreshCounts();
      }
    } catch (e) { /* still offline */ }
    flushing = false;
  }

  function renderQueue() {
    var queue = loadQueue();
    $("queue").textContent = queue.length ? fmt(S.queued, { count: queue.length }) : "";
  }

  async function refreshList() {
    try {
      var res = await request(config.urls.list);
      if (!res.ok) { return; }
      var data = await res.json();
      var old = loadList();
      var entries = {};
      data.entries.forEach(function (entry) {
        // Keep what this device admitted offline and has not sent yet.
        var before = old && old.entries[entry.h];
        entry.checked_in = entry.checked_in || Boolean(before && before.checked_in);
        entries[entry.h] = entry;
      });
      saveList({ expires_at: data.expires_at, fetched_at: data.generated_at, entries: entries });
      counts = { checked_in: data.checked_in, expected: data.expected };
      renderCounts();
      $("list-status").textContent = fmt(S.listSaved, { count: data.entries.length });
    } catch (e) { /* keep the saved list */ }
  }

  $("scan-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var field = $("code");
    var value = field.value;
    field.value = "";
    submitCode(value);
    field.focus();
  });

  /* ---------- camera ---------- */
  var stream = null;
  var scanTimer = null;
  var seen = { text: null, at: 0 };
  var decoderReady = false;

  function prepareDecoder() {
    if (decoderReady) { return true; }
    if (!window.ZXingWASM) { return false; }
    window.ZXingWASM.prepareZXingModule({
      overrides: {
        locateFile: function (path, prefix) {
          return path.endsWith(".wasm") ? config.urls.wasm : prefix + path;
        },
      },
    });
    decoderReady = true;
    return true;
  }

  async function tick() {
    if (!stream) { return; }
    var video = $("video");
    try {
      if (video.readyState >= 2 && video.videoWidth) {
        var scale = Math.min(1, 800 / Math.max(video.videoWidth, video.videoHeight));
        var width = Math.round(video.videoWidth * scale);
        var height = Math.round(video.videoHeight * scale);
        var canvas = $("frame");
        canvas.width = width;
        canvas.height = height;
        var context = canvas.getContext("2d", { willReadFrequently: true });
        context.drawImage(video, 0, 0, width, height);
        var results = await window.ZXingWASM.readBarcodes(context.getImageData(0, 0, width, height), {
          formats: ["QRCode"], tryHarder: true, maxNumberOfSymbols: 1,
        });
        var found = results.find(function (r) { return r.isValid && r.text; });
        var now = Date.now();
        if (found) {
          // One badge held in the frame is one scan; it counts again only after leaving it for 2 s.
          if (found.text !== seen.text || now - seen.at > 2000) { submitCode(found.text); }
          seen = { text: found.text, at: now };
        }
      }
    } catch (e) { /* a bad frame: try the next one */ }
    scanTimer = setTimeout(tick, 150);
  }

  async function startCamera() {
    var button = $("camera-toggle");
    if (!prepareDecoder() || !navigator.mediaDevices) {
      $("camera-status").textContent = S.cameraError;
      return;
    }
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: "environment" } }, audio: false });
    } catch (e) {
      $("camera-status").textContent = S.cameraError;
      return;
    }
    var video = $("video");
    video.srcObject = stream;
    video.hidden = false;
    try { await video.play(); } catch (e) { /* autoplay rules: frames still arrive */ }
    button.textContent = button.dataset.stop;
    button.setAttribute("aria-pressed", "true");
    $("camera-status").textContent = S.cameraOn;
    tick();
  }

  function stopCamera() {
    var button = $("camera-toggle");
    clearTimeout(scanTimer);
    if (stream) { stream.getTracks().forEach(function (track) { track.stop(); }); }
    stream = null;
    $("video").hidden = true;
    button.textContent = button.dataset.start;
    button.setAttribute("aria-pressed", "false");
    $("camera-status").textContent = S.cameraOff;
  }

  $("camera-toggle").addEventListener("click", function () {
    if (stream) { stopCamera(); } else { startCamera(); }
  });

  /* ---------- name search ---------- */
  $("search-form").addEventListener("submit", async function (event) {
    event.preventDefault();
    var query = $("q").value.trim();
    var results = $("search-results");
    results.textContent = "";
    if ((query.match(/\p{L}/gu) || []).length < 3) {
      $("search-status").textContent = S.searchShort;
      return;
    }
    try {
      var res = await request(config.urls.search + "?q=" + encodeURIComponent(query));
      var body = await res.json();
      if (!res.ok) { $("search-status").textContent = body.detail || S.error; return; }
      $("search-status").textContent = body.results.length ? "" : S.noMatches;
      body.results.forEach(function (person) {
        var item = document.createElement("li");
        var text = document.createElement("span");
        text.className = "person";
        var name = document.createElement("strong");
        name.textContent = person.name;
        text.appendChild(name);
        var about = [person.organization, person.group].filter(Boolean).join(" · ");
        if (about) { text.appendChild(document.createTextNode(" " + about)); }
        var button = document.createElement("button");
        button.type = "button";
        button.className = "door-button";
        button.textContent = S.checkIn;
        button.setAttribute("aria-label", S.checkIn + ": " + person.name);
        button.addEventListener("click", function () { tap(person); });
        item.appendChild(text);
        item.appendChild(button);
        results.appendChild(item);
      });
    } catch (e) {
      $("search-status").textContent = S.error;
    }
  });

  async function tap(person) {
    try {
      var res = await postJSON(config.urls.tap, { id: person.id, nonce: newNonce(), device: config.device });
      if (res.status === 401 || res.status === 403) { showAnswer("bad", S.forbidden, null); return; }
      var body = await res.json();
      showServerAnswer(body);
      if (body.result === "ok") { countOne(); offerUndo(body.attendee, null); }
    } catch (e) {
      showAnswer("bad", S.error, null);
    }
    $("search-results").textContent = "";
    $("q").value = "";
  }

  /* ---------- settings and sign-out ---------- */
  $("sound").checked = localStorage.getItem(SOUND_KEY) !== "off";
  $("sound").addEventListener("change", function () {
    localStorage.setItem(SOUND_KEY, $("sound").checked ? "on" : "off");
  });
  $("sign-out").addEventListener("submit", function () { clearDeviceData(); });

  window.addEventListener("online", function () { setOnline(true); flush(); refreshList(); });
  window.addEventListener("offline", function () { setOnline(false); });
  setInterval(flush, 10000);
  setInterval(function () { if (navigator.onLine !== false) { refreshCounts(); } }, 20000);
  setInterval(function () { if (navigator.onLine !== false) { refreshList(); } }, 5 * 60 * 1000);

  $("undo").dataset.label = config.strings.undo || "%(name)s";
  // Keyboard-wedge scanners type into the focused field: focus it where there is a real keyboard.
  if (window.matchMedia && window.matchMedia("(pointer: fine)").matches) { $("code").focus(); }
  setOnline(navigator.onLine !== false);
  renderQueue();
  refreshList().then(flush);
  document.body.dataset.doorReady = "1";
})();
