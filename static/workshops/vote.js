// Dot voting: the + and − buttons save a dot without reloading the page, so the voter stays
// where they are. Without this script each button posts its own form, and the page comes back
// at the same recommendation.
(function () {
  "use strict";
  var alertBox = document.getElementById("vote-error");

  function say(text) {
    alertBox.textContent = "";
    if (!text) { return; }
    var p = document.createElement("p");
    p.className = "notice warn";
    p.textContent = text;
    alertBox.appendChild(p);
  }

  function show(ballot, answer) {
    ballot.querySelector(".dots-left").textContent = answer.left_text;
    answer.items.forEach(function (item) {
      var row = document.getElementById("vote-" + item.id);
      if (!row || !ballot.contains(row)) { return; }
      row.querySelector(".dots").textContent = item.dots;
      var remove = row.querySelector("button.remove");
      var add = row.querySelector("button.add");
      remove.disabled = !item.can_remove;
      add.disabled = !item.can_add;
      remove.form.elements.dots.value = item.dots - 1;
      add.form.elements.dots.value = item.dots + 1;
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var ballot = form.closest(".ballot");
    if (!ballot || !form.closest(".stepper")) { return; }
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
        say(answer.error);
      } else {
        say(alertBox.dataset.failed);
      }
    }, function () {
      say(alertBox.dataset.offline);
    }).then(function () {
      ballot.removeAttribute("aria-busy");
    });
  });
})();
