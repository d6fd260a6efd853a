// Refuse files over the server's limit before uploading them.
(function () {
  "use strict";
  var LIMIT = 5 * 1024 * 1024;
  var form = document.getElementById("upload-form");
  var hint = document.getElementById("size-hint");
  if (!form) return;
  form.addEventListener("submit", function (event) {
    var inputs = form.querySelectorAll("input[type=file]");
    for (var i = 0; i < inputs.length; i++) {
      var file = inputs[i].files && inputs[i].files[0];
      if (file && file.size > LIMIT) {
        event.preventDefault();
        hint.hidden = false;
        hint.textContent = file.name + " is " + (file.size / 1048576).toFixed(1) +
          " MB: the limit is 5 MB.";
        return;
      }
    }
  });
})();
