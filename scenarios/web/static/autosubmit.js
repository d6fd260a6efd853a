// Submit a filter form as soon as one of its menus changes.
(function () {
  "use strict";
  document.querySelectorAll("select.autosubmit").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
})();
