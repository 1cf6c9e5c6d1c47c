/* After signing out: delete the door list and offline queue this device kept. */
(function () {
  "use strict";
  Object.keys(localStorage).forEach(function (key) {
    if (key.indexOf("summit-door-list:") === 0 || key.indexOf("summit-door-queue:") === 0) {
      localStorage.removeItem(key);
    }
  });
})();
