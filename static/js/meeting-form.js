/* The meeting form on a phone: switching the organization reloads its roster, an absence asks for its
 * reason, and guests can be added one row at a time. Without this script the form still works: the
 * switch has its own button, the server asks for missing reasons, and two blank guest rows are there. */
(function () {
  "use strict";

  document.querySelectorAll("form[data-autosubmit] select").forEach(function (select) {
    select.addEventListener("change", function () {
      select.form.submit();
    });
  });

  // An absence needs a reason: mark its box as required and put the cursor there.
  document.querySelectorAll(".att-row").forEach(function (row) {
    var reason = row.querySelector(".att-reason input");
    if (!reason) {
      return;
    }
    var sync = function (focus) {
      var checked = row.querySelector(".seg input:checked");
      var absent = checked && checked.value === "absent";
      reason.required = absent;
      if (absent && focus) {
        reason.focus();
      }
    };
    row.querySelectorAll(".seg input").forEach(function (radio) {
      radio.addEventListener("change", function () {
        sync(true);
      });
    });
    sync(false);
  });

  var list = document.querySelector("[data-guest-list]");
  var add = document.querySelector("[data-add-guest]");
  if (list && add) {
    add.hidden = false;
    add.addEventListener("click", function () {
      var rows = list.querySelectorAll(".guest-row");
      var row = rows[rows.length - 1].cloneNode(true);
      row.querySelectorAll("input").forEach(function (input) {
        input.value = "";
      });
      row.querySelectorAll(".field-error").forEach(function (error) {
        error.remove();
      });
      list.appendChild(row);
      row.querySelector("input").focus();
    });
  }
})();
