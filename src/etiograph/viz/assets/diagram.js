/* etiograph diagram runtime. Reads the JSON block next to it, draws it with vis-network, and
   builds every tooltip, list entry and story caption with textContent: no text from the data ever
   reaches innerHTML. Finds its own container, so several diagrams can share a notebook page. */
(function () {
  "use strict";
  var script = document.currentScript;
  var first = script && script.closest ? script.closest(".etiograph-diagram") : null;
  if (!first) {
    var pending = document.querySelectorAll(".etiograph-diagram:not([data-started])");
    first = pending[pending.length - 1];
  }
  /* The data travels compact: what the page can derive is left out (colours on highlight and hover,
     arrow sizes, the default curve, each path's labels and links, steps shared by paths); put back here. */
  function fullArrows(arrows) {
    var to = arrows.to || {};
    var type = to.type || "arrow";
    var out = { to: { enabled: to.enabled !== false, type: type, scaleFactor: type === "bar" ? 0.9 : 0.75 } };
    if (arrows.middle) { out.middle = { enabled: arrows.middle.enabled !== false, type: arrows.middle.type, scaleFactor: 0.55 }; }
    return out;
  }
  function whole(data) {
    var curve = data.options.edges.smooth;
    data.edges.forEach(function (edge) {
      if (edge.color && edge.color.highlight === undefined) {
        var c = edge.color.color;
        edge.color = { color: c, highlight: c, hover: c, inherit: false, opacity: 0.95 };
      }
      if (edge.arrows) { edge.arrows = fullArrows(edge.arrows); }
      if (edge.smooth === undefined && curve) { edge.smooth = curve; }
    });
    data.nodes.forEach(function (node) {
      var c = node.color;
      if (c && c.highlight === undefined) {
        node.color = { background: c.background, border: c.border,
                       highlight: { background: c.background, border: "#111827" }, hover: { background: c.background, border: "#111827" } };
      }
    });
    data.edges.forEach(function (edge) {
      var info = data.info.edges[edge.id];
      if (info && info.from === undefined) {
        info.from = data.info.nodes[edge.from].label;
        info.to = data.info.nodes[edge.to].label;
        info.claims.forEach(function (claim) {
          claim.mechanisms = claim.mechanisms.map(function (m) { return data.mechanismLabels[m] || m; });
          if (typeof claim.section === "number") { claim.section = data.info.sections[claim.section]; }
        });
      }
    });
    (data.paths || []).forEach(function (path) {
      path.steps = path.steps.map(function (i) { return data.steps[i]; });
      path.edges = path.steps.map(function (step) { return step.edge; });
      path.labels = path.nodes.map(function (id) { return data.info.nodes[id].label; });
    });
    return data;
  }
  /* Start one diagram (a page may hold several: notebook cells, or the overview's mechanism pages,
     which call window.etiographStart when a teacher opens one). */
  function start(root) {
  if (!root || root.getAttribute("data-started") || !root.querySelector("script.etiograph-data")) { return; }
  root.setAttribute("data-started", "1");
  var data = whole(JSON.parse(root.querySelector("script.etiograph-data").textContent));
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
    if (info.sources > 1) { box.appendChild(el("div", "etg-tip-row", "backed by " + info.sources + " independent sources")); }
    return box;
  }
  /* "The article says this may happen." with the certainty word emphasised. */
  function certaintyLine(certainty) {
    var p = el("p", "etg-story-certainty");
    var template = (certainty && data.certaintySentences[certainty]) || (certainty ? "The article's wording: {}." : "The article gives no certainty for this.");
    var parts = template.split("{}");
    p.appendChild(document.createTextNode(parts[0]));
    if (parts.length > 1) {
      p.appendChild(el("em", null, certainty));
      p.appendChild(document.createTextNode(parts.slice(1).join(certainty)));
    }
    return p;
  }

  // -- long links: one vis edge each, drawn through the lanes the layout kept for them -------------
  // edge.route lists the lane points between a long link's source and target, edge.bends the curve
  // of each stretch between them (null: the page's default curve). vis-network only knows edges
  // from one node to another: as invisible waypoint nodes and segment edges, the whole-graph page
  // handed it 400 more of each, and it spends ~0.2 ms setting up every one. So each such link stays
  // one edge whose curve, points (arrowheads, the mechanism's mark at its middle) and distance
  // (hover, clicks) are replaced by ROUTE: the stretches vis-network drew between the waypoints.
  var routes = {}, routing = {};
  data.edges.forEach(function (edge) {
    if (!edge.route) { return; }
    routes[edge.id] = {
      points: edge.route.map(function (p) { return { x: p[0], y: p[1] }; }),
      bends: edge.bends.map(function (bend) { return bend || data.options.edges.smooth; })
    };
  });
  /* The control points vis-network 9 gives an edge a → b with ``smooth`` (CubicBezierEdge with a
     horizontal forceDirection, BezierEdgeStatic's curvedCW/curvedCCW, StraightEdge). */
  function controls(a, b, smooth) {
    if (!smooth || !smooth.enabled) { return []; }
    var r = smooth.roundness;
    if (smooth.type === "cubicBezier") {
      var dx = a.x - b.x;
      return [{ x: a.x - r * dx, y: a.y }, { x: b.x + r * dx, y: b.y }];
    }
    var turn = smooth.type === "curvedCW" ? r : -r;
    var radius = Math.sqrt((b.x - a.x) * (b.x - a.x) + (a.y - b.y) * (a.y - b.y));
    var angle = (Math.atan2(a.y - b.y, b.x - a.x) + (0.5 * turn + 0.5) * Math.PI) % (2 * Math.PI);
    return [{ x: a.x + (0.5 * r + 0.5) * radius * Math.sin(angle), y: a.y + (0.5 * r + 0.5) * radius * Math.cos(angle) }];
  }
  /* Point u (0..1) of stretch k; like vis-network, the link's two ends are its fromPoint and
     toPoint (the arrowhead's base once drawn), the control points come from the nodes' centres. */
  function along(type, stretches, k, u) {
    var s = stretches[k], c = s.c, v = 1 - u;
    var a = k === 0 ? type.fromPoint : s.a, b = k === stretches.length - 1 ? type.toPoint : s.b;
    if (c.length === 2) {
      return { x: v * v * v * a.x + 3 * u * v * v * c[0].x + 3 * u * u * v * c[1].x + u * u * u * b.x,
               y: v * v * v * a.y + 3 * u * v * v * c[0].y + 3 * u * u * v * c[1].y + u * u * u * b.y };
    }
    if (c.length === 1) {
      return { x: v * v * a.x + 2 * u * v * c[0].x + u * u * b.x, y: v * v * a.y + 2 * u * v * c[0].y + u * u * b.y };
    }
    return { x: a.x + (b.x - a.x) * u, y: a.y + (b.y - a.y) * u };
  }
  var ROUTE = {  // methods set on a routed edge's vis-network edge type (this: that edge type)
    getViaNode: function () {
      var points = [this.from].concat(this.route.points, [this.to]), bends = this.route.bends, out = [];
      for (var k = 0; k + 1 < points.length; k++) {
        out.push({ a: points[k], b: points[k + 1], c: controls(points[k], points[k + 1], bends[k]) });
      }
      return out;
    },
    _line: function (ctx, values, stretches) {
      ctx.beginPath();
      ctx.moveTo(this.fromPoint.x, this.fromPoint.y);
      for (var k = 0; k < stretches.length; k++) {
        var c = stretches[k].c, b = k === stretches.length - 1 ? this.toPoint : stretches[k].b;
        if (c.length === 2) { ctx.bezierCurveTo(c[0].x, c[0].y, c[1].x, c[1].y, b.x, b.y); }
        else if (c.length === 1) { ctx.quadraticCurveTo(c[0].x, c[0].y, b.x, b.y); }
        else { ctx.lineTo(b.x, b.y); }
      }
      this.drawBackground(ctx, values);
      this.enableShadow(ctx, values);
      ctx.stroke();
      this.disableShadow(ctx, values);
    },
    /* t from 0 to 1 along the whole link, each stretch an equal share. */
    getPoint: function (t, stretches) {
      stretches = stretches || this.getViaNode();
      var n = stretches.length, k = Math.max(0, Math.min(n - 1, Math.floor(t * n)));
      return along(this, stretches, k, t * n - k);
    },
    /* Where the link meets the border of one of its ends: bisection on the stretch touching it
       (vis-network's own search, over the whole link, assumes a single curve). */
    _findBorderPosition: function (near, ctx, options) {
      var stretches = (options && options.via) || this.getViaNode();
      var n = stretches.length, start = near.id === this.from.id, node = start ? this.from : this.to;
      var k = start ? 0 : n - 1, low = 0, high = 1, u = 0.5, pos = null;
      for (var i = 0; i < 10 && low <= high; i++) {
        u = (low + high) / 2;
        pos = along(this, stretches, k, u);
        var gap = node.distanceToBorder(ctx, Math.atan2(node.y - pos.y, node.x - pos.x)) - Math.hypot(pos.x - node.x, pos.y - node.y);
        if (Math.abs(gap) < 0.2) { break; }
        if ((gap < 0) !== start) { low = u; } else { high = u; }
      }
      return { x: pos.x, y: pos.y, t: (k + u) / n };
    },
    /* Distance from (x3, y3) to the link: to ten chords of each stretch, as vis-network measures a curve. */
    _getDistanceToEdge: function (x1, y1, x2, y2, x3, y3, stretches) {
      stretches = stretches || this.getViaNode();
      var least = Infinity;
      for (var k = 0; k < stretches.length; k++) {
        var last = along(this, stretches, k, 0);
        for (var j = 1; j <= 10; j++) {
          var p = along(this, stretches, k, j / 10);
          least = Math.min(least, this._getDistanceToLine(last.x, last.y, p.x, p.y, x3, y3));
          last = p;
        }
      }
      return least;
    }
  };
  /* Draw link ``id`` through its lanes (on) or as vis-network's one curve (off: "N more", story).
     vis-network keeps an edge's type object while its curve type stays; otherwise it makes a new
     one, so this is called again after every change of curve. */
  function route(id, on) {
    var edge = network.body.edges[id];
    if (!routes[id] || !edge) { return; }
    var type = edge.edgeType;
    Object.keys(ROUTE).forEach(function (key) { if (on) { type[key] = ROUTE[key]; } else { delete type[key]; } });
    if (on) { type.route = routes[id]; } else { delete type.route; }
    routing[id] = on;
  }
  var edgeData = {};
  data.edges.forEach(function (edge) { edgeData[edge.id] = edge; });
  /* A link's arrows when drawn as one curve: its head and the mechanism's mark (none: off). */
  function linkArrows(id) {
    return Object.assign({ middle: { enabled: false } }, edgeData[id].arrows);
  }

  // Level of detail for big graphs: zoomed out, dashes and arrowheads cost most of a frame and
  // cannot be seen anyway; they come back when the view is zoomed in past data.detail.minScale.
  var simple = !!data.detail;
  function plain(edge) { return { id: edge.id, dashes: false, arrows: { to: { enabled: false } } }; }
  function full(edge) { return { id: edge.id, dashes: edge.dashes, arrows: edge.arrows }; }
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(simple ? data.edges.map(function (edge) { return Object.assign({}, edge, plain(edge)); }) : data.edges);
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
  Object.keys(routes).forEach(function (id) { route(id, true); });  // before its first frame
  /* Tooltips are built when first hovered, not for every concept and arrow at start-up (a big page
     has hundreds): vis-network emits hoverNode/hoverEdge at once and looks for a title only after
     tooltipDelay, by which time the hovered item has one. */
  var titled = { node: {}, edge: {} };
  network.on("hoverNode", function (params) {
    var id = params.node, node = nodes.get(id);
    if (titled.node[id] || !node) { return; }
    titled.node[id] = true;
    nodes.update({ id: id, title: nodeTitle(data.info.nodes[id]) });
  });
  network.on("hoverEdge", function (params) {
    var id = params.edge, edge = edges.get(id);
    if (titled.edge[id] || !edge) { return; }
    titled.edge[id] = true;
    edges.update({ id: id, title: edgeTitle(data.info.edges[id]) });
  });
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

  // -- readable at the back of a room: never open on a zoomed-out hairball ------------------------
  var notice = el("p", "etg-notice");
  notice.hidden = true;
  container.appendChild(notice);
  function readablePx() {
    var r = data.readable || { px: 14, wide: 16, wideFrom: 1800 };
    return window.innerWidth >= r.wideFrom ? r.wide : r.px;
  }
  function visibleIds() { return nodes.getIds({ filter: function (n) { return !n.hidden; } }); }
  function smallestFont(ids) {
    var least = Infinity;
    ids.forEach(function (id) {
      var n = nodes.get(id);
      var size = (n.font && n.font.size) || (data.options.nodes.font.size);
      if (size < least) { least = size; }
    });
    return least === Infinity ? data.options.nodes.font.size : least;
  }
  /* Fit ``ids`` (default: every visible concept); if their labels would come out smaller than the
     readable size, zoom to that size instead and show the start (leftmost concepts) with a note. */
  /* Bounds of ``ids`` (concept boxes) and of the lane points of the links drawn through lanes. */
  function bounds(ids) {
    var box = { left: Infinity, right: -Infinity, top: Infinity, bottom: -Infinity };
    ids.forEach(function (id) {
      var b = network.getBoundingBox(id);
      if (!b) { return; }
      box.left = Math.min(box.left, b.left); box.right = Math.max(box.right, b.right);
      box.top = Math.min(box.top, b.top); box.bottom = Math.max(box.bottom, b.bottom);
    });
    Object.keys(routing).forEach(function (id) {
      if (!routing[id] || network.body.edges[id].options.hidden) { return; }
      routes[id].points.forEach(function (p) {
        box.left = Math.min(box.left, p.x - 12); box.right = Math.max(box.right, p.x + 12);
        box.top = Math.min(box.top, p.y - 12); box.bottom = Math.max(box.bottom, p.y + 12);
      });
    });
    return box;
  }
  var fitted = null;  // the frame size the whole drawing was last fitted to
  function fit(ids) {
    fitted = ids ? null : container.clientWidth + "x" + container.clientHeight;
    ids = ids || visibleIds();
    var box = bounds(ids);
    var width = container.clientWidth, height = container.clientHeight;
    if (!ids.length || !isFinite(box.left) || !width || !height) {
      network.fit({ nodes: ids, animation: false });
    } else {
      var scale = Math.min(width / (1.04 * (box.right - box.left) + 24), height / (1.04 * (box.bottom - box.top) + 24));
      network.moveTo({ position: { x: (box.left + box.right) / 2, y: (box.top + box.bottom) / 2 }, scale: scale, animation: false });
    }
    if (network.getScale() > 1.25) { network.moveTo({ scale: 1.25, animation: false }); }
    var least = smallestFont(ids);
    var needed = readablePx() / least;
    notice.hidden = true;
    if (network.getScale() < needed - 1e-6) {
      var positions = network.getPositions(ids);
      var left = Infinity, focus = null;
      ids.forEach(function (id) {
        var p = positions[id];
        if (p && (p.x < left || (id === data.source))) { left = id === data.source ? -Infinity : p.x; focus = p; }
      });
      var width = container.clientWidth, height = container.clientHeight;
      var x = focus ? focus.x + (width / 2 - 120) / needed : 0;
      network.moveTo({ position: { x: x, y: focus ? focus.y : 0 }, scale: needed, animation: false });
      notice.textContent = "Shown at a readable size: drag to see the rest" + (storyButton ? ", or tell it as a story." : ".");
      notice.hidden = false;
    }
  }

  function ready() {
    root.setAttribute("data-ready", "1");
    window.__etiographReady = true;
    root.dispatchEvent(new CustomEvent("etiograph:ready", { bubbles: true }));
  }

  // -- paths: list the drawn ones, "N more" draws and lists the rest; click one to highlight it ---
  var panel = root.querySelector(".etg-paths");
  var storyButton = root.querySelector(".etg-story-start");
  var selected = null;
  var expanded = false;
  var original = {};
  data.edges.forEach(function (edge) { original[edge.id] = { color: edge.color, width: edge.width, hidden: !!edge.hidden, smooth: edge.smooth }; });
  var nodeOriginal = {};
  data.nodes.forEach(function (node) { nodeOriginal[node.id] = { opacity: node.opacity === undefined ? 1 : node.opacity, hidden: !!node.hidden, x: node.x, y: node.y }; });
  var buttons = [];
  var allButton = null;
  var list = null;
  var moreButton = null;

  function show(index) {
    selected = index;
    var on = {}, onNodes = {};
    if (index !== null) {
      var path = data.paths[index];
      path.edges.forEach(function (id) { on[id] = true; });
      path.nodes.forEach(function (id) { onNodes[id] = true; });
    }
    edges.update(data.edges.map(function (edge) {
      var keep = index === null || on[edge.id];
      var base = original[edge.id];
      var colour = Object.assign({}, base.color, { opacity: keep ? base.color.opacity : 0.12 });
      return { id: edge.id, color: colour, width: keep && index !== null ? base.width + 1.5 : base.width };
    }));
    nodes.update(data.nodes.map(function (node) {
      return { id: node.id, opacity: index === null || onNodes[node.id] ? nodeOriginal[node.id].opacity : 0.25 };
    }));
    buttons.forEach(function (button, i) { button.setAttribute("aria-pressed", String(i === index)); });
    if (allButton) { allButton.setAttribute("aria-pressed", String(index === null)); }
  }
  function pathButton(i) {
    var path = data.paths[i];
    var item = el("li");
    var button = el("button", null, (i + 1) + ". " + path.labels.join(" \u2192 ") + (path.certainty ? "  (weakest link: " + path.certainty + ")" : ""));
    button.type = "button";
    button.addEventListener("click", function () { show(i); });
    buttons[i] = button;
    item.appendChild(button);
    list.appendChild(item);
  }
  /* Draw every listed path: the second layout (computed in Python for all of them) replaces the first. */
  function expand() {
    if (expanded || !data.expanded) { return; }
    expanded = true;
    var moved = data.expanded.positions;
    nodes.update(data.nodes.map(function (node) {
      var p = moved[node.id];
      nodeOriginal[node.id].hidden = !p;
      return p ? { id: node.id, x: p[0], y: p[1], hidden: false } : { id: node.id, hidden: true };
    }));
    // every link becomes one curve again: the long ones leave their lanes
    edges.update(data.edges.map(function (edge) {
      original[edge.id].hidden = false;
      original[edge.id].smooth = data.expanded.smooth[edge.id] || { enabled: true, type: "cubicBezier", forceDirection: "horizontal", roundness: 0.45 };
      return { id: edge.id, hidden: false, smooth: original[edge.id].smooth };
    }));
    Object.keys(routes).forEach(function (id) { route(id, false); });
    for (var i = data.drawn; i < data.paths.length; i++) { pathButton(i); }
    if (moreButton) { moreButton.remove(); moreButton = null; }
    fit();
    if (side) { side.dispatchEvent(new Event("scroll")); }
  }
  if (panel && data.paths && data.paths.length) {
    var heading = data.drawn < data.totalPaths
      ? data.drawn + " of " + data.totalPaths + " paths (the most informative)"
      : (data.totalPaths === 1 ? "1 path" : data.totalPaths + " paths");
    panel.appendChild(el("h2", null, heading));
    allButton = el("button", "etg-all", "Show all drawn paths");
    allButton.type = "button";
    allButton.addEventListener("click", function () { show(null); });
    panel.appendChild(allButton);
    list = el("ol");
    panel.appendChild(list);
    for (var i = 0; i < Math.min(data.drawn, data.paths.length); i++) { pathButton(i); }
    var hiddenCount = data.paths.length - data.drawn;
    if (hiddenCount > 0 && data.expanded) {
      moreButton = el("button", "etg-more-button", hiddenCount + " more");
      moreButton.type = "button";
      moreButton.setAttribute("aria-label", "Draw and list " + hiddenCount + " more paths");
      moreButton.addEventListener("click", expand);
      panel.appendChild(moreButton);
    }
    if (data.totalPaths > data.paths.length) {
      panel.appendChild(el("p", "etg-more", (data.totalPaths - data.paths.length) + " more paths not listed (etiograph paths lists them all)"));
    }
    panel.hidden = false;
  }

  // -- story mode: one hop at a time, the sentence large, in a live region ---------------------------
  var storyBox = root.querySelector(".etg-story");
  var STORY_GAP = 300;
  var storyText = root.querySelector(".etg-story-text");
  var storyCount = root.querySelector(".etg-story-count");
  var story = null; // {path: index, step: 0..hops+1}
  function storySteps(path) { return path.steps.length + 2; }
  function renderStory() {
    var path = data.paths[story.path];
    var hops = path.steps.length;
    var k = story.step;
    var shownEdges = {}, shownNodes = {};
    shownNodes[path.nodes[0]] = true;
    for (var i = 0; i < Math.min(k, hops); i++) {
      shownEdges[path.steps[i].edge] = true;
      shownNodes[path.nodes[i + 1]] = true;
    }
    if (k > hops) { path.nodes.forEach(function (id) { shownNodes[id] = true; }); path.edges.forEach(function (id) { shownEdges[id] = true; }); }
    var current = k >= 1 && k <= hops ? path.steps[k - 1].edge : null;
    edges.update(data.edges.map(function (edge) {
      var base = original[edge.id];
      var link = edge.id;
      return { id: link, hidden: !shownEdges[link], width: link === current ? base.width + 2.5 : base.width,
               color: Object.assign({}, base.color, { opacity: current && link !== current ? 0.55 : base.color.opacity }) };
    }));
    nodes.update(data.nodes.map(function (node) {
      return { id: node.id, hidden: !shownNodes[node.id], opacity: 1 };
    }));
    storyText.textContent = "";
    if (k === 0) {
      storyText.appendChild(el("p", "etg-story-head", "Path " + (story.path + 1) + ": how " + path.labels[0] + " can lead to " + path.labels[path.labels.length - 1]));
      storyText.appendChild(el("p", "etg-story-quote", "It starts with " + path.labels[0] + ". " + hops + (hops === 1 ? " step" : " steps") + " follow: press \u2192 or Next."));
    } else if (k <= hops) {
      var step = path.steps[k - 1];
      storyText.appendChild(el("p", "etg-story-head", "Step " + k + ": " + path.labels[k - 1] + " " + step.predicate + " " + path.labels[k]));
      var quote = step.quote === null || step.quote === undefined ? null : data.quotes[step.quote];
      storyText.appendChild(el("blockquote", "etg-story-quote", quote ? "\u201c" + quote + "\u201d" : "(no sentence recorded for this step)"));
      var line = certaintyLine(step.certainty);
      if (step.mechanisms.length) { line.appendChild(document.createTextNode(" Mechanism: " + step.mechanisms.join(", ") + ".")); }
      storyText.appendChild(line);
    } else {
      storyText.appendChild(el("p", "etg-story-head", "The whole path: " + path.labels.join(" \u2192 ")));
      var counters = [];
      path.nodes.forEach(function (id) { (data.counters[id] || []).forEach(function (c) { counters.push([id, c]); }); });
      if (counters.length) {
        storyText.appendChild(el("p", "etg-story-sub", "What counteracts each step:"));
        var ul = el("ul", "etg-story-counters");
        counters.forEach(function (pair) {
          var c = pair[1];
          ul.appendChild(el("li", null, c.from + " " + c.predicate + " " + data.info.nodes[pair[0]].label + " (" + (c.certainty || "certainty not given") + ")"));
        });
        storyText.appendChild(ul);
      } else {
        storyText.appendChild(el("p", "etg-story-sub", "The article names nothing that counteracts these steps."));
      }
    }
    storyCount.textContent = (k + 1) + " / " + storySteps(path);
    root.querySelector(".etg-story-back").disabled = k === 0;
    root.querySelector(".etg-story-next").disabled = k === storySteps(path) - 1;
    root.setAttribute("data-story-step", String(k));
  }
  function startStory(index) {
    if (!data.paths.length) { return; }
    if (index >= data.drawn) { expand(); }
    story = { path: index, step: 0, saved: network.getPositions() };
    // the story's chain on one straight row, each link one straight arrow: easy to follow, big on screen
    var chain = data.paths[index];
    nodes.update(chain.nodes.map(function (id, i) { return { id: id, x: i * STORY_GAP, y: 0 }; }));
    edges.update(chain.edges.map(function (id) {
      return { id: id, arrows: linkArrows(id), smooth: { enabled: true, type: "cubicBezier", forceDirection: "horizontal", roundness: 0.45 } };
    }));
    chain.edges.forEach(function (id) { route(id, false); });
    root.classList.add("etg-storying");
    storyBox.hidden = false;
    if (storyButton) { storyButton.setAttribute("aria-pressed", "true"); }
    network.redraw();
    renderStory();
    window.requestAnimationFrame(function () {
      network.setSize(container.clientWidth + "px", container.clientHeight + "px");
      fit(data.paths[index].nodes);
    });
    root.querySelector(".etg-story-next").focus({ preventScroll: true });
  }
  function move(delta) {
    if (!story) { return; }
    var last = storySteps(data.paths[story.path]) - 1;
    var next = Math.max(0, Math.min(last, story.step + delta));
    if (next !== story.step) { story.step = next; renderStory(); }
  }
  function stopStory() {
    if (!story) { return; }
    var saved = story.saved, chain = data.paths[story.path];
    story = null;
    nodes.update(chain.nodes.map(function (id) { return { id: id, x: saved[id].x, y: saved[id].y }; }));
    edges.update(chain.edges.map(function (id) {
      return { id: id, smooth: original[id].smooth || false, arrows: linkArrows(id) };
    }));
    if (!expanded) { chain.edges.forEach(function (id) { route(id, true); }); }
    root.classList.remove("etg-storying");
    storyBox.hidden = true;
    root.removeAttribute("data-story-step");
    if (storyButton) { storyButton.setAttribute("aria-pressed", "false"); storyButton.focus({ preventScroll: true }); }
    edges.update(data.edges.map(function (edge) { return { id: edge.id, hidden: original[edge.id].hidden }; }));
    nodes.update(data.nodes.map(function (node) { return { id: node.id, hidden: nodeOriginal[node.id].hidden }; }));
    show(selected);
    window.requestAnimationFrame(function () { network.setSize(container.clientWidth + "px", container.clientHeight + "px"); fit(); });
  }
  if (storyBox && storyButton) {
    storyButton.addEventListener("click", function () { if (story) { stopStory(); } else { startStory(selected === null ? 0 : selected); } });
    root.querySelector(".etg-story-next").addEventListener("click", function () { move(1); });
    root.querySelector(".etg-story-back").addEventListener("click", function () { move(-1); });
    root.querySelector(".etg-story-exit").addEventListener("click", stopStory);
    storyText.addEventListener("click", function () { move(1); });
    document.addEventListener("keydown", function (event) {
      if (!story || event.altKey || event.ctrlKey || event.metaKey) { return; }
      var active = document.activeElement;
      if (active && active !== document.body && !root.contains(active)) { return; }
      var key = event.key;
      if (key === "ArrowRight" || key === "PageDown" || key === "ArrowDown" || key === " ") { move(1); }
      else if (key === "ArrowLeft" || key === "PageUp" || key === "ArrowUp") { move(-1); }
      else if (key === "Home") { move(-1000); }
      else if (key === "End") { move(1000); }
      else if (key === "Escape") { stopStory(); }
      else { return; }
      event.preventDefault();
    });
  }
  // -- a side panel taller than the frame says there is more below (never silently cut off) -------
  var side = root.querySelector(".etg-side");
  // a narrow frame (a notebook's iframe) opens with the legend folded, so the list of paths fits
  var legendBox = root.querySelector(".etg-legend-box");
  if (legendBox && panel && !panel.hidden && root.clientWidth < 1100) { legendBox.open = false; }
  if (side) {
    var below = el("div", "etg-more-below");
    below.appendChild(el("span", null, "\u2193 more below (scroll)"));
    below.setAttribute("aria-hidden", "true");
    side.appendChild(below);
    var check = function () { below.hidden = side.scrollTop + side.clientHeight >= side.scrollHeight - 24; };
    side.addEventListener("scroll", check);
    window.addEventListener("resize", check);
    below.addEventListener("click", function () { side.scrollBy({ top: side.clientHeight * 0.8, behavior: "smooth" }); });
    root.addEventListener("etiograph:ready", check);
    if (legendBox) { legendBox.addEventListener("toggle", check); }
    // In a frame (a notebook's output): ask the host for the height the panel needs, so the list of
    // paths shows whole; diagram_iframe's script grows the frame (it only ever grows it, up to a cap).
    var fitFrame = function () {
      if (window.parent === window || root.closest("template") || document.querySelector(".etiograph-diagram") !== root) { return; }
      var extra = side.scrollHeight - side.clientHeight;
      if (extra > 1) {
        resized = true;
        window.parent.postMessage({ etiographHeight: document.documentElement.clientHeight + extra }, "*");
      }
    };
    var resized = false;  // the host grew the frame: draw the diagram to the new size once
    window.addEventListener("resize", function () { if (resized && !story) { resized = false; fit(); } });
    root.addEventListener("etiograph:ready", fitFrame);
    if (legendBox) { legendBox.addEventListener("toggle", fitFrame); }
    window.setTimeout(check, 0);
  }
  var printButton = root.querySelector(".etg-print");
  if (printButton) { printButton.addEventListener("click", function () { window.print(); }); }

  network.once("afterDrawing", function () {
    if (data.paths && data.paths.length && (root.getAttribute("data-story") === "1" || /(^|[#&])story\b/.test(window.location.hash))) {
      startStory(0);
    } else if (fitted !== container.clientWidth + "x" + container.clientHeight) {
      fit();  // the frame changed size since the fit before this first frame (else: no second frame)
    }
    if (data.detail) { detail(network.getScale()); }
    ready();
  });
  fit();
  if (list) { show(null); }  // path diagrams: every drawn path at full strength

  root.etiograph = {
    network: network, nodes: nodes, edges: edges, data: data,
    story: { start: startStory, next: function () { move(1); }, back: function () { move(-1); }, stop: stopStory,
             state: function () { return story ? { path: story.path, step: story.step } : null; } },
    expand: expand, fit: fit
  };
  window.etiographDiagrams = (window.etiographDiagrams || []).concat([root.etiograph]);
  window.etiographNetwork = network;
  }
  window.etiographStart = start;
  start(first);
})();
