// Dot voting: the + and − buttons save a dot without reloading the page, so the voter stays
// where they are. Without this script each button posts its own form, and the page comes back
// at the same recommendation.
(function () {
  "use strict";

  // A refusal is said beside its recommendation, in an alert that is announced when added.
  function say(row, text) {
    var old = row.querySelector(".item-error");
    if (old) { old.remove(); }
    if (!text) { return; }
    var p = document.createElement("p");
    p.className = "item-error";
    p.setAttribute("role", "alert");
    p.textContent = text;
    row.appendChild(p);
  }

  function show(ballot, answer) {
    ballot.querySelector(".dots-left").textContent = answer.left_text;
    answer.items.forEach(function (item) {
      var row = ballot.querySelector("#vote-" + item.id);
      if (!row) { return; }
      var remove = row.querySelector("button.remove");
      var add = row.querySelector("button.add");
      row.querySelector(".dots").textContent = item.dots;
      remove.disabled = !item.can_remove;
      add.disabled = !item.can_add;
      remove.form.elements.dots.value = item.dots - 1;
      add.form.elements.dots.value = item.dots + 1;
      say(row, "");
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var ballot = form.closest(".ballot");
    var row = form.closest(".ballot-item");
    if (!ballot || !row) { return; }
    event.preventDefault();
    if (ballot.getAttribute("aria-busy") === "true") { return; } // one dot at a time
    ballot.setAttribute("aria-busy", "true");
    // Not form.action: the form's hidden <input name="action"> hides that property.
    fetch(form.getAttribute("action"), {
      method: "POST", body: new FormData(form), credentials: "same-origin", headers: { "X-Requested-With": "fetch" }
    }).then(function (response) {
      return response.json().catch(function () { return null; });
    }).then(function (answer) {
      if (answer && answer.items) {
        show(ballot, answer);
        say(row, answer.error);
      } else {
        say(row, ballot.dataset.failed); // an error page: a lost session, a server error
      }
    }, function () {
      say(row, ballot.dataset.offline);
    }).then(function () {
      ballot.removeAttribute("aria-busy");
    });
  });
})();
