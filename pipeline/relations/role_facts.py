"""Facts from the roles that introduce people: the bridge to pipeline/roles.py."""
from __future__ import annotations

from spacy.tokens import Doc

from pipeline.mentions import Mention
from pipeline.modality import modality
from pipeline.relations.resolver import Resolver
from pipeline.relations.triggers import Triggers
from pipeline.relations.values import Extraction, Value, accept
from pipeline.roles import Role, RoleValue, find_roles, role_facts


def role_extractions(doc: Doc, mentions: list[Mention], triggers: Triggers, resolver: Resolver) -> list[Extraction]:
    """Facts from the roles that introduce people ("Kestrel Bank economist Ilse Marten"): pipeline/roles.py."""
    out = []
    for role in find_roles(doc, mentions, triggers.role_lexicon, resolver.pronoun_spans):
        if resolver.is_author(role.person.name):
            continue
        for pred in triggers.roles:
            for subject, obj, extractor, confidence in role_facts(role, pred):
                subj_value, obj_value = _role_value(subject, role), _role_value(obj, role)
                if accept(pred, subj_value, obj_value):
                    stated = "asserted" if role.verb is None else modality(doc[role.verb])
                    out.append(Extraction(pred.name, subj_value, obj_value, role.person.sentence_index, extractor,
                                          confidence, modality=stated))
    return out


def _role_value(value: RoleValue, role: Role) -> Value:
    """The fact's side; the person a pronoun stood for cites the sentence that named them."""
    if role.antecedent_sentence is not None and value.text == role.person.name and value.type == "PERSON":
        return Value(value.text, value.type, via_coref=True, antecedent_sentence=role.antecedent_sentence)
    return Value(value.text, value.type, span=value.span)
