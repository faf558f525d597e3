/* The overview by mechanism: each panel opens that mechanism's diagram in place (from its
   <template>), "All mechanisms" comes back. No text from the data passes through innerHTML: the
   diagrams are cloned from inert templates the page was written with. */
(function () {
  "use strict";
  var root = document.currentScript ? document.currentScript.closest(".etiograph-overview") : null;
  root = root || document.querySelector(".etiograph-overview");
  if (!root) { return; }
  var home = root.querySelector(".etg-overview-home");
  var stage = root.querySelector(".etg-stage");
  var back = root.querySelector(".etg-stage-back");
  var opener = null;
  function open(notation, button) {
    var template = root.querySelector('template[data-mechanism="' + notation.replace(/["\\]/g, "\\$&") + '"]');
    if (!template) { return; }
    close(false);
    opener = button;
    var copy = template.content.cloneNode(true);
    stage.appendChild(copy);
    home.hidden = true;
    stage.hidden = false;
    var diagram = stage.querySelector(".etiograph-diagram");
    window.etiographStart(diagram);
    root.setAttribute("data-open", notation);
    back.focus({ preventScroll: true });
  }
  function close(refocus) {
    var diagram = stage.querySelector(".etiograph-diagram");
    if (diagram) {
      if (diagram.etiograph) {
        diagram.etiograph.network.destroy();
        window.etiographDiagrams = (window.etiographDiagrams || []).filter(function (d) { return d !== diagram.etiograph; });
      }
      diagram.remove();
    }
    stage.hidden = true;
    home.hidden = false;
    root.removeAttribute("data-open");
    if (refocus !== false && opener) { opener.focus({ preventScroll: true }); }
  }
  root.querySelectorAll("button.etg-panel").forEach(function (button) {
    button.addEventListener("click", function () { open(button.getAttribute("data-mechanism"), button); });
  });
  back.addEventListener("click", function () { close(true); });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !stage.hidden && !(stage.querySelector(".etg-storying"))) { close(true); }
  });
  root.setAttribute("data-ready", "1");
  window.__etiographReady = true;
})();
