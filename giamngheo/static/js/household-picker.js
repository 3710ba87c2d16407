/* The complaint form's household search: choosing a result fills the hidden household id.
   Editing the text again forgets the choice, so what is submitted is what is shown. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-pick-household]");
    var form = button && button.closest("[data-household-picker]");
    if (!form) {
      return;
    }
    form.querySelector("[data-household-id]").value = button.getAttribute("data-pick-household");
    var search = form.querySelector("[data-household-search]");
    search.value = button.getAttribute("data-label");
    var list = button.closest("#household-matches");
    if (list) {
      list.replaceChildren();
    }
    search.focus();
  });
  document.addEventListener("input", function (event) {
    var search = event.target;
    var form = search.closest && search.closest("[data-household-picker]");
    if (form && search.hasAttribute("data-household-search")) {
      form.querySelector("[data-household-id]").value = "";
    }
  });
})();
