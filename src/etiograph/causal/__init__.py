"""The causal structure of the graph: what follows from the spine of causal relations."""
