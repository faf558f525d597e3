/* etiograph query page: YASGUI pointed at this server's /sparql, the named queries one click away.
   Served from the package with everything else; nothing is fetched from anywhere but this server. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("etiograph-config").textContent);
  var endpoint = new URL(config.endpoint, document.baseURI).href;
  var status = document.getElementById("status");

  function say(text) {
    status.textContent = text || "";
    status.hidden = !text;
  }
  say("");
  if (typeof Yasgui === "undefined") {
    say("The query editor (static/yasgui/yasgui.min.js) did not load; query " + endpoint + " with curl instead.");
    return;
  }
  // Offline: no suggestions from web services (LOV, prefix.cc); prefixes come from YASGUI's bundled list.
  Yasgui.Yasqe.defaults.autocompleters = ["prefixes", "variables"];
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: {
      endpoint: endpoint,
      method: "POST",
      acceptHeaderSelect: "application/sparql-results+json,*/*;q=0.9",
      acceptHeaderGraph: "text/turtle,*/*;q=0.9"
    },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: {
      getData: function () { return [{ endpoint: endpoint }]; },
      keys: []
    },
    persistenceId: "etiograph-" + location.host,
    yasqe: { value: config.starter }
  });

  var watched = new WeakSet();
  function watch(tab) {
    var yasqe = tab && tab.getYasqe();
    if (!yasqe || watched.has(yasqe)) { return; }
    watched.add(yasqe);
    yasqe.on("queryResponse", function (_yasqe, response) {
      var cut = response && response.headers && response.headers.get && response.headers.get("Etiograph-Truncated");
      say(cut ? "Results truncated: " + cut.replace(/^true;\s*/, "") : "");
    });
  }
  yasgui.on("query", function (_yasgui, tab) { watch(tab); });
  watch(yasgui.getTab());

  function run(name) {
    var query = config.queries.find(function (q) { return q.name === name; });
    var tab = yasgui.getTab();
    if (!query || !tab) { return; }
    if (tab.getEndpoint() !== endpoint) { tab.setEndpoint(endpoint); }
    tab.setQuery(query.text);
    watch(tab);
    tab.query();
  }
  document.querySelectorAll("button[data-query]").forEach(function (button) {
    button.addEventListener("click", function () { run(button.getAttribute("data-query")); });
  });
})();
