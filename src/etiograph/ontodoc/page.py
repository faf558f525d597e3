"""The documentation as one self-contained HTML page: inline CSS, no script, no remote asset.

Every term gets an entry whose ``id`` is its CURIE (``etio-causes``, ``kg-fever``) and whose
``data-iri`` is its IRI, so the w3id IRIs can redirect to ``/ontology#…`` and tests can find each one.
Links to terms documented here are in-page; other IRIs are plain outbound links (never loaded).
"""

from __future__ import annotations

import re

from ..markup import escape
from ..vocab import ETIO, shorten
from .model import Documentation, Entry

CSS = """
:root { --ink: #1f2933; --muted: #52606d; --line: #d9dee5; --accent: #1d5fa8; --bg: #f7f8fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); }
header.top { padding: 24px 32px 12px; border-bottom: 1px solid var(--line); }
header.top h1 { margin: 0 0 6px; font-size: 26px; }
.layout { display: grid; grid-template-columns: 260px 1fr; }
nav.toc { position: sticky; top: 0; align-self: start; max-height: 100vh; overflow: auto; padding: 16px;
  border-right: 1px solid var(--line); background: var(--bg); font-size: 13px; }
nav.toc ul { list-style: none; margin: 0 0 12px; padding: 0 0 0 8px; }
nav.toc h2 { font-size: 13px; margin: 12px 0 4px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
main { padding: 8px 32px 48px; max-width: 1000px; }
section > h2 { margin-top: 32px; border-bottom: 2px solid var(--line); padding-bottom: 4px; }
article.entry { border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; margin: 14px 0; }
article.entry:target { border-color: var(--accent); box-shadow: 0 0 0 3px #d6e6f8; }
article.entry h3 { margin: 0 0 4px; font-size: 18px; }
.kind { font-size: 12px; color: var(--muted); font-weight: normal; margin-left: 8px; }
code, .iri { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 13px; }
.iri { color: var(--muted); word-break: break-all; }
dl { display: grid; grid-template-columns: 150px 1fr; gap: 4px 12px; margin: 8px 0 0; }
dt { color: var(--muted); }
dd { margin: 0; }
a { color: var(--accent); }
ul.claims { margin: 4px 0 0; padding-left: 18px; }
ul.claims li { margin: 2px 0; }
q { color: #3e4c59; }
.deprecated { color: #b23a32; font-weight: 600; }
table.meta td { padding: 2px 12px 2px 0; vertical-align: top; }
"""

#: The only IRIs made into links: web addresses (a data file could name ``javascript:`` IRIs).
_WEB = re.compile(r"https?://[^\s\"'<>]+\Z")

#: Longest claim list shown in full under one concept (a certainty level can have a hundred).
CLAIMS_SHOWN = 60


def render(doc: Documentation, *, gallery: str | None = None) -> str:
    """The page; ``gallery`` is a relative link to the diagram gallery, when there is one."""
    documented = {e.iri: e.anchor for e in doc.entries()}
    reserved = {*documented.values(), "classes", "object-properties", "datatype-properties"}
    reserved |= {f"scheme-{s.concepts[0].anchor if s.concepts else i}" for i, s in enumerate(doc.schemes)}

    def link(iri: str) -> str:
        name = escape(doc.labels.get(iri) or shorten(iri))
        if iri in documented:
            return f'<a href="#{escape(documented[iri])}">{name}</a>'
        curie = shorten(iri)
        shown = (
            name
            if curie == iri
            else f"{name} <code>{escape(curie)}</code>"
            if name != curie
            else f"<code>{name}</code>"
        )
        if not _WEB.match(iri):  # javascript:, data: ... are shown, never made clickable
            return shown
        return f'<a href="{escape(iri)}" rel="noopener">{shown}</a>'

    def links(iris: list[str]) -> str:
        return ", ".join(link(i) for i in iris)

    def claim_line(entry: Entry, claim) -> str:
        subject, predicate, obj = (link(claim.subject), link(claim.predicate), link(claim.object))
        extra = []
        if claim.certainty:
            extra.append(escape(claim.certainty))
        if claim.mechanisms:
            extra.append(escape(", ".join(claim.mechanisms)))
        quote = f" <q>{escape(claim.texts[0])}</q>" if claim.texts else ""
        meta = f' <span class="kind">({"; ".join(extra)}) <code>{escape(shorten(claim.iri))}</code></span>'
        return f"<li>{subject} — {predicate} → {obj}{meta}{quote}</li>"

    def entry_html(entry: Entry) -> str:
        rows = [("IRI", f'<span class="iri">{escape(entry.iri)}</span>')]
        if entry.notation:
            rows.append(("Notation", f"<code>{escape(entry.notation)}</code>"))
        if entry.definition:
            rows.append(("Definition", escape(entry.definition)))
        for comment in entry.comments:
            rows.append(("Comment", escape(comment)))
        if entry.alt_labels:
            rows.append(("Also called", escape(", ".join(entry.alt_labels))))
        if entry.types:
            rows.append(("Kind", links(entry.types)))
        if entry.parents:
            rows.append(
                ({"concept": "Broader", "class": "Subclass of"}.get(entry.kind, "Subproperty of"), links(entry.parents))
            )
        if entry.children:
            rows.append(("Narrower", links(sorted(entry.children, key=lambda i: doc.labels.get(i, i)))))
        if entry.domain:
            rows.append(("Domain", links(entry.domain)))
        if entry.range:
            rows.append(("Range", links(entry.range)))
        if entry.rank is not None:
            rows.append(("Rank", str(entry.rank)))
        for name, targets in entry.mappings.items():
            rows.append((f"skos:{name}", links(targets)))
        if entry.kind == "concept":
            shown = entry.claims[:CLAIMS_SHOWN]
            items = "".join(claim_line(entry, c) for c in shown)
            more = f"<li>… and {len(entry.claims) - len(shown)} more</li>" if len(entry.claims) > len(shown) else ""
            body = f'<ul class="claims">{items}{more}</ul>' if entry.claims else "none"
            rows.append((f"Claims ({len(entry.claims)})", body))
        if entry.kind != "concept":
            rows[0] = ("IRI", rows[0][1] + f" <code>{escape(shorten(entry.iri))}</code>")
        dl = "".join(f"<dt>{name}</dt><dd>{value}</dd>" for name, value in rows)
        flag = ' <span class="deprecated">deprecated</span>' if entry.deprecated else ""
        # the ontology's own fragment too (#causes), so https://w3id.org/etiograph/ontology#causes lands here
        # when the w3id redirect points at this page: browsers carry the fragment across the redirect
        fragment = entry.iri.removeprefix(ETIO) if entry.iri.startswith(ETIO) else None
        alias = f'<span id="{escape(fragment)}"></span>' if fragment and fragment not in reserved else ""
        return (
            f'<article class="entry" id="{escape(entry.anchor)}" data-iri="{escape(entry.iri)}" data-kind="{escape(entry.kind)}">'
            f'{alias}<h3>{escape(entry.label)}<span class="kind">{escape(entry.kind)}</span>{flag}</h3><dl>{dl}</dl></article>'
        )

    sections = [
        ("classes", "Classes", doc.classes),
        ("object-properties", "Object properties", doc.object_properties),
        ("datatype-properties", "Datatype properties", doc.datatype_properties),
    ] + [
        (f"scheme-{s.concepts[0].anchor if s.concepts else i}", s.label, s.concepts) for i, s in enumerate(doc.schemes)
    ]
    scheme_intro = {s.label: s for s in doc.schemes}
    toc, body = [], []
    for anchor, heading, entries in sections:
        toc.append(
            f'<h2><a href="#{escape(anchor)}">{escape(heading)}</a> ({len(entries)})</h2><ul>'
            + "".join(f'<li><a href="#{escape(e.anchor)}">{escape(e.label)}</a></li>' for e in entries)
            + "</ul>"
        )
        intro = ""
        if heading in scheme_intro:
            scheme = scheme_intro[heading]
            intro = f'<p class="iri">{escape(scheme.iri)}</p>' + (
                f"<p>{escape(scheme.definition)}</p>" if scheme.definition else ""
            )
        body.append(
            f'<section id="{escape(anchor)}"><h2>{escape(heading)}</h2>{intro}'
            + "".join(entry_html(e) for e in entries)
            + "</section>"
        )
    meta = "".join(f"<tr><td>{escape(k)}</td><td>{_value(v)}</td></tr>" for k, v in doc.metadata)
    gallery_link = f' · <a href="{escape(gallery)}">Diagram gallery</a>' if gallery else ""
    counts = (
        f"{len(doc.classes)} classes, {len(doc.object_properties) + len(doc.datatype_properties)} properties, "
        f"{sum(len(s.concepts) for s in doc.schemes)} concepts in {len(doc.schemes)} schemes"
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(doc.title)}: documentation</title>
<style>{CSS}</style>
</head>
<body>
<header class="top"><h1>{escape(doc.title)}</h1>
<p>{escape(doc.description or "")}</p>
<p class="kind">{escape(counts)}. Generated by <code>etiograph docs</code> from the Turtle sources{gallery_link}</p>
<table class="meta">{meta}</table></header>
<div class="layout">
<nav class="toc" aria-label="Contents">{"".join(toc)}</nav>
<main>{"".join(body)}</main>
</div>
</body>
</html>
"""


def _value(text: str) -> str:
    if _WEB.match(text):
        return f'<a href="{escape(text)}" rel="noopener">{escape(text)}</a>'
    return escape(text)
