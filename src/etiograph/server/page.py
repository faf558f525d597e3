"""The query page at ``/``: YASGUI pointed at ``/sparql``, the named queries as one-click examples.

Everything the page loads is served from the package (``static/``), by relative URL, so the page
works offline and behind a path prefix; the response carries a Content-Security-Policy that
forbids the browser from loading or contacting anything else.

>>> html = query_page(triples=5, timeout=30, max_rows=100, diagram=False)
>>> 'src="static/yasgui/yasgui.min.js"' in html, 'href="diagram"' in html
(True, False)
"""

from __future__ import annotations

import html
import json

from ..sparql.named import all_queries

#: What the browser may load on the query page: this server only (styles inline for YASGUI).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'self'"
)
STARTER = "concepts"

_TEMPLATE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>etiograph — SPARQL query</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="static/yasgui/yasgui.min.css">
<link rel="stylesheet" href="static/etiograph.css">
<script src="static/yasgui/yasgui.min.js" defer></script>
<script src="static/etiograph.js" defer></script>
<script type="application/json" id="etiograph-config">{config}</script>
</head>
<body>
<header>
  <h1>etiograph <span>SPARQL endpoint</span></h1>
  <p class="facts">{triples:,} triples · read-only · a query stops after {timeout:g} s · at most {max_rows:,} rows</p>
  <nav>
    <a href="sparql" title="SPARQL 1.1 Service Description (Turtle)">Service description</a>
    <a href="void" title="VoID description of the dataset (Turtle)">VoID</a>
    {diagram_link}
    <a href="static/yasgui/LICENSE">Editor licence</a>
  </nav>
</header>
<main>
  <aside>
    <h2>Example queries</h2>
    <p class="hint">One click runs it. Parameters (<code>?source</code>, <code>?target</code>…) stay unbound: the query
    answers for every value; bind one with <code>VALUES ?source {{ kg:fever }}</code>.</p>
    <ul>
{examples}
    </ul>
  </aside>
  <section>
    <p id="status" role="status"></p>
    <div id="yasgui"></div>
    <noscript>This page needs JavaScript. Without it, query <code>sparql</code> with curl or SPARQLWrapper.</noscript>
  </section>
</main>
</body>
</html>
"""


def _example(name: str, title: str, description: str, parameters: tuple[str, ...]) -> str:
    params = f' <span class="params">({", ".join("?" + p for p in parameters)})</span>' if parameters else ""
    return (
        f'      <li><button type="button" data-query="{html.escape(name)}" title="{html.escape(description)}">'
        f"{html.escape(title)}</button>{params}</li>"
    )


def page_config() -> dict:
    """What the page's script needs: the endpoint (relative) and the named queries."""
    queries = [
        {"name": q.name, "title": q.title, "text": q.text, "parameters": [p.name for p in q.parameters]}
        for q in all_queries().values()
    ]
    starter = next((q["text"] for q in queries if q["name"] == STARTER), queries[0]["text"] if queries else "")
    return {"endpoint": "sparql", "queries": queries, "starter": starter}


def query_page(*, triples: int, timeout: float, max_rows: int, diagram: bool) -> str:
    """The page's HTML."""
    config = json.dumps(page_config(), ensure_ascii=False).replace("</", "<\\/")
    examples = "\n".join(
        _example(q.name, q.title, q.description, tuple(p.name for p in q.parameters)) for q in all_queries().values()
    )
    link = '<a href="diagram" title="The interactive causal diagram">Diagram</a>' if diagram else ""
    return _TEMPLATE.format(
        config=config, triples=triples, timeout=timeout, max_rows=max_rows, diagram_link=link, examples=examples
    )
