"""SPARQL as text and as answers, apart from any store: :mod:`.named` reads the named ``.rq`` files of
``queries/`` and binds their parameters as terms (never spliced as text); :mod:`.results` writes
answers in the W3C results formats (JSON, XML, CSV, TSV) and as tables. Nothing here runs a query:
that is the KnowledgeGraph's job (``kg.run_named``, ``kg.query``).

Imports nothing on its own, so ``etiograph --help`` does not pay for what it does not use.
"""
