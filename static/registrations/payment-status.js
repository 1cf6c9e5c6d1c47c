/* While a payment is being confirmed, check again every few seconds (for about three minutes),
   instead of a <meta refresh> that screen readers and keyboard users cannot stop. */
(function () {
  "use strict";
  var link = document.getElementById("check-again");
  if (!link) return;
  var key = "summit-payment-checks:" + location.pathname;
  var tries = Number(sessionStorage.getItem(key) || "0");
  if (tries >= 60) return;
  setTimeout(function () {
    sessionStorage.setItem(key, String(tries + 1));
    location.replace(link.href);
  }, 3000);
})();
