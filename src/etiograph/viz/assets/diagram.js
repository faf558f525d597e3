/* etiograph diagram runtime. Reads the JSON block next to it, draws it with vis-network, and
   builds every tooltip and list entry with textContent: no text from the data ever reaches
   innerHTML. Finds its own container, so several diagrams can share a notebook page. */
(function () {
  "use strict";
  var script = document.currentScript;
  var root = script && script.closest ? script.closest(".etiograph-diagram") : null;
  if (!root) {
    var pending = document.querySelectorAll(".etiograph-diagram:not([data-started])");
    root = pending[pending.length - 1];
  }
  if (!root || root.getAttribute("data-started")) { return; }
  root.setAttribute("data-started", "1");
  var data = JSON.parse(root.querySelector("script.etiograph-data").textContent);
  var container = root.querySelector(".etg-network");

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }
  function row(parent, name, value, separator) {
    if (value === undefined || value === null || value === "" || (value.join && !value.length)) { return; }
    parent.appendChild(el("div", "etg-tip-row", name + ": " + (value.join ? value.join(separator || ", ") : value)));
  }
  function nodeTitle(info) {
    var box = el("div", "etg-tip");
    box.appendChild(el("div", "etg-tip-head", info.label));
    row(box, "kind", info.kind);
    row(box, "also called", info.alt);
    row(box, "identifiers", info.ids);
    if (info.definition) { box.appendChild(el("div", "etg-tip-quote", info.definition)); }
    return box;
  }
  function edgeTitle(info) {
    var box = el("div", "etg-tip");
    box.appendChild(el("div", "etg-tip-head", info.from + (info.counteracting ? " \u22a3 " : " \u2192 ") + info.to));
    info.claims.forEach(function (claim) {
      var part = el("div", "etg-tip-claim");
      row(part, "relation", claim.predicate);
      row(part, "certainty", claim.certainty || "not given");
      row(part, claim.mechanisms.length > 1 ? "mechanisms" : "mechanism", claim.mechanisms, "; ");
      claim.quotes.forEach(function (quote) { part.appendChild(el("blockquote", "etg-tip-quote", "\u201c" + quote + "\u201d")); });
      row(part, "section", claim.section);
      box.appendChild(part);
    });
    if (!info.claims.length) { box.appendChild(el("div", "etg-tip-row", "no claim recorded for this relation")); }
    return box;
  }

  data.nodes.forEach(function (node) { node.title = nodeTitle(data.info.nodes[node.id]); });
  data.edges.forEach(function (edge) { edge.title = edgeTitle(data.info.edges[edge.id]); });

  // Level of detail for big graphs: zoomed out, dashes and arrowheads cost most of a frame and
  // cannot be seen anyway; they come back when the view is zoomed in past data.detail.minScale.
  var simple = !!data.detail;
  function plain(edge) { return { id: edge.id, dashes: false, arrows: { to: { enabled: false } } }; }
  function full(edge) { return { id: edge.id, dashes: edge.dashes, arrows: edge.arrows }; }
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(simple ? data.edges.map(function (edge) { return Object.assign({}, edge, plain(edge)); }) : data.edges);
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
  function detail(scale) {
    var wanted = scale < data.detail.minScale;
    if (wanted !== simple) {
      simple = wanted;
      edges.update(data.edges.map(simple ? plain : full));
    }
  }
  if (data.detail) {
    network.on("zoom", function (params) { detail(params.scale); });
    var help = root.querySelector(".etg-help");
    if (help) { help.appendChild(document.createTextNode(" Zoom in to see arrowheads and dashed (hedged) links.")); }
  }

  function ready() {
    root.setAttribute("data-ready", "1");
    window.__etiographReady = true;
    root.dispatchEvent(new CustomEvent("etiograph:ready", { bubbles: true }));
  }
  function fit() {
    network.fit({ animation: false });
    if (network.getScale() > 1) { network.moveTo({ scale: 1, animation: false }); }  // a few concepts: no giant boxes
  }
  network.once("afterDrawing", function () {
    fit();
    if (data.detail) { detail(network.getScale()); }
    ready();
  });
  fit();

  // -- paths: list them, click one to highlight it -----------------------------------------------
  var panel = root.querySelector(".etg-paths");
  if (panel && data.paths && data.paths.length) {
    var original = {};
    data.edges.forEach(function (edge) { original[edge.id] = { color: edge.color, width: edge.width }; });
    var nodeOriginal = {};
    data.nodes.forEach(function (node) { nodeOriginal[node.id] = node.opacity === undefined ? 1 : node.opacity; });
    var buttons = [];
    var show = function (index) {
      var on = {}, onNodes = {};
      if (index !== null) {
        var path = data.paths[index];
        path.edges.forEach(function (id) { on[id] = true; });
        path.edges.forEach(function (id) { var e = edges.get(id); onNodes[e.from] = true; onNodes[e.to] = true; });
      }
      edges.update(data.edges.map(function (edge) {
        var keep = index === null || on[edge.id];
        var base = original[edge.id];
        var colour = Object.assign({}, base.color, { opacity: keep ? base.color.opacity : 0.12 });
        return { id: edge.id, color: colour, width: keep && index !== null ? base.width + 1.5 : base.width };
      }));
      nodes.update(data.nodes.map(function (node) {
        return { id: node.id, opacity: index === null || onNodes[node.id] ? nodeOriginal[node.id] : 0.25 };
      }));
      buttons.forEach(function (button, i) { button.setAttribute("aria-pressed", String(i === index)); });
      allButton.setAttribute("aria-pressed", String(index === null));
    };
    panel.appendChild(el("h2", null, data.totalPaths === 1 ? "1 path" : data.totalPaths + " paths"));
    var allButton = el("button", null, "Show all paths");
    allButton.type = "button";
    allButton.addEventListener("click", function () { show(null); });
    panel.appendChild(allButton);
    var list = el("ol");
    data.paths.forEach(function (path, i) {
      var item = el("li");
      var button = el("button", null, (i + 1) + ". " + path.labels.join(" \u2192 ") + (path.certainty ? "  (weakest link: " + path.certainty + ")" : ""));
      button.type = "button";
      button.addEventListener("click", function () { show(i); });
      buttons.push(button);
      item.appendChild(button);
      list.appendChild(item);
    });
    panel.appendChild(list);
    if (data.totalPaths > data.paths.length) {
      panel.appendChild(el("p", "etg-more", (data.totalPaths - data.paths.length) + " more paths drawn but not listed"));
    }
    panel.hidden = false;
    show(null);
  }

  root.etiograph = { network: network, nodes: nodes, edges: edges, data: data };
  window.etiographDiagrams = (window.etiographDiagrams || []).concat([root.etiograph]);
  window.etiographNetwork = network;
})();
