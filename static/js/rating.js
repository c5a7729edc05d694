/* The inspection form: the weighted total (of 100) and the star level it earns, recomputed as the
 * assessor types, from the park's thresholds (json_script "star-levels", highest first). The server
 * computes the same figures when the form is saved (organizations.ratings.services.total_of); this is
 * only a preview. Changing the organization or the quarter reloads the page with its sheet. */
(function () {
  "use strict";

  document.querySelectorAll("form[data-autosubmit] select").forEach(function (select) {
    select.addEventListener("change", function () {
      select.form.submit();
    });
  });

  var form = document.querySelector("[data-rating-form]");
  var source = document.getElementById("star-levels");
  if (!form || !source) {
    return;
  }
  var levels = JSON.parse(source.textContent);
  var scores = form.querySelectorAll("input[data-max]");
  var vetoes = form.querySelectorAll(".veto input[type=checkbox]");
  var total = form.querySelector("[data-total]");
  var stars = form.querySelector("[data-stars]");
  var classification = form.querySelector("[data-classification]");

  function number(text) {
    var value = parseFloat(String(text).replace(",", "."));
    return isNaN(value) ? 0 : value;
  }

  function levelFor(score, vetoed) {
    if (!levels.length) {
      return { stars: 1, label: "" };
    }
    if (!vetoed) {
      for (var i = 0; i < levels.length; i++) {
        if (score >= number(levels[i].min)) {
          return levels[i];
        }
      }
    }
    return levels[levels.length - 1];
  }

  function markOverride(input) {
    // A score other than the suggestion needs a reason: say so on the reason box.
    var item = input.closest(".criterion");
    var reason = item.querySelector(".reason-line input");
    var suggested = input.dataset.suggested;
    var overrides = suggested !== "" && input.value !== "" && Math.abs(number(input.value) - number(suggested)) >= 0.005;
    item.classList.toggle("overrides", overrides);
    if (reason) {
      reason.required = overrides;
    }
  }

  function recompute() {
    var possible = 0;
    var earned = 0;
    scores.forEach(function (input) {
      var weight = number(input.dataset.weight);
      possible += number(input.dataset.max) * weight;
      earned += Math.min(Math.max(number(input.value), 0), number(input.dataset.max)) * weight;
    });
    var vetoed = Array.prototype.some.call(vetoes, function (box) {
      return box.checked;
    });
    var score = possible ? Math.round((earned / possible) * 10000) / 100 : 0;
    var level = levelFor(score, vetoed);
    total.textContent = score.toFixed(2);
    stars.textContent = "★★★★★".slice(0, level.stars) + "☆☆☆☆☆".slice(0, 5 - level.stars);
    stars.dataset.value = level.stars;
    classification.textContent = level.label;
  }

  scores.forEach(function (input) {
    input.addEventListener("input", function () {
      markOverride(input);
      recompute();
    });
    markOverride(input);
  });
  vetoes.forEach(function (box) {
    box.addEventListener("change", recompute);
  });
  recompute();
})();
