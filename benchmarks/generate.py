"""Deterministic synthetic causal graphs in etiograph's ontology, for the scale benchmark.

    python benchmarks/generate.py --claims 100000 -o /tmp/etiograph-bench/claims-100000.nt

Writes N-Triples (``.nt``, fastest to write and to load) or Turtle (``.ttl``) and, next to it,
a JSON sidecar (``FILE.json``) naming the benchmark's query endpoints with the answers they must
give (path counts by length, ancestor counts), so the benchmark can check results, not only time.

Shape of the graph (all drawn from one seeded ``random.Random``):

* concepts ≈ claims / 4, each ``a etio:<Class>, skos:Concept``, ``skos:inScheme kg:concepts``,
  one ``skos:prefLabel`` and one ``skos:altLabel`` (both ``@en``);
* 8 layers of concepts; ~90% of claims are causal (sub-properties of etio:causesOrContributesTo):
  mostly layer i → i+1, some skip edges i → i+2, some edges within a layer (layers ≥ 3), some
  back-edges (into layers ≥ 3, making cycles) and ~5% into a few hubs of the last layer (high
  in-degree). Layers 0–2 stay acyclic, so a layer-2 concept has tens of ancestors;
* ~10% counteracting claims (etio:treats, etio:prevents, ...), which paths never follow;
* every claim written twice like ``graph/claims.ttl``: the direct triple, and a claim node with
  rdf:subject/predicate/object, etio:certainty, etio:mechanism, etio:inSection,
  prov:wasDerivedFrom and etio:evidence → [ oa:hasSelector [ oa:exact "…" ] ] (12 triples/claim);
* planted paths of 2, 3 and 4 hops between the named source and target.

Output is streamed claim by claim; only compact integer arrays of the causal edges are kept, to
compute the sidecar's expected answers.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from array import array
from collections import deque
from pathlib import Path

ETIO = "https://w3id.org/etiograph/ontology#"
MECH = "https://w3id.org/etiograph/ontology/mechanism/"
CERT = "https://w3id.org/etiograph/ontology/certainty/"
KG = "https://w3id.org/etiograph/kg/"
CLAIM = "https://w3id.org/etiograph/kg/claim/"
SOURCE = "https://w3id.org/etiograph/kg/source/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
OA = "http://www.w3.org/ns/oa#"
DCTERMS = "http://purl.org/dc/terms/"

PREFIXES = {
    "etio": ETIO,
    "mech": MECH,
    "cert": CERT,
    "kg": KG,
    "claim": CLAIM,
    "source": SOURCE,
    "rdf": RDF,
    "skos": SKOS,
    "prov": PROV,
    "oa": OA,
    "dcterms": DCTERMS,
}

#: Positive causal sub-properties (what paths follow), with drawing weights.
CAUSAL = {
    "causes": 30,
    "contributesTo": 25,
    "increasesRiskOf": 20,
    "exacerbates": 10,
    "progressesTo": 5,
    "hasAdverseEffect": 5,
    "promptsUseOf": 5,
}
COUNTERACTING = {"treats": 30, "prevents": 25, "reducesRiskOf": 20, "alleviates": 15, "replenishes": 10}
CERTAINTY = {
    "asserted": 20,
    "often": 15,
    "can": 25,
    "recommended": 5,
    "may": 20,
    "linked": 5,
    "sometimes": 4,
    "occasionally": 3,
    "less-common": 2,
    "rare": 1,
}
MECHANISMS = ["inflammation", "electrolytes", "medication", "kidney", "referred-pain", "lifestyle", "infection-risk"]
VERBS = {
    "causes": "causes",
    "contributesTo": "contributes to",
    "increasesRiskOf": "raises the risk of",
    "exacerbates": "makes worse",
    "progressesTo": "can progress to",
    "hasAdverseEffect": "has the side effect",
    "promptsUseOf": "prompts the use of",
    "treats": "treats",
    "prevents": "prevents",
    "reducesRiskOf": "lowers the risk of",
    "alleviates": "eases",
    "replenishes": "replenishes",
}
#: Concept classes by layer (rotating within a layer).
LAYER_CLASSES = [
    ["Behaviour", "Condition", "Food", "Nutrient"],
    ["Condition", "Infection", "DrugClass"],
    ["Condition", "Infection", "PhysiologicalState"],
    ["PhysiologicalState", "PhysiologicalProcess"],
    ["PhysiologicalProcess", "PhysiologicalState", "DrugClass"],
    ["PhysiologicalState", "PhysiologicalProcess", "Nutrient"],
    ["SignOrSymptom", "PhysiologicalState"],
    ["SignOrSymptom"],
]
ADJECTIVES = ["acute", "chronic", "renal", "muscular", "systemic", "low", "high", "nocturnal", "mild", "severe"]
NOUNS = ["strain", "deficit", "response", "irritation", "imbalance", "loss", "fatigue", "spasm", "stress", "load"]

LAYERS = 8
SECTIONS = 16
#: Share of causal claims of each kind (the rest are plain forward edges i → i+1).
HUB_SHARE, BACK_SHARE, WITHIN_SHARE, SKIP_SHARE = 0.05, 0.03, 0.04, 0.08
COUNTER_SHARE = 0.10
#: Layers that may receive back-edges and within-layer edges (layers below stay acyclic).
CYCLIC_FROM = 3


class Layout:
    """Which concept index lies in which layer; hubs are the first concepts of the last layer."""

    def __init__(self, concepts: int):
        self.concepts = concepts
        self.starts = [layer * concepts // LAYERS for layer in range(LAYERS + 1)]
        self.hubs = list(range(self.starts[LAYERS - 1], self.starts[LAYERS - 1] + max(3, 5 + concepts // 50_000)))

    def layer_of(self, index: int) -> int:
        for layer in range(LAYERS):
            if index < self.starts[layer + 1]:
                return layer
        raise IndexError(index)

    def pick(self, rng: random.Random, layer: int) -> int:
        return rng.randrange(self.starts[layer], self.starts[layer + 1])

    def pick_non_hub(self, rng: random.Random, layer: int) -> int:
        while True:
            index = self.pick(rng, layer)
            if index not in self.hubs or layer != LAYERS - 1:
                return index


def label(index: int) -> str:
    return f"{ADJECTIVES[index % 10]} {NOUNS[(index // 10) % 10]} {index}"


class Writer:
    """Writes triples as N-Triples, or as Turtle with prefixed names; counts them."""

    def __init__(self, out, turtle: bool):
        self.out = out
        self.turtle = turtle
        self.count = 0
        self.buffer: list[str] = []
        if turtle:
            out.write("".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items()) + "\n")

    def iri(self, prefix: str, local: str) -> str:
        return f"{prefix}:{local}" if self.turtle else f"<{PREFIXES[prefix]}{local}>"

    def triple(self, s: str, p: str, o: str) -> None:
        self.buffer.append(f"{s} {p} {o} .\n")
        self.count += 1
        if len(self.buffer) >= 4096:
            self.flush()

    def flush(self) -> None:
        self.out.write("".join(self.buffer))
        self.buffer.clear()


def literal(text: str, language: str | None = "en") -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"@{language}' if language else f'"{escaped}"'


def weighted(rng: random.Random, table: dict[str, int]) -> list[str]:
    """A 1000-slot lookup list so drawing is one randrange."""
    total = sum(table.values())
    slots = [name for name, weight in table.items() for _ in range(round(1000 * weight / total))]
    rng.shuffle(slots)
    return slots


class Generator:
    def __init__(self, claims: int, seed: int):
        self.claims = claims
        self.rng = random.Random(seed)
        self.layout = Layout(max(claims // 4, 64))
        self.causal_draw = weighted(self.rng, CAUSAL)
        self.counter_draw = weighted(self.rng, COUNTERACTING)
        self.cert_draw = weighted(self.rng, CERTAINTY)
        #: Causal edges (subject, object) as concept indexes, for the sidecar's expected answers.
        self.edge_s = array("l")
        self.edge_o = array("l")

    # -- planted structure -------------------------------------------------------------------
    def endpoints(self) -> tuple[int, int]:
        lay = self.layout
        return lay.starts[2] + 1, lay.starts[5] + 1

    def planted(self) -> list[tuple[int, int]]:
        """Causal edges giving 2-, 3- and 4-hop paths source → target (layer 2 → layer 5)."""
        rng, lay = random.Random(7), self.layout
        source, target = self.endpoints()
        edges = []
        for _ in range(2):  # 2 hops: skip edge 2 → 4, then 4 → 5
            x = lay.pick_non_hub(rng, 4)
            edges += [(source, x), (x, target)]
        for _ in range(3):  # 3 hops: 2 → 3 → 4 → 5
            a, b = lay.pick(rng, 3), lay.pick(rng, 4)
            edges += [(source, a), (a, b), (b, target)]
        for _ in range(2):  # 4 hops: 2 → 3 → 4 → 4 (within layer) → 5
            a, b, c = lay.pick(rng, 3), lay.pick(rng, 4), lay.pick(rng, 4)
            edges += [(source, a), (a, b), (b, c), (c, target)]
        return [(s, o) for s, o in edges if s != o]

    # -- random structure --------------------------------------------------------------------
    def causal_edge(self) -> tuple[int, int]:
        rng, lay = self.rng, self.layout
        roll = rng.random()
        if roll < HUB_SHARE:
            return lay.pick(rng, rng.randrange(LAYERS - 3, LAYERS - 1)), rng.choice(lay.hubs)
        roll -= HUB_SHARE
        if roll < BACK_SHARE:
            sl = rng.randrange(CYCLIC_FROM + 1, LAYERS)
            return lay.pick(rng, sl), lay.pick_non_hub(rng, rng.randrange(CYCLIC_FROM, sl))
        roll -= BACK_SHARE
        if roll < WITHIN_SHARE:
            layer = rng.randrange(CYCLIC_FROM, LAYERS)
            return lay.pick(rng, layer), lay.pick_non_hub(rng, layer)
        roll -= WITHIN_SHARE
        if roll < SKIP_SHARE:
            ol = rng.randrange(2, LAYERS)
            return lay.pick(rng, ol - 2), lay.pick_non_hub(rng, ol)
        ol = rng.randrange(1, LAYERS)
        return lay.pick(rng, ol - 1), lay.pick_non_hub(rng, ol)

    # -- output ------------------------------------------------------------------------------
    def write(self, out, turtle: bool) -> dict:
        w = Writer(out, turtle)
        lay = self.layout
        rdf_type = w.iri("rdf", "type")
        source_doc = w.iri("source", "synthetic")
        sections = [w.iri("source", f"synthetic--section-{k}") for k in range(SECTIONS)]
        # Header: the source document, its sections, the concept scheme.
        w.triple(source_doc, rdf_type, w.iri("etio", "SourceDocument"))
        w.triple(source_doc, w.iri("dcterms", "title"), literal("Synthetic benchmark source"))
        for k, section in enumerate(sections):
            w.triple(section, rdf_type, w.iri("etio", "SourceSection"))
            w.triple(source_doc, w.iri("dcterms", "hasPart"), section)
            w.triple(section, w.iri("etio", "sectionOrder"), f'"{k + 1}"^^<http://www.w3.org/2001/XMLSchema#integer>')
        scheme = w.iri("kg", "concepts")
        w.triple(scheme, rdf_type, w.iri("skos", "ConceptScheme"))
        w.triple(scheme, w.iri("skos", "prefLabel"), literal("etiograph concepts"))

        source, target = self.endpoints()
        names = {source: "bench source", target: "bench target"}
        # Concepts.
        p_label, p_alt, p_scheme = w.iri("skos", "prefLabel"), w.iri("skos", "altLabel"), w.iri("skos", "inScheme")
        skos_concept = w.iri("skos", "Concept")
        classes = [[w.iri("etio", c) for c in layer] for layer in LAYER_CLASSES]
        for layer in range(LAYERS):
            for i in range(lay.starts[layer], lay.starts[layer + 1]):
                node = w.iri("kg", f"syn-{i}")
                w.triple(node, rdf_type, classes[layer][i % len(classes[layer])])
                w.triple(node, rdf_type, skos_concept)
                w.triple(node, p_scheme, scheme)
                w.triple(node, p_label, literal(label(i)))
                w.triple(node, p_alt, literal(names.get(i, f"SC{i}")))

        # Claims: planted ones first, then random ones up to the requested count.
        p_subject, p_predicate, p_object = w.iri("rdf", "subject"), w.iri("rdf", "predicate"), w.iri("rdf", "object")
        p_cert, p_mech, p_section = w.iri("etio", "certainty"), w.iri("etio", "mechanism"), w.iri("etio", "inSection")
        p_derived, p_evidence = w.iri("prov", "wasDerivedFrom"), w.iri("etio", "evidence")
        p_selector, p_exact = w.iri("oa", "hasSelector"), w.iri("oa", "exact")
        causal_claim, counter_claim = w.iri("etio", "CausalClaim"), w.iri("etio", "CounteractingClaim")
        certs = {c: w.iri("cert", c) for c in CERTAINTY}
        mechs = [w.iri("mech", m) for m in MECHANISMS]
        preds = {p: w.iri("etio", p) for p in VERBS}
        rng = self.rng
        planted = self.planted()
        counted = {"causal": 0, "counteracting": 0}
        for k in range(self.claims):
            if k < len(planted):
                (s, o), counter = planted[k], False
            elif rng.random() < COUNTER_SHARE:
                s, o, counter = rng.randrange(lay.concepts), rng.randrange(lay.concepts), True
            else:
                (s, o), counter = self.causal_edge(), False
            if s == o:
                o = (o + 1) % lay.concepts
            pname = self.counter_draw[rng.randrange(1000)] if counter else self.causal_draw[rng.randrange(1000)]
            counted["counteracting" if counter else "causal"] += 1
            if not counter:
                self.edge_s.append(s)
                self.edge_o.append(o)
            subj, obj, pred = w.iri("kg", f"syn-{s}"), w.iri("kg", f"syn-{o}"), preds[pname]
            claim = w.iri("claim", f"syn-{k}")
            ev, sel = f"_:ev{k}", f"_:sel{k}"
            w.triple(subj, pred, obj)
            w.triple(claim, rdf_type, counter_claim if counter else causal_claim)
            w.triple(claim, p_subject, subj)
            w.triple(claim, p_predicate, pred)
            w.triple(claim, p_object, obj)
            w.triple(claim, p_cert, certs[self.cert_draw[rng.randrange(1000)]])
            w.triple(claim, p_mech, mechs[rng.randrange(len(mechs))])
            w.triple(claim, p_section, sections[k % SECTIONS])
            w.triple(claim, p_derived, source_doc)
            w.triple(claim, p_evidence, ev)
            w.triple(ev, p_selector, sel)
            quote = f"Synthetic sentence {k}: {label(s)} {VERBS[pname]} {label(o)}."
            w.triple(sel, p_exact, literal(quote, None))
        w.flush()
        return {"triples": w.count, **counted}

    # -- expected answers --------------------------------------------------------------------
    def adjacency(self, reverse: bool) -> tuple[array, array]:
        """CSR (offsets, targets) of the distinct causal edges, forward or reversed."""
        n = self.layout.concepts
        pairs = sorted(set(zip(self.edge_o, self.edge_s) if reverse else zip(self.edge_s, self.edge_o)))
        offsets = array("l", [0]) * (n + 1)
        for u, _ in pairs:
            offsets[u + 1] += 1
        for i in range(n):
            offsets[i + 1] += offsets[i]
        return offsets, array("l", (v for _, v in pairs))

    @staticmethod
    def reach(csr: tuple[array, array], start: int) -> int:
        offsets, targets = csr
        seen = {start}
        queue = deque([start])
        while queue:
            u = queue.popleft()
            for v in targets[offsets[u] : offsets[u + 1]]:
                if v not in seen:
                    seen.add(v)
                    queue.append(v)
        return len(seen) - 1

    @staticmethod
    def count_paths(csr: tuple[array, array], source: int, target: int, max_hops: int) -> dict[int, int]:
        offsets, targets = csr
        counts = dict.fromkeys(range(1, max_hops + 1), 0)

        def walk(node: int, on_path: set[int], depth: int) -> None:
            for v in targets[offsets[node] : offsets[node + 1]]:
                if v == target:
                    counts[depth + 1] += 1
                elif v not in on_path and depth + 1 < max_hops:
                    on_path.add(v)
                    walk(v, on_path, depth + 1)
                    on_path.discard(v)

        walk(source, {source}, 0)
        return counts

    def sidecar(self) -> dict:
        lay = self.layout
        forward, backward = self.adjacency(False), self.adjacency(True)
        source, target = self.endpoints()
        # Small upstream: the first layer-2 concept (not the source) with 20-80 ancestors.
        small, small_n = None, 0
        for i in range(lay.starts[2], lay.starts[3]):
            if i == source:
                continue
            n = self.reach(backward, i)
            if small is None or abs(n - 40) < abs(small_n - 40):
                small, small_n = i, n
            if 20 <= n <= 80:
                break
        # Large upstream: the hub with the most ancestors.
        large, large_n = max(((h, self.reach(backward, h)) for h in lay.hubs), key=lambda hn: hn[1])

        def concept(i: int, **extra) -> dict:
            return {"iri": f"{KG}syn-{i}", "label": label(i), "layer": lay.layer_of(i), **extra}

        return {
            "concepts": lay.concepts,
            "causal_edges": len(set(zip(self.edge_s, self.edge_o))),
            "source": concept(source, alt_label="bench source"),
            "target": concept(target, alt_label="bench target"),
            "paths_max_hops": 4,
            "expected_paths": self.count_paths(forward, source, target, 4),
            "small_upstream": concept(small, ancestors=small_n),
            "large_upstream": concept(large, ancestors=large_n),
            "hubs": [concept(h, in_degree=backward[0][h + 1] - backward[0][h]) for h in lay.hubs],
            "causal_predicates": [ETIO + p for p in CAUSAL],
        }


def generate(claims: int, output: Path, seed: int = 42) -> dict:
    """Write the graph and its sidecar; return the sidecar's content."""
    output.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    gen = Generator(claims, seed)
    tmp = output.with_name(output.name + ".part")
    with tmp.open("w", encoding="utf-8", buffering=1 << 20) as out:
        counts = gen.write(out, turtle=output.suffix == ".ttl")
    tmp.replace(output)
    written = time.perf_counter() - started
    meta = {"claims": claims, "seed": seed, "file": str(output), "format": output.suffix.lstrip("."), **counts}
    meta.update(gen.sidecar())
    meta["generation_seconds"] = round(written, 2)
    meta["sidecar_seconds"] = round(time.perf_counter() - started - written, 2)
    meta["bytes"] = output.stat().st_size
    sidecar_path(output).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return meta


def sidecar_path(output: Path) -> Path:
    return output.with_name(output.name + ".json")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, required=True, help="number of claims (e.g. 1000, 1000000)")
    parser.add_argument("-o", "--output", type=Path, required=True, help="FILE.nt (N-Triples) or FILE.ttl (Turtle)")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    if args.output.suffix not in (".nt", ".ttl"):
        parser.error("the output must end in .nt or .ttl")
    meta = generate(args.claims, args.output, args.seed)
    print(
        f"wrote {args.output}: {meta['claims']:,} claims, {meta['concepts']:,} concepts, {meta['triples']:,} triples, "
        f"{meta['bytes'] / 1e6:.1f} MB in {meta['generation_seconds']:.1f} s "
        f"(+{meta['sidecar_seconds']:.1f} s for {sidecar_path(args.output).name})",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
