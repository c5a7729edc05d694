/* The searchable picker: every <select data-picker> (parkparty.widgets.SearchSelect) becomes a Tom Select
 * (static/vendor/tom-select) whose typed text filters the options by name, so a park's 300 organizations
 * or 5,000 enterprises stay pickable on a phone. Without this script the select stays a plain select and
 * the form works the same: the picker only changes how a choice is made, never what is sent. */
(function () {
  "use strict";

  if (typeof window.TomSelect !== "function") {
    return;
  }

  // The few words the picker itself shows, translated by Django: base.html renders them on the
  // <script> element that loads this file (data-search, data-no-results, data-more, data-clear,
  // data-remove), so they live in the catalog with every other string. (A deferred classic script
  // still has document.currentScript while it runs.)
  var words = document.currentScript.dataset;
  // Enough to choose from at a glance, few enough to scroll on a phone; typing reaches every option.
  var MAX_OPTIONS = 50;

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text;
    return div.innerHTML;
  }

  function emptyOption(select) {
    return Array.prototype.find.call(select.options, function (option) {
      return option.value === "";
    });
  }

  function enhance(select) {
    if (select.tomselect || select.disabled) {
      return;
    }
    var multiple = select.multiple;
    var optional = !select.required;
    var empty = emptyOption(select);
    var plugins = {};
    if (multiple) {
      plugins.remove_button = { title: words.remove, label: "×" };
    } else if (optional) {
      plugins.clear_button = { title: words.clear, html: clearButton };
    }
    var picker = new window.TomSelect(select, {
      create: false,
      persist: false,
      maxOptions: MAX_OPTIONS,
      searchField: ["text"],
      // The best match first; among equals (and before anything is typed) the server's order, by name.
      sortField: [{ field: "$score" }, { field: "$order" }],
      // The "---------" / "all …" option is a choice of nothing: the clear button stands for it.
      allowEmptyOption: false,
      placeholder: select.getAttribute("data-placeholder") || (empty && empty.text.replace(/^-+$/, "")) || words.search,
      hidePlaceholder: multiple,
      closeAfterSelect: !multiple,
      selectOnTab: true,
      plugins: plugins,
      render: {
        no_results: function () {
          return '<div class="no-results">' + escapeHtml(words.noResults) + "</div>";
        },
      },
    });
    // Tom Select points the <label for> at its own text box, so the field keeps its name for screen
    // readers. The original select stays in the page (1 px, out of the tab order) to be sent with the
    // form: hidden from assistive technology too, or it would be read as a second, unusable combobox.
    select.setAttribute("aria-hidden", "true");
    markOverflow(picker, select);
    return picker;
  }

  function clearButton(data) {
    return '<button type="button" class="' + data.className + '" title="' + escapeHtml(data.title) +
      '" aria-label="' + escapeHtml(data.title) + '">×</button>';
  }

  // When more options exist than the list shows, say so under it: a name missing from the first 50 is
  // then looked for by typing, not taken for absent.
  function markOverflow(picker, select) {
    if (select.options.length - (emptyOption(select) ? 1 : 0) <= MAX_OPTIONS) {
      return;
    }
    picker.on("dropdown_open", function (dropdown) {
      var note = dropdown.querySelector(".picker-more");
      if (!note) {
        note = document.createElement("div");
        note.className = "picker-more";
        note.setAttribute("aria-hidden", "true");
        note.textContent = words.more;
        dropdown.appendChild(note);
      }
    });
  }

  function enhanceAll(root) {
    (root || document).querySelectorAll("select[data-picker]").forEach(enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      enhanceAll();
    });
  } else {
    enhanceAll();
  }
  window.parkpartyPicker = { enhance: enhanceAll };
})();
