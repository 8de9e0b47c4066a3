"""Registry-driven fact extraction from dependency parses.

Each registry frame names where a fact's subject and object sit relative to a
trigger verb or role noun (agent, patient, prep:P, referent, of). This package
finds those tokens in either voice, expands coordination ("A and B", "A
alongside B"), resolves them to the document's mentions, dates, or, for
definite noun phrases ("the film"), the nearest preceding fitting mention.

values.py says what an extraction is and whether a pair fits a predicate; arguments.py finds a frame's
arguments in the parse; resolver.py turns them into values. One module per extractor family: verbs.py
(verb frames and the surface fallback), nouns.py (role nouns and possessives), places.py (a place and where
it lies), lifespans.py, makers.py (by-lines and possessive makers), awards.py (award modifiers) and
role_facts.py (the roles of pipeline/roles.py). triggers.py indexes the registry by trigger; driver.py runs
every family over a document.
"""
from pipeline.gazetteer import is_country
from pipeline.relations.driver import extract_relations, stated_modality
from pipeline.relations.triggers import Triggers
from pipeline.relations.values import Extraction, Value

__all__ = ["Extraction", "Triggers", "Value", "extract_relations", "is_country", "stated_modality"]
