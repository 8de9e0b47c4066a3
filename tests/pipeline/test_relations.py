"""Extraction rules on tiny documents we wrote (the rules, not the examples, are under test)."""
import pytest

from pipeline.extract import _triggers, document_rows
from pipeline.mentions import document_mentions
from pipeline.nlp import title_spans
from pipeline.relations import extract_relations


def triples(nlp, text, author=None):
    doc = nlp(text)
    return {(e.subject.text, e.predicate, e.object.text) for e in extract_relations(doc, document_mentions(doc), author)}


def modalities(nlp, text, predicate):
    doc = nlp(text)
    return {e.modality for e in extract_relations(doc, document_mentions(doc)) if e.predicate == predicate}


def test_quoted_titles_only_when_title_like():
    text = 'She starred in “Low Lantern” and said "we only make the films we love" in \'The Fox\'.'
    found = [text[s:e] for s, e in title_spans(text)]
    assert found == ["Low Lantern", "The Fox"]


def test_passive_with_coordinated_agents(nlp):
    facts = triples(nlp, '"Salt Road" was directed by Mara Quint and Tobias Wren.')
    assert {("Salt Road", "director", "Mara Quint"), ("Salt Road", "director", "Tobias Wren")} <= facts


def test_active_voice_and_relative_clause(nlp):
    facts = triples(nlp, "Helga Brandt, who founded Eastgate Pictures in 2003, spoke on Monday. "
                         "Olu Adebayo founded Riverbend Records in 1999.")
    assert ("Eastgate Pictures", "founded_by", "Helga Brandt") in facts
    assert ("Riverbend Records", "founded_by", "Olu Adebayo") in facts


def test_co_prefixed_verb_and_alongside(nlp):
    facts = triples(nlp, "Lumen Works was co-founded by Ada Kerr and Piet Vos in 2010. "
                         '"Night Ferry" was directed by Sofia Lind, a longtime editor, alongside Marco Diaz.')
    assert ("Lumen Works", "founded_by", "Ada Kerr") in facts
    assert ("Lumen Works", "founded_by", "Piet Vos") in facts
    assert {("Night Ferry", "director", "Sofia Lind"), ("Night Ferry", "director", "Marco Diaz")} <= facts


def test_definite_noun_phrase_resolves_to_preceding_work(nlp):
    facts = triples(nlp, 'Ines Moreau and Paul Achebe star in the short film "Glass Harbor." '
                         "The film was written and directed by Moreau and Achebe.")
    assert ("Glass Harbor", "director", "Ines Moreau") in facts
    assert ("Glass Harbor", "director", "Paul Achebe") in facts
    assert ("Glass Harbor", "screenwriter", "Paul Achebe") in facts


def test_dates_places_and_occupation(nlp):
    facts = triples(nlp, "Singer Lena Marsh was born in Winnipeg in 1986. "
                         '"Paper Boats" was released on September 5, 2025. '
                         "Delta Sound is headquartered in Saskatoon.")
    assert ("Lena Marsh", "place_of_birth", "Winnipeg") in facts
    assert ("Lena Marsh", "date_of_birth", "1986") in facts
    assert ("Paper Boats", "publication_date", "2025-09-05") in facts
    assert ("Delta Sound", "headquarters_location", "Saskatoon") in facts
    assert ("Lena Marsh", "occupation", "singer") in facts


def test_type_constraints_block_nonsense(nlp):
    # "directed" with a place as agent and a person as patient is not a director fact.
    facts = triples(nlp, "Traffic was directed by Main Street toward the bridge.")
    assert not any(p == "director" for _, p, _ in facts)


def test_article_author_is_never_a_fact_argument(nlp):
    facts = triples(nlp, '"Tin Roof" was directed by Nora Vale.', author="Nora Vale")
    assert not facts


def test_surname_variants_resolve_and_type_is_voted(nlp):
    doc = nlp("Kendra Lamarr met Taylor Paigeson in 2009. Lamarr said it went well. Lamarr and Paigeson toured.")
    names = {m.surface: (m.name, m.type) for m in document_mentions(doc)}
    assert names["Lamarr"] == ("Kendra Lamarr", "PERSON")
    assert names.get("Paigeson", ("Taylor Paigeson", "PERSON"))[0] == "Taylor Paigeson"


def test_names_the_model_missed_are_recovered_from_the_document(nlp):
    facts = triples(nlp, "Wendell Marsh founded Sundial Records in 2004. Marsh said the label started in a basement.")
    assert ("Sundial Records", "founded_by", "Wendell Marsh") in facts


def test_headline_repeating_the_name_does_not_split_the_next_sentence(nlp):
    facts = triples(nlp, "Orchard Lane Studios\n\nOrchard Lane Studios was co-founded by Tamsin Achterberg in 2009.")
    assert facts == {("Orchard Lane Studios", "founded_by", "Tamsin Achterberg")}


def test_surface_fallback_when_the_verb_is_tagged_as_a_noun(nlp):
    facts = triples(nlp, 'Kendra Lamarr and Taylor Paigeson star in the short film “Wet Glass.” The film is short.')
    assert {("Wet Glass", "cast_member", "Kendra Lamarr"), ("Wet Glass", "cast_member", "Taylor Paigeson")} <= facts


def test_part_of_from_a_role_noun(nlp):
    facts = triples(nlp, '"Low Tide" is the second track from the album "Harbor Lights". '
                         'The band released "Paper Moon", a song from their album "Night Swim", in May.')
    assert ("Low Tide", "part_of", "Harbor Lights") in facts
    assert ("Night Swim", "part_of", "Paper Moon") not in facts  # an album is never part of a song


def test_title_before_the_name_of_whoever_leads_an_organisation(nlp):
    facts = triples(nlp, "Harrow Labs is a design firm in Leeds. The company is headed by chief executive Ola Brandvik. "
                         "Chief executive officer Tom Marsh runs Kestrel Pictures. "
                         "Delta Corp was bought by chief executive Ana Ruiz in 2019.")
    assert ("Harrow Labs", "chief_executive_officer", "Ola Brandvik") in facts
    assert ("Kestrel Pictures", "chief_executive_officer", "Tom Marsh") in facts
    # Buying a company is not leading it: her title is held somewhere the text does not say.
    assert not any(s == "Delta Corp" and p == "chief_executive_officer" for s, p, _ in facts)


def test_fronted_participle_takes_the_main_subject_else_the_work_under_discussion(nlp):
    facts = triples(nlp, 'Starring Ines Moreau, Paul Achebe and Lena Voss, "Glass Harbor" opened in May. '
                         "Graduating from Yale University, Tom Vale joined Acme Corp in 1990.")
    assert {("Glass Harbor", "cast_member", name) for name in ("Ines Moreau", "Paul Achebe", "Lena Voss")} <= facts
    assert ("Tom Vale", "educated_at", "Yale University") in facts
    facts = triples(nlp, '"Salt Road" is a drama by Mara Quint. Co-starring actress Lena Voss, Quint shot it on an '
                         "island. Starring Ada Kerr, the campaign was filmed in one day.")
    assert ("Salt Road", "cast_member", "Lena Voss") in facts  # the name, not the role noun before it
    assert ("Lena Voss", "occupation", "actress") in facts
    # 'the campaign' is whatever stars Ada Kerr; it is not the drama named earlier.
    assert not any(p == "cast_member" and o == "Ada Kerr" for _, p, o in facts)


def test_opening_participle_retagged_but_not_a_gerund_subject(nlp):
    doc = nlp("Starring Ines Moreau, the film opened in May. Filming began in March.")
    assert (doc[0].tag_, doc[0].lemma_) == ("VBG", "star")
    assert next(t for t in doc if t.text == "Filming").pos_ == "NOUN"


def test_referring_nouns_reach_back_to_a_work_of_a_compatible_kind(nlp):
    facts = triples(nlp, 'Pale Harbor released the album "Night Swim" in 2019. The record was produced by Ada Kerr. '
                         "The LP was recorded by Pale Harbor in a barn. "
                         'Mara Quint shot the short film "Salt Road" in 2020. The project was produced by Delta Sound.')
    assert ("Night Swim", "producer", "Ada Kerr") in facts  # 'the record' is the album
    assert ("Night Swim", "performer", "Pale Harbor") in facts  # 'the LP' too
    assert ("Salt Road", "producer", "Delta Sound") in facts  # 'the project' is any work


def test_referring_nouns_skip_other_kinds_and_new_works(nlp):
    facts = triples(nlp, 'Tom Vale directed the film "Blue Hour". The record was produced by Ada Kerr. '
                         "Their first project was produced by Ina Berg.")
    # A film is no record, and 'their first project' brings in a work rather than pointing back to one.
    assert not any(p == "producer" for _, p, _ in facts)


def test_title_after_a_role_noun_phrase_names_the_role_noun(nlp):
    facts = triples(nlp, 'Pale Harbor released the album "Night Swim" in 2019. Months later the band shared a video '
                         'for the closing track from the record, "Low Tide." They played a track from the record, '
                         'and "Sea Glass" closed the show.')
    assert ("Low Tide", "part_of", "Night Swim") in facts
    assert not any(s == "Sea Glass" for s, _, _ in facts)  # a title with a role of its own is not an apposition


def test_common_noun_after_be_is_the_subject(nlp):
    facts = triples(nlp, '"Bone Road" is the tenth album by Pale Harbor, released in 1992. '
                         "Harrow Labs is a design company founded by Ada Kerr.")
    assert ("Bone Road", "publication_date", "1992") in facts
    assert ("Harrow Labs", "founded_by", "Ada Kerr") in facts


def test_place_and_where_it_lies_is_one_argument_but_a_list_is_many(nlp):
    facts = triples(nlp, "Kestrel Pictures is a studio based in Halifax, Nova Scotia, Canada. "
                         "Lumen Works was founded by Ada Kerr, Piet Vos and Ina Berg.")
    assert {o for s, p, o in facts if p == "headquarters_location"} == {"Halifax"}
    assert {o for s, p, o in facts if p == "founded_by"} == {"Ada Kerr", "Piet Vos", "Ina Berg"}


def test_singular_role_noun_after_a_list_is_the_last_names(nlp):
    facts = triples(nlp, "Mara Quint, Tom Vale and Ina Berg, founder of Delta Sound, attended. "
                         "Ada Kerr and Piet Vos, co-founders of Lumen Works, sent flowers.")
    assert {(s, o) for s, p, o in facts if p == "founded_by"} == {
        ("Delta Sound", "Ina Berg"), ("Lumen Works", "Ada Kerr"), ("Lumen Works", "Piet Vos")}


def test_part_of_through_on_and_off(nlp):
    facts = triples(nlp, 'Pale Harbor released "Sea Glass", a song on their album "Harbor Lights", in May. '
                         '"Low Tide" is the second track off "Harbor Lights".')
    assert {("Sea Glass", "part_of", "Harbor Lights"), ("Low Tide", "part_of", "Harbor Lights")} <= facts


def test_a_third_coordinated_verb_shares_the_subject(nlp):
    facts = triples(nlp, '"Salt Road" was written and directed by Mara Quint and co-produced by Delta Sound '
                         "and Lumen Works.")
    assert {("Salt Road", "producer", "Delta Sound"), ("Salt Road", "producer", "Lumen Works"),
            ("Salt Road", "director", "Mara Quint")} <= facts


def test_a_name_does_not_end_in_the_lists_and(nlp):
    doc = nlp('The film was co-produced by Delta Sound and Lumen Works.')
    assert {m.name for m in document_mentions(doc)} >= {"Delta Sound"}
    assert not any(m.name.endswith(" and") for m in document_mentions(doc))


def test_birth_date_from_a_life_span_after_a_name(nlp):
    facts = triples(nlp, "Walter Newman (11 February 1916 – 14 October 1993) was an American radio writer. "
                         "Ada Kerr (born 1949 in Leeds) runs a small press. "
                         "Piet Vos (2004) is remembered for one film.")
    assert ("Walter Newman", "date_of_birth", "1916-02-11") in facts
    assert ("Ada Kerr", "date_of_birth", "1949") in facts
    # A lone year may be anything (a film's, a book's): no 'born', no span, no birth date.
    assert not any(s == "Piet Vos" and p == "date_of_birth" for s, p, _ in facts)


def test_a_comma_chain_of_places_without_a_conjunction_is_a_hierarchy(nlp):
    facts = triples(nlp, "Low Pass is a small community in Lane County, Oregon, United States. "
                         "The firm has offices in Paris, Berlin, and Rome.")
    assert ("Lane County", "located_in", "Oregon") in facts
    assert ("Oregon", "country", "United States") in facts
    assert not any(s in ("Paris", "Berlin") for s, _, _ in facts)  # a list, Oxford comma and all


# ---------------------------------------------------------------- news constructions
def test_roles_before_a_name_give_employer_post_party_and_nationality(nlp):
    facts = triples(nlp, "Kestrel Bank chief economist Ilse Marten agreed. Tory MP Alan Price and Labour's Jane "
                         "Hollis disagreed. American actor Bram Okafor and Chelsea striker Tomas Reyne came too.")
    assert {("Ilse Marten", "employer", "Kestrel Bank"), ("Ilse Marten", "occupation", "economist"),
            ("Alan Price", "position_held", "mp"), ("Alan Price", "member_of_political_party", "Conservative Party"),
            ("Jane Hollis", "member_of_political_party", "Labour Party"),
            ("Bram Okafor", "occupation", "actor"), ("Bram Okafor", "country_of_citizenship", "United States"),
            ("Tomas Reyne", "member_of_sports_team", "Chelsea")} <= facts


def test_a_role_after_a_name_set_off_by_commas(nlp):
    facts = triples(nlp, "Roy Asher, chief investment officer of Hibernian Investment Managers, said prices fell.")
    assert ("Roy Asher", "employer", "Hibernian Investment Managers") in facts
    assert ("Roy Asher", "position_held", "chief investment officer") in facts


def test_a_role_after_a_name_reaches_its_organisation_through_descriptors_and_prepositions(nlp):
    facts = triples(nlp, '"Rates will rise," said Tomas Wren, managing director of research firm Larkspur Analytics. '
                         "Edda Vale, Director General of the Northern Chambers of Industry (NCI), agreed. "
                         "Piet Oram, chief economist for the region at Halvard Securities, told reporters.")
    assert {("Tomas Wren", "employer", "Larkspur Analytics"), ("Tomas Wren", "position_held", "managing director"),
            ("Edda Vale", "employer", "Northern Chambers of Industry"), ("Edda Vale", "position_held", "director general"),
            ("Piet Oram", "employer", "Halvard Securities")} <= facts


def test_what_a_post_is_of_belongs_to_its_name_unless_it_is_the_organisation(nlp):
    facts = triples(nlp, '"It matters," said Adrian Holt, director of corporate responsibility at Kestrel Telecom.')
    assert {("Adrian Holt", "position_held", "director of corporate responsibility"),
            ("Adrian Holt", "employer", "Kestrel Telecom")} <= facts


def test_a_correspondent_posted_somewhere_named_after_a_comma(nlp):
    facts = triples(nlp, "The Daily Kestrel's correspondent in Lagos, Ada Obi, said prices rose.")
    assert {("Ada Obi", "employer", "Daily Kestrel"), ("Ada Obi", "occupation", "correspondent")} <= facts


def test_sports_roles_name_the_team_also_a_nation_or_a_club_tagged_as_a_person(nlp):
    facts = triples(nlp, "Scotland coach Ian Dunn picked Wales captain Gareth Moss, Ireland fly-half Dan Kerr and "
                         "inexperienced Harbour Wolves prop Ned Bale. London mayor Ken Lowe watched.")
    assert {("Ian Dunn", "employer", "Scotland"), ("Gareth Moss", "member_of_sports_team", "Wales"),
            ("Gareth Moss", "position_held", "captain"), ("Dan Kerr", "member_of_sports_team", "Ireland"),
            ("Ned Bale", "member_of_sports_team", "Harbour Wolves")} <= facts
    assert ("Gareth Moss", "employer", "Wales") not in facts  # a captain plays for the team
    assert not [f for f in facts if f[0] == "Ken Lowe" and f[1] == "employer"]  # a mayor is no city's team


def test_director_is_a_post_at_an_organisation_and_a_profession_alone(nlp):
    facts = triples(nlp, "Kestrel Bank director Ana Folau resigned. Director Lars Holm won the prize.")
    assert ("Ana Folau", "position_held", "director") in facts and ("Ana Folau", "occupation", "director") not in facts
    assert ("Lars Holm", "occupation", "director") in facts


def test_a_pronoun_carries_a_fact_to_the_person_named_before(nlp):
    doc = nlp("Chinese actress Ziyi Zhang arrived in London on Monday. She is currently starring in Paper Kites.")
    extracted = extract_relations(doc, document_mentions(doc))
    cast = [e for e in extracted if e.predicate == "cast_member"]
    assert [(e.subject.text, e.object.text) for e in cast] == [("Paper Kites", "Ziyi Zhang")]
    assert cast[0].object.antecedent_sentence == 0 and cast[0].sentence_index == 1


def test_a_pronoun_carries_a_role_stated_about_it_to_the_person_named_before(nlp):
    doc = nlp("Maria Lindqvist arrived in London on Monday. She is now chief executive of Kestrel Bank.")
    employer = [e for e in extract_relations(doc, document_mentions(doc)) if e.predicate == "employer"]
    assert [(e.subject.text, e.object.text) for e in employer] == [("Maria Lindqvist", "Kestrel Bank")]
    assert employer[0].subject.antecedent_sentence == 0 and employer[0].sentence_index == 1


def test_a_profession_named_for_the_one_person_the_text_is_about(nlp):
    facts = triples(nlp, "Greta Lind has criticised the show after quitting it. The feminist writer said it "
                         "behaved badly. Tony Blair met Michael Howard. The prime minister said no.")
    assert ("Greta Lind", "occupation", "writer") in facts
    assert not [f for f in facts if f[1] == "position_held"]  # an office: its holder may never have been named
    facts = triples(nlp, "Ana Berg met Lia Moss in Paris. The actress said the film was good.")
    assert not [f for f in facts if f[1] == "occupation"]  # two people: the description stays unresolved


def test_a_pronoun_between_two_people_of_its_gender_stays_unresolved(nlp):
    facts = triples(nlp, "John Marsh and Peter Vale met in Leeds. He directed Paper Kites.")
    assert not [f for f in facts if f[1] == "director"]


@pytest.mark.parametrize("sentence, mood", [
    ("Ina Berg directed Salt Road.", "asserted"),
    ("Ina Berg did not direct Salt Road.", "negated"),
    ("Ina Berg never directed Salt Road.", "negated"),
    ("Ina Berg could direct Salt Road.", "hedged"),
    ("Ina Berg may direct Salt Road.", "hedged"),
    ("Ina Berg will direct Salt Road next year.", "hedged"),
    ("Ina Berg reportedly directed Salt Road.", "reported"),
    ("Kestrel Group bought Delta Sound last year, its chief executive said.", "asserted"),
])
def test_claims_carry_how_the_sentence_states_them(nlp, sentence, mood):
    doc = nlp(sentence)
    found = [e for e in extract_relations(doc, document_mentions(doc)) if e.predicate in ("director", "owned_by")]
    assert found and {e.modality for e in found} == {mood}


def test_a_role_is_presupposed_whatever_the_verb_says(nlp):
    doc = nlp("Wales coach Mike Tarrant may have found the team.")
    found = [e for e in extract_relations(doc, document_mentions(doc)) if e.predicate == "position_held"]
    assert found and {e.modality for e in found} == {"asserted"}


def test_organisations_introduced_by_kind_and_bands_by_their_members(nlp):
    facts = triples(nlp, "German carmaker Velden Motors cut output. Pale Harbor singer Ada Kerr left the band.")
    assert ("Velden Motors", "country", "Germany") in facts
    assert ("Ada Kerr", "member_of", "Pale Harbor") in facts and ("Ada Kerr", "employer", "Pale Harbor") not in facts


def test_roles_through_an_honorific_a_comma_or_an_organisation_after_the_name(nlp):
    facts = triples(nlp, "London mayor Mr Livingstone spoke. Kestrel Bank chief economist, Ilse Marten, agreed. "
                         "Prices rose, said economist Tim Congdon at Harbour Capital.")
    assert {("Livingstone", "position_held", "mayor"), ("Ilse Marten", "employer", "Kestrel Bank"),
            ("Tim Congdon", "employer", "Harbour Capital")} <= facts


def test_a_role_owned_by_a_pronoun_is_a_relation_not_a_post(nlp):
    facts = triples(nlp, "Walter Newman wrote for radio. His editor, Ada Kerr, still runs the press.")
    assert not [f for f in facts if f[1] == "position_held"]


def test_star_of_role_in_and_by_lines(nlp):
    facts = triples(nlp, "Yuna Sato, star of Hollow Reed and House of Nine Doors, arrived late. Critics praised her "
                         "role in Paper Kites. The prize went to the novel Biscuit Moon by Mina Grey.")
    assert {("Hollow Reed", "cast_member", "Yuna Sato"), ("House of Nine Doors", "cast_member", "Yuna Sato"),
            ("Paper Kites", "cast_member", "Yuna Sato"), ("Biscuit Moon", "author", "Mina Grey")} <= facts


def test_a_sentence_saying_what_a_person_is_gives_the_post_and_the_employer(nlp):
    facts = triples(nlp, "Daniel Marsh is a partner in the law firm Tods Murray. Lia Moss was an economist in "
                         "London.")
    assert {("Daniel Marsh", "employer", "Tods Murray"), ("Daniel Marsh", "position_held", "partner")} <= facts
    assert not [f for f in facts if f[0] == "Lia Moss" and f[1] in ("employer", "country_of_citizenship")]
    assert modalities(nlp, "Tom Vale is not the chairman of Delta Sound.", "employer") == {"negated"}


def test_the_company_a_definite_noun_refers_to_employs_the_role_holder(nlp):
    facts = triples(nlp, "Asked if Kestrel Motors would sue, the carmaker's chief executive Helmut Brandt said no.")
    assert {("Helmut Brandt", "employer", "Kestrel Motors"),
            ("Kestrel Motors", "chief_executive_officer", "Helmut Brandt")} <= facts


def test_a_nationality_or_party_introduces_a_person_without_a_known_role(nlp):
    facts = triples(nlp, "The death of British hostage Ken Morley shocked many. He finished behind Francis Oduya of "
                         "Portugal and Anna Berg of the Liberal Democrats. Chelsea fan John Smith cheered. "
                         "John Hale of London came. He is the Eminem of Argentina.")
    assert {("Ken Morley", "country_of_citizenship", "United Kingdom"),
            ("Francis Oduya", "country_of_citizenship", "Portugal"),
            ("Anna Berg", "member_of_political_party", "Liberal Democrats")} <= facts
    assert not [f for f in facts if f[0] in ("John Smith", "John Hale", "Eminem")]


def test_a_role_after_as_belongs_to_the_subject_of_the_verb(nlp):
    facts = triples(nlp, "Daniel Marsh, who has resigned as home secretary, left. Tomas Wren was appointed as chief "
                         "executive of Kestrel Bank on Monday. Jon Reed works as a lawyer.")
    assert {("Daniel Marsh", "position_held", "home secretary"), ("Tomas Wren", "employer", "Kestrel Bank"),
            ("Kestrel Bank", "chief_executive_officer", "Tomas Wren"), ("Jon Reed", "occupation", "lawyer")} <= facts
    assert modalities(nlp, "Lia Moss did not serve as chairman.", "position_held") == {"negated"}


def test_coordinated_roles_and_an_organisation_owned_by_another(nlp):
    facts = triples(nlp, "Nicholas Brandt, chairman and founder of Harbor Group's Media Works, is building a laptop. "
                         "Chelsea's Arjen Robben scored.")
    assert {("Nicholas Brandt", "position_held", "chairman"), ("Nicholas Brandt", "employer", "Media Works"),
            ("Media Works", "parent_organization", "Harbor Group")} <= facts
    assert not [f for f in facts if f[1] == "parent_organization" and f[0] == "Arjen Robben"]


def test_a_role_noun_as_the_subject_of_be_names_its_holder_after_it(nlp):
    facts = triples(nlp, "He got the film Salt Road made. Salt Road's producers are Mara Quint and Tobias Wren. "
                         "The director of Paper Kites is Lena Holt.")
    assert {("Salt Road", "producer", "Mara Quint"), ("Salt Road", "producer", "Tobias Wren"),
            ("Paper Kites", "director", "Lena Holt")} <= facts
    assert modalities(nlp, "The director of Paper Kites is not Lena Holt.", "director") == {"negated"}


def test_whose_work_a_possessive_names_depends_on_the_kind_of_work(nlp):
    facts = triples(nlp, "Andrea Vell's gritty drama Wasp Summer is about a mother. Kemper Lane's album Salt Hours "
                         "sold well. Mina Grey's novel Biscuit Moon won. Dana Roe's comedy Paper Hats opens today.")
    assert {("Wasp Summer", "director", "Andrea Vell"), ("Salt Hours", "performer", "Kemper Lane"),
            ("Biscuit Moon", "author", "Mina Grey")} <= facts
    assert not [f for f in facts if f[0] == "Paper Hats"]  # a comedy's name-holder is as often its star
    assert ("Biscuit Moon", "director", "Mina Grey") not in facts


def test_an_organisation_the_tagger_missed_before_a_role_is_still_the_employer_or_the_team(nlp):
    facts = triples(nlp, "The coach has called up Saltmarsh prop Duncan Bellamy. Oddsbury spokesman Warren Lusk said so.")
    assert ("Duncan Bellamy", "member_of_sports_team", "Saltmarsh") in facts
    assert ("Warren Lusk", "employer", "Oddsbury") in facts


def test_awards_won_taken_and_worn_as_modifiers(nlp):
    facts = triples(nlp, "Oscar-winning actor Jamal Fox arrived. The Bafta-nominated film Paper Kites opens today. "
                         "Lena Holt took the best actress award.")
    assert {("Jamal Fox", "award_received", "Academy Awards"), ("Paper Kites", "nominated_for", "Bafta Awards"),
            ("Lena Holt", "award_received", "best actress award")} <= facts


def test_only_an_owner_right_before_an_organisation_is_its_parent(nlp):
    facts = triples(nlp, "Busted's record label Universal grew. The software giant Microsoft said so. "
                         "Harbor Group's Media Works grew.")
    assert [f for f in facts if f[1] == "parent_organization"] == [("Media Works", "parent_organization",
                                                                     "Harbor Group")]


def test_teaching_at_a_university_is_working_there(nlp):
    facts = triples(nlp, "James Tobin taught at Harvard for years.")
    assert ("James Tobin", "employer", "Harvard") in facts


def test_ownership_from_phrasal_verbs_acquisition_nouns_and_units(nlp):
    facts = triples(nlp, "Kestrel Bank took over Marlow Insurance last year. Harlan Foods' acquisition of Tern Dairy "
                         "was completed in May. Pell Motors, the truck unit of Varga Group, reported higher profits.")
    assert {("Marlow Insurance", "owned_by", "Kestrel Bank"), ("Tern Dairy", "owned_by", "Harlan Foods"),
            ("Pell Motors", "owned_by", "Varga Group")} <= facts


def test_an_award_typed_by_name_needs_no_award_word(nlp):
    facts = triples(nlp, "The film Tall Grass opened in March. Tall Grass picked up the Golden Bear on Saturday.")
    assert ("Tall Grass", "award_received", "Golden Bear") in facts


def test_a_work_owned_by_a_pronoun_or_by_whose_belongs_to_the_person_named(nlp):
    facts = triples(nlp, "Mary Vell released her album Paper Lanterns in March. "
                         "Steven Brandt, whose film Tall Grass opened on Friday, was in Berlin.")
    assert ("Paper Lanterns", "performer", "Mary Vell") in facts
    assert ("Tall Grass", "director", "Steven Brandt") in facts
    assert not any(s == "Steven Brandt" for s, _, _ in facts)  # "X, whose film": X is no film
    role = triples(nlp, "The film Tall Grass opened. Mary Vell, who is up for an Oscar for her role in Tall Grass, "
                        "arrived.")
    assert ("Tall Grass", "director", "Mary Vell") not in role and ("Tall Grass", "cast_member", "Mary Vell") in role


def test_a_title_before_the_next_name_in_a_list_is_not_an_apposition(nlp):
    facts = triples(nlp, "The contestants include former boxer Dan Roper, model Kia Sands and presenter Joe Mallory.")
    assert ("Kia Sands", "occupation", "model") in facts
    assert ("Dan Roper", "occupation", "model") not in facts


def test_a_town_before_a_team_role_is_its_club_in_a_sport_story_only(nlp):
    sport = triples(nlp, "Leeds manager Kevin Marlow said his side deserved the win. Bath centre Tomas Hale kicked "
                         "two goals in the match, and the league season ends in May.")
    assert {("Kevin Marlow", "employer", "Leeds"), ("Tomas Hale", "member_of_sports_team", "Bath")} <= sport
    business = triples(nlp, "Leeds manager Kevin Marlow said the branch would close. The bank will cut 300 jobs.")
    assert not any(o == "Leeds" for _, _, o in business)


def test_a_by_line_after_a_comma_and_with_several_makers(nlp):
    facts = triples(nlp, "The prize went to the novel Stone Harbour by Dean Hobb and Lucy Trent. "
                         "The album Paper Lanterns, by Mary Vell, was released in May.")
    assert {("Stone Harbour", "author", "Dean Hobb"), ("Stone Harbour", "author", "Lucy Trent"),
            ("Paper Lanterns", "performer", "Mary Vell")} <= facts


def test_a_person_before_a_chart_position_is_not_a_song(nlp):
    doc = nlp("The album Paper Lanterns by Mary Vell went to number one.")
    types = {m.name: m.type for m in document_mentions(doc)}
    assert types["Mary Vell"] == "PERSON"
    assert ("Paper Lanterns", "performer", "Mary Vell") in triples(nlp, doc.text)


def test_it_and_its_stand_for_the_organisation_the_sentence_before_is_about(nlp):
    facts = triples(nlp, "Kestrel Bank reported record profits on Tuesday. It was founded by John Marlow in 1901. "
                         "Its chief executive, Ann Pike, said costs fell.")
    assert {("Kestrel Bank", "founded_by", "John Marlow"),
            ("Kestrel Bank", "chief_executive_officer", "Ann Pike")} <= facts
    # The subject before is a person: 'it' is left alone rather than guessed.
    assert not any(p == "founded_by" for _, p, _ in triples(
        nlp, "Kestrel Bank hired Ann Pike. Ann Pike praised the plan. It was founded by John Marlow in 1901."))


def test_kinship_residence_founding_and_death_from_rules(nlp):
    facts = triples(nlp, "Lucy Trent is the daughter of actor John Trent. John Trent and his son Peter Trent came. "
                         "Lucy Trent, who lives in Paris, is 34. Kestrel Bank was founded in 1901. "
                         "Ann Pike died on 3 March 2004 in London.")
    assert {("John Trent", "child", "Lucy Trent"), ("John Trent", "child", "Peter Trent"),
            ("Lucy Trent", "residence", "Paris"), ("Kestrel Bank", "inception", "1901"),
            ("Ann Pike", "date_of_death", "2004-03-03")} <= facts
    assert not any(p == "date_of_death" and o == "London" for _, p, o in facts)



def test_a_place_hyphenated_to_based_is_where_the_organisation_is_based(nlp):
    facts = triples(nlp, "The Paris-based pressure group Open Press Watch said the site was blocked. "
                         "London-based Kestrel Bank cut 300 jobs. Paris-based designer Ann Pike showed her collection.")
    assert {("Open Press Watch", "headquarters_location", "Paris"),
            ("Kestrel Bank", "headquarters_location", "London")} <= facts
    assert not any(s == "Ann Pike" and p == "headquarters_location" for s, p, _ in facts)
    unhyphenated = triples(nlp, "Tern Max was majority owned by Hong Kong based Varga Holdings. "
                                "The decision was based on London figures.")
    assert ("Varga Holdings", "headquarters_location", "Hong Kong") in unhyphenated
    assert not any(o == "London" for _, _, o in unhyphenated)


def test_playing_or_signing_for_a_club_or_a_nation_is_membership_of_the_team(nlp):
    facts = triples(nlp, "Wes Brown last played for England in February 2003. Tom Reyne signed for Chelsea in 2004. "
                         "Ann Pike played for time in the meeting with Kestrel Bank.")
    assert {("Wes Brown", "member_of_sports_team", "England"), ("Tom Reyne", "member_of_sports_team", "Chelsea")} <= facts
    assert not any(s == "Ann Pike" for s, p, _ in facts if p == "member_of_sports_team")


def test_winner_of_an_award_and_a_person_set_off_after_the_complement(nlp):
    facts = triples(nlp, "Lucy Trent was the winner of the Felt Prize in 2003. "
                         "The star of Tall Grass, Mary Vell, spoke to reporters.")
    assert ("Lucy Trent", "award_received", "Felt Prize") in facts
    assert ("Tall Grass", "cast_member", "Mary Vell") in facts
    doc = nlp("The star of Tall Grass, Mary Vell, spoke to reporters.")
    assert {m.name: m.type for m in document_mentions(doc)}["Mary Vell"] == "PERSON"  # an apposition, no next title


def test_a_team_role_without_its_team_is_held_in_the_one_team_in_context(nlp):
    facts = triples(nlp, "Wales have named their side for Saturday's Six Nations match against Italy at the Millennium "
                         "Stadium. Skipper Tom Reyne returns after injury, and fly-half Dan Hobb keeps his place. "
                         "The coach said the squad was ready for the game.")
    assert {("Tom Reyne", "member_of_sports_team", "Wales national team"),
            ("Dan Hobb", "member_of_sports_team", "Wales national team")} <= facts
    report = triples(nlp, "Wales beat Scotland 30-10 in the Six Nations match on Saturday. Captain Tom Reyne scored "
                          "two tries in the game and the coach praised the squad.")
    assert not any(p == "member_of_sports_team" for _, p, _ in report)  # whose captain: unsaid
    qualified = triples(nlp, "Saints coach Ian Millward backed the England squad plan for the match. The league "
                             "season is long and the team and the coach are ready for the game.")
    assert not any(o == "England national team" for _, _, o in qualified)  # an untagged 'Saints' is his team


def test_a_name_after_a_profession_only_people_have_is_a_person_and_so_is_its_untagged_conjunct(nlp):
    doc = nlp("French writer Christophe Barratie won the prize.")
    assert {m.name: m.type for m in document_mentions(doc)}["Christophe Barratie"] == "PERSON"
    facts = triples(nlp, "Annette Bening and Ana Geislerova shared the best actress award at the Bangkok festival.")
    assert {("Annette Bening", "award_received", "best actress award"),
            ("Ana Geislerova", "award_received", "best actress award")} <= facts


def test_an_object_relative_pronoun_stands_for_the_noun_it_follows(nlp):
    facts = triples(nlp, "Citizens Bank was linked to Bank One, which JP Morgan bought last year.")
    assert ("Bank One", "owned_by", "JP Morgan") in facts


def test_a_plural_role_before_a_list_of_people_is_each_ones(nlp):
    facts = triples(nlp, "Labour MPs Alan Price and Jane Hollis voted against. German marques Kestrel Motors and "
                         "Varga Autos kept their lead.")
    assert {("Alan Price", "position_held", "mp"), ("Jane Hollis", "position_held", "mp"),
            ("Jane Hollis", "member_of_political_party", "Labour Party")} <= facts
    assert not any(p == "country_of_citizenship" for _, p, _ in facts)  # marques are companies, not citizens


def test_a_player_outside_sport_and_a_dashed_tail_are_no_team_and_no_name(nlp):
    facts = triples(nlp, "Bass player Nicky Wire will join Phil Jupitus on his morning show. Dominic Carman - son of "
                         "late libel lawyer George Carman - was voted through to the final.")
    assert not any(p == "member_of_sports_team" for _, p, _ in facts)
    assert ("George Carman", "child", "Dominic Carman") in facts


def test_a_verb_ending_in_s_is_no_plural_role_and_a_team_in_the_sentence_beats_the_one_before(nlp):
    doc = nlp("The sequel to the comedy Lost Weekend stars Tom Reyne, Dan Hobb and Mary Vell.")
    assert not [e for e in extract_relations(doc, document_mentions(doc)) if ":role_" in e.extractor]
    sport = triples(nlp, "England led at half-time in the match. A ball is flung out to winger Tom Reyne who crosses "
                         "to score the winning try for Wales. The coach praised the squad after the game.")
    assert ("Tom Reyne", "member_of_sports_team", "England national team") not in sport


def test_an_acronym_no_gazetteer_places_and_a_digit_led_name_are_employers(nlp):
    facts = triples(nlp, "Adrian Hosford, director of corporate responsibility at BT, said prices rose. "
                         '"The dollar moved," said Chris Furness, senior market strategist at 4Cast.')
    assert {("Adrian Hosford", "employer", "BT"), ("Chris Furness", "employer", "4Cast")} <= facts


def test_an_acronym_in_parentheses_between_the_organisation_and_the_role(nlp):
    facts = triples(nlp, "But Harbour Rugby Football Union (HRFU) chairman John Molloy has called for a new pool.")
    assert ("John Molloy", "employer", "Harbour Rugby Football Union") in facts


def test_a_national_description_gives_the_nationality_of_the_one_person_named_before(nlp):
    facts = triples(nlp, "Double Olympic champion Tom Reyne will race in the London Marathon. The Ethiopian legend "
                         "won Sunday's half-marathon in Spain.")
    assert ("Tom Reyne", "country_of_citizenship", "Ethiopia") in facts
    assert not any(p == "country_of_citizenship" for _, p, _ in triples(
        nlp, "Kestrel Bank cut jobs. The British government said it would help."))


def test_a_stake_in_a_company_is_owned_by_its_holder(nlp):
    facts = triples(nlp, "Kestrel Bank has taken a 30% stake in Marlow Insurance and Tern Dairy. "
                         "Varga Group's stake in Pell Motors is worth £2bn.")
    assert {("Marlow Insurance", "owned_by", "Kestrel Bank"), ("Tern Dairy", "owned_by", "Kestrel Bank"),
            ("Pell Motors", "owned_by", "Varga Group")} <= facts


def test_one_word_capitalised_only_by_opening_the_sentence_is_no_untagged_name(nlp):
    facts = triples(nlp, "Rock star Patti Smith has been made artistic director of the festival.")
    assert not any(s == "Rock" for s, _, _ in facts)


def test_a_portfolio_is_part_of_the_post_and_a_weekday_can_open_a_newspapers_name(nlp):
    facts = triples(nlp, "Environment Secretary Margaret Beckett said the plan would work. The dinner was hosted by "
                         "deputy PM John Prescott. The book by Sunday Telegraph journalist Robert Peston is out.")
    assert {("Margaret Beckett", "position_held", "environment secretary"),
            ("John Prescott", "position_held", "deputy pm"),
            ("Robert Peston", "employer", "Sunday Telegraph")} <= facts
    assert not any(o == "Environment" for _, _, o in facts)


def test_a_national_company_description_gives_the_country_of_the_one_organisation_named_before(nlp):
    facts = triples(nlp, "Kestrel Motors is considering a car factory in India. The German giant said it was "
                         "studying the possibility.")
    assert ("Kestrel Motors", "country", "Germany") in facts
    two = triples(nlp, "Kestrel Motors and Varga Group are considering new plants. The German giant said it was "
                       "studying the possibility.")
    assert not any(p == "country" for _, p, _ in two)


def test_the_american_said_gives_the_nationality_of_the_one_person_named_before(nlp):
    facts = triples(nlp, 'World number one Mary Vell has criticised the club. Reacting to a comment, the American '
                         'said: "I think it is insulting."')
    assert ("Mary Vell", "country_of_citizenship", "United States") in facts
    assert not any(p == "country_of_citizenship" for _, p, _ in triples(
        nlp, "Kestrel Bank cut jobs. The Americans said they would help."))


def test_a_fronted_past_participle_whose_main_verb_was_parsed_as_a_noun(nlp):
    facts = triples(nlp, 'Released on November 14, 2025, "Tides of Glass" stars Amara Quill as a woman who comes home.')
    assert ("Tides of Glass", "publication_date", "2025-11-14") in facts  # our sample's sentence


def test_a_teams_signings_sales_and_selections_in_a_sport_story(nlp):
    facts = triples(nlp, "The league match ended in a draw, and the season is nearly over. Kestrel Rovers have "
                         "signed Tom Vale from Harbour United. Harbour United sold Joe Penn to Kestrel Rovers in "
                         "January. Dan Okafor joined Kestrel Rovers last summer and scored for them in the cup.")
    assert {("Tom Vale", "member_of_sports_team", "Kestrel Rovers"),
            ("Joe Penn", "member_of_sports_team", "Kestrel Rovers"),
            ("Dan Okafor", "member_of_sports_team", "Kestrel Rovers")} <= facts


def test_an_organisation_signing_or_joined_outside_sport_is_no_team(nlp):
    facts = triples(nlp, "Halden Bank has signed Tom Vale as its chief economist. Ana Ruiz joined Halden Bank in "
                         "2001.")
    assert not any(p == "member_of_sports_team" for _, p, _ in facts)


def test_a_club_opening_a_sentence_before_a_players_position(nlp):
    facts = triples(nlp, "The league match ended in a draw and the season goes on. Halwick defender Sam Orme was "
                         "injured. Fans of Halwick are worried. Injured defender Tim Bray will miss the game.")
    assert ("Sam Orme", "member_of_sports_team", "Halwick") in facts
    assert not any(s == "Tim Bray" and p == "member_of_sports_team" for s, p, _ in facts)


def test_a_share_of_a_company_stands_for_the_company(nlp):
    facts = triples(nlp, "Halden Bank now owns 75% of Marlow Insurance. Kestrel Group bought the rest of "
                         "Marlow Insurance in May.")
    assert {("Marlow Insurance", "owned_by", "Halden Bank"), ("Marlow Insurance", "owned_by", "Kestrel Group")} <= facts


def test_a_company_sold_to_a_buyer_is_owned_by_it(nlp):
    facts = triples(nlp, "Halden Motors sold Rovello to the Kestrel Group in 2000.")
    assert ("Rovello", "owned_by", "Kestrel Group") in facts


def test_a_bare_award_category_after_a_nomination_or_a_win(nlp):
    facts = triples(nlp, "Tomas Reyne was nominated for best actor for the drama Salt Road. Anna Perrin won best "
                         "director.")
    assert {("Tomas Reyne", "nominated_for", "best actor"), ("Anna Perrin", "award_received", "best director")} <= facts


def test_a_role_played_in_a_film(nlp):
    facts = triples(nlp, "Tomas Reyne starred as Howard Quill in Salt Road, a film about the sea.")
    assert ("Salt Road", "cast_member", "Tomas Reyne") in facts
    assert not any(s.startswith("Howard Quill") and p == "cast_member" for s, p, _ in facts)


def test_a_post_in_a_relative_clause_after_the_name(nlp):
    facts = triples(nlp, "Tom Harle, who was director general of Kestrel Radio, resigned on Friday.")
    assert {("Tom Harle", "employer", "Kestrel Radio"), ("Tom Harle", "position_held", "director general")} <= facts


def test_a_secretary_general_of_an_organisation(nlp):
    facts = triples(nlp, "Ana Molnar, the Kestrel Union secretary general, visited Lagos.")
    assert ("Ana Molnar", "employer", "Kestrel Union") in facts


def test_a_place_joined_to_born_before_a_person(nlp):
    facts = triples(nlp, "The Glasgow-born singer Ana Ruiz released a new album.")
    assert ("Ana Ruiz", "place_of_birth", "Glasgow") in facts


@pytest.mark.parametrize("text, person, party", [
    ("Conservative leader Tom Harle attacked the plan.", "Tom Harle", "Conservative Party"),
    ("Republican senator Ana Molnar voted against it.", "Ana Molnar", "Republican Party"),
])
def test_a_party_adjective_before_a_role(nlp, text, person, party):
    assert (person, "member_of_political_party", party) in triples(nlp, text)


def test_a_person_based_somewhere_lives_there_and_a_firm_has_its_seat_there(nlp):
    facts = triples(nlp, "Glasgow-based painter Mary Watson has sold her work. Leeds-based Kestrel Trust bought it.")
    assert ("Mary Watson", "residence", "Glasgow") in facts and ("Kestrel Trust", "headquarters_location", "Leeds") in facts
    assert ("Mary Watson", "headquarters_location", "Glasgow") not in facts


def test_a_person_who_runs_or_heads_an_organisation_works_there(nlp):
    facts = triples(nlp, "Tom Harle, who runs Kestrel Bank, spoke. Ana Molnar heads Marlow Insurance.")
    assert {("Tom Harle", "employer", "Kestrel Bank"), ("Ana Molnar", "employer", "Marlow Insurance")} <= facts


def test_a_teams_possessive_before_a_name_in_a_sport_story(nlp):
    facts = triples(nlp, "The league match ended in a draw and the season goes on. Kestrel Rovers' Tom Vale is "
                         "injured. Britain's Kelly Holmes won the race at the athletics meeting.")
    assert ("Tom Vale", "member_of_sports_team", "Kestrel Rovers") in facts
    assert not any(s == "Kelly Holmes" and p == "member_of_sports_team" for s, p, _ in facts)


def test_a_work_then_its_kind_from_or_by_its_maker(nlp):
    facts = triples(nlp, "Paper Harbour, the new album from Mara Vell, is out next month. Salt Road, a novel by "
                         "Dean Hobb, sold well.")
    assert {("Paper Harbour", "performer", "Mara Vell"), ("Salt Road", "author", "Dean Hobb")} <= facts


@pytest.mark.parametrize("text", ["Tomas Reyne plays Howard Quill in the film Salt Road.",
                                  "Tomas Reyne takes the title role in the drama Salt Road."])
def test_a_part_played_in_a_work(nlp, text):
    assert ("Salt Road", "cast_member", "Tomas Reyne") in triples(nlp, text)


def test_award_names_and_categories_as_news_writes_them(nlp):
    facts = triples(nlp, "The Glasgow band Kestrel Lights won two Brit awards. Mary Watson won best British female.")
    assert ("Mary Watson", "award_received", "best British female") in facts
    assert any(p == "award_received" and o.startswith("Brit") for _, p, o in facts)


def test_a_description_of_another_nationality_or_an_institution_is_not_the_company_named_before(nlp):
    facts = triples(nlp, "German investment bank Halden Bank has challenged the sale. In a filing on Tuesday, the "
                         "Russian oil giant said it had few ties to Texas. US banking giant Kestrel Group faces an "
                         "inquiry. The German regulator said it had found evidence of manipulation.")
    assert ("Halden Bank", "country", "Germany") in facts and ("Halden Bank", "country", "Russia") not in facts
    assert ("Kestrel Group", "country", "Germany") not in facts


@pytest.mark.parametrize("text, fact", [
    ("Tom Harle, the Labour MP for Medway, criticised the bill.", ("Tom Harle", "member_of_political_party", "Labour Party")),
    ("Tom Harle, Labour MP for Dartford and Crayford, criticised the bill.",
     ("Tom Harle", "member_of_political_party", "Labour Party")),
    ("Tom Harle, who is standing for the Conservatives in Dartford, spoke.",
     ("Tom Harle", "member_of_political_party", "Conservative Party")),
    ("On Monday, Education Secretary Ruth Kelly said the plan would work.",
     ("Ruth Kelly", "position_held", "education secretary")),
])
def test_politicians_as_news_introduces_them(nlp, text, fact):
    facts = triples(nlp, text)
    assert fact in facts
    assert not any(o == "Education" for _, _, o in facts)


@pytest.mark.parametrize("text, fact", [
    ("Tom Harle is Managing Attorney for the Kestrel Law Center, a leading firm.",
     ("Tom Harle", "employer", "Kestrel Law Center")),
    ("Tom Harle was appointed chief executive of Kestrel Bank in 2003.",
     ("Kestrel Bank", "chief_executive_officer", "Tom Harle")),
    ("Tom Harle was named chairman of Kestrel Bank last week.", ("Tom Harle", "employer", "Kestrel Bank")),
    ("Tom Harle was educated at Kestrel College.", ("Tom Harle", "educated_at", "Kestrel College")),
])
def test_careers_as_biographies_tell_them(nlp, text, fact):
    assert fact in triples(nlp, text)


def test_an_unresolved_pronoun_stands_for_itself_only_when_asked(nlp):
    doc = nlp("She works for Kestrel University.")
    mentions = document_mentions(doc)
    plain = {(e.subject.text, e.predicate, e.object.text) for e in extract_relations(doc, mentions)}
    spans = {(e.subject.text, e.predicate, e.object.text)
             for e in extract_relations(doc, mentions, pronoun_spans=True)}
    assert not any(s == "She" for s, _, _ in plain) and ("She", "employer", "Kestrel University") in spans


@pytest.mark.parametrize("text, fact", [
    ('"Sales fell," said Tom Harle from Kestrel Bank.', ("Tom Harle", "employer", "Kestrel Bank")),
    ("Tom Harle, from consultancy Kestrel Partners, said sales fell.", ("Tom Harle", "employer", "Kestrel Partners")),
    ("Tom Harle, Kestrel Bank's head of research, said sales fell.", ("Tom Harle", "employer", "Kestrel Bank")),
    ("A spokesman for Kestrel Bank, Tom Harle, said sales fell.", ("Tom Harle", "employer", "Kestrel Bank")),
    ("The Kestrel Trust's head of news, Tom Harle, said the cuts were needed.",
     ("Tom Harle", "position_held", "head of news")),
])
def test_where_a_speaker_works_as_news_attributes_quotes(nlp, text, fact):
    assert fact in triples(nlp, text)


def test_a_person_from_a_place_or_a_club_in_a_sport_story_is_no_employee(nlp):
    facts = triples(nlp, "Tom Harle from Leeds won the prize. The league match ended in a draw as the season went "
                         "on, and Dan Vale of Kestrel Rovers scored a goal.")
    assert not any(p == "employer" for _, p, _ in facts)


def test_a_title_of_a_place_is_no_employee_of_it(nlp):
    facts = triples(nlp, "The Queen and the Duke of Kestrelshire said the news made them happy.")
    assert not any(p == "employer" for _, p, _ in facts)


@pytest.mark.parametrize("text, fact", [
    ("Tom Vale, Kestrel Rovers' top scorer, scored twice in the league match this season.",
     ("Tom Vale", "member_of_sports_team", "Kestrel Rovers")),
    ("The league match ended with a late goal this season. Tom Vale has been named in the Kestrel Rovers squad.",
     ("Tom Vale", "member_of_sports_team", "Kestrel Rovers")),
    ("The league match ended with a late goal this season. Tom Vale won his first cap for Kestrel Rovers.",
     ("Tom Vale", "member_of_sports_team", "Kestrel Rovers")),
    ("The league match ended with a late goal this season. Tom Vale signed a new contract with Kestrel Rovers.",
     ("Tom Vale", "member_of_sports_team", "Kestrel Rovers")),
    ("The league match ended with a late goal this season. Former Kestrel Rovers defender Tom Vale has retired.",
     ("Tom Vale", "member_of_sports_team", "Kestrel Rovers")),
    ("Halden Group has sacked finance director Tom Harle.", ("Tom Harle", "employer", "Halden Group")),
])
def test_team_and_employer_from_what_clubs_and_firms_do(nlp, text, fact):
    assert fact in triples(nlp, text)


def test_signing_with_a_label_outside_sport(nlp):
    facts = triples(nlp, "Mara Vell signed with Kestrel Records in 2003 and released her album a year later.")
    assert ("Mara Vell", "record_label", "Kestrel Records") in facts
    assert not any(p == "member_of_sports_team" for _, p, _ in facts)


def test_a_city_signing_a_player_in_a_sport_story_is_its_club(nlp):
    facts = triples(nlp, "The league match ended in a draw, and the season is nearly over. Newcastle have signed "
                         "Tom Vale from Harbour United for two million pounds.")
    assert ("Tom Vale", "member_of_sports_team", "Newcastle") in facts


def test_a_debut_for_a_club_and_a_friendly_for_his_club(nlp):
    facts = triples(nlp, "The league match ended in a draw, and the season is nearly over. Tom Vale made his debut "
                         "for Kestrel Rovers against Harbour United. Dan Okafor then played in a friendly for his "
                         "club Real Halden within a day of the match.")
    assert {("Tom Vale", "member_of_sports_team", "Kestrel Rovers"),
            ("Dan Okafor", "member_of_sports_team", "Real Halden")} <= facts


def test_a_move_between_two_clubs_tagged_as_one_name_is_two(nlp):
    facts = triples(nlp, "The league match ended in a draw, and the season is nearly over. Tom Vale moved to "
                         "Arsenal from Ajax in 2001.")
    assert ("Tom Vale", "member_of_sports_team", "Arsenal") in facts
    assert not any("from" in o for _, _, o in facts)


def test_a_clubs_signing_of_a_player_is_a_sport_story_noun(nlp):
    sport = triples(nlp, "The league match ended in a draw, and the season is nearly over. Kestrel Rovers have "
                         "completed the signing of Tom Vale.")
    assert ("Tom Vale", "member_of_sports_team", "Kestrel Rovers") in sport
    office = triples(nlp, "Halden Bank has completed the signing of Tom Vale, its new economist.")
    assert not any(p == "member_of_sports_team" for _, p, _ in office)


def test_a_plural_role_list_ends_at_a_name_owning_the_next_role(nlp):
    facts = triples(nlp, "The league match ended in a draw. Candidates include former Kestrel Rovers midfielders "
                         "Tom Vale and Dan Okafor and Hallam's assistant Joe Penn.")
    assert ("Dan Okafor", "member_of_sports_team", "Kestrel Rovers") in facts
    assert not any(s == "Hallam" for s, p, _ in facts if p == "member_of_sports_team")


def test_a_definite_description_as_subject_stands_for_the_person_named_before(nlp):
    sport = triples(nlp, "The league match ended in a draw, and the season is nearly over. Paul Gray has had a "
                         "difficult season. The midfielder joined Kestrel Rovers from Harbour United last summer.")
    assert ("Paul Gray", "member_of_sports_team", "Kestrel Rovers") in sport
    office = triples(nlp, "Sarah Jones has left Kestrel Bank. The economist joined Halden Insurance in 2004.")
    assert ("Sarah Jones", "employer", "Halden Insurance") in office
    two = triples(nlp, "Sarah Jones met Paul Gray in May. The economist joined Halden Insurance in 2004.")
    assert not any(o == "Halden Insurance" for _, _, o in two)  # two people before it: whose, unsaid


def test_joining_a_party_is_membership_and_joining_a_company_a_job(nlp):
    facts = triples(nlp, "Sarah Jones joined the Labour Party in 1990. Paul Gray joined the BBC in 1995.")
    assert {("Sarah Jones", "member_of_political_party", "Labour Party"), ("Paul Gray", "employer", "BBC")} <= facts
    assert ("Sarah Jones", "employer", "Labour Party") not in facts


def test_a_relative_clause_states_its_fact_whatever_the_main_clause_hedges(nlp):
    doc = nlp("The league match ended in a draw, and the season is nearly over. Paul Gray will replace Mark "
              "Hughes, who has been loaned to Kestrel Rovers.")
    found = {(e.subject.text, e.predicate, e.object.text): e.modality for e in extract_relations(doc, document_mentions(doc))}
    assert found[("Mark Hughes", "member_of_sports_team", "Kestrel Rovers")] == "asserted"


def test_a_coachs_choices_are_members_of_the_team_the_story_says_he_coaches(nlp):
    facts = triples(nlp, "Kestrel Rovers coach Ian Dunn has defended his decision before the league match. Tom Vale and "
                         "Joe Penn have been used sparingly by Dunn this season. Dunn has dropped Dan Okafor for the "
                         "game. Ana Pike was named player of the year by the Kestrel Herald.")
    assert {("Tom Vale", "member_of_sports_team", "Kestrel Rovers"), ("Dan Okafor", "member_of_sports_team", "Kestrel Rovers")} <= facts
    assert not any(s == "Ana Pike" for s, p, _ in facts if p == "member_of_sports_team")


def test_a_club_possessing_a_nationality_and_a_role_qualifies_both(nlp):
    facts = triples(nlp, "The league match ended in a draw, and the season is nearly over. Tom Vale, Kestrel "
                         "Rovers' Irish striker, scored twice. Kestrel Rovers' Portuguese coach Joe Penn was happy.")
    assert {("Tom Vale", "member_of_sports_team", "Kestrel Rovers"), ("Tom Vale", "country_of_citizenship", "Ireland"),
            ("Joe Penn", "employer", "Kestrel Rovers"), ("Joe Penn", "country_of_citizenship", "Portugal")} <= facts


def test_a_players_goal_or_debut_for_a_club(nlp):
    facts = triples(nlp, "The league match ended in a draw, and the season is nearly over. Tom Vale's first goal "
                         "for Kestrel Rovers came in 2004.")
    assert ("Tom Vale", "member_of_sports_team", "Kestrel Rovers") in facts


def test_becoming_a_post_and_being_appointed_to_it_by_an_organisation(nlp):
    facts = triples(nlp, "Sarah Jones became chief executive of Kestrel Bank in 2002. Halden Insurance appointed "
                         "Paul Gray as chairman in 2004.")
    assert {("Sarah Jones", "employer", "Kestrel Bank"), ("Paul Gray", "employer", "Halden Insurance"),
            ("Paul Gray", "position_held", "chairman")} <= facts


def test_a_company_described_by_its_countrys_name_and_a_unit_with_its_parent(nlp):
    facts = triples(nlp, "Shares in Kestrel Bank, the UK banking giant, rose. Shares in Marlow Insurance, a unit of "
                         "Halden Group, fell. Shares in Vale Motors' parent company Brandt Holdings rose.")
    assert {("Kestrel Bank", "country", "United Kingdom"),
            ("Marlow Insurance", "parent_organization", "Halden Group"),
            ("Marlow Insurance", "owned_by", "Halden Group"),
            ("Vale Motors", "parent_organization", "Brandt Holdings")} <= facts


def test_an_award_category_names_what_the_winner_was_to_the_work(nlp):
    facts = triples(nlp, "Sarah Jones won the best actress Oscar for the film Glass Harbor. Paul Gray was nominated "
                         "for best director for the film Glass Harbor. Mark Hughes won a Bafta for the film Glass Harbor.")
    assert {("Glass Harbor", "cast_member", "Sarah Jones"), ("Glass Harbor", "director", "Paul Gray")} <= facts
    assert not any(o == "Mark Hughes" for _, p, o in facts if p in ("cast_member", "director"))  # no category


def test_a_one_word_band_the_tagger_took_for_a_person_before_or_after_a_members_role(nlp):
    facts = triples(nlp, "Keane singer Tom Chaplin has checked into a clinic. Paul Gray, lead singer of Keane, "
                         "was not there. Madonna dancer Sarah Jones was there.")
    assert {("Tom Chaplin", "member_of", "Keane"), ("Paul Gray", "member_of", "Keane")} <= facts
    assert not any(o == "Madonna" for _, p, o in facts if p == "member_of")  # a first name: a person's dancer


def test_a_company_post_named_alone_is_held_at_the_company_the_story_is_about(nlp):
    story = triples(nlp, "Kestrel Bank profits rise\n\nKestrel Bank has reported a rise in profits. Chief executive "
                         "Paul Gray said it had been a good year.")
    assert {("Paul Gray", "employer", "Kestrel Bank"), ("Kestrel Bank", "chief_executive_officer", "Paul Gray")} <= story
    near = triples(nlp, "Kestrel Bank profits rise\n\nKestrel Bank has reported a rise in profits, unlike Halden "
                        "Insurance. Chief executive Paul Gray said it had been a good year.")
    assert not any(p in ("employer", "chief_executive_officer") for _, p, _ in near)  # whose: unsaid
    two = triples(nlp, "Banks report profits\n\nKestrel Bank and Halden Insurance have reported a rise in profits. "
                       "Kestrel Bank and Halden Insurance are rivals. Chairman Paul Gray said it had been a good year.")
    assert not any(p == "employer" for _, p, _ in two)


def test_a_company_and_a_region_before_a_post_is_its_division(nlp):
    facts = triples(nlp, "It will not be sold in the US, said GM Europe president Carl-Peter Forster.")
    assert ("Carl-Peter Forster", "employer", "GM Europe") in facts


def test_his_band_named_in_apposition_is_his_membership(nlp):
    facts = triples(nlp, "Paul Gray formed his band, Keane, in 1995. Tom Hale spent time with his other band, "
                         "Fightstar.")
    assert {("Paul Gray", "member_of", "Keane"), ("Tom Hale", "member_of", "Fightstar")} <= facts


def test_a_posts_field_after_for_or_with_a_hyphen_and_a_subsidiary_company(nlp):
    facts = triples(nlp, "We are expanding, said Oliver Valente, Sprint's vice president for technology development. "
                         "Reports came in, said Mikko Hypponen, director of anti-virus research for Kestrel Bank.")
    assert {("Oliver Valente", "employer", "Sprint"),
            ("Oliver Valente", "position_held", "vice president for technology development"),
            ("Mikko Hypponen", "employer", "Kestrel Bank"),
            ("Mikko Hypponen", "position_held", "director of anti-virus research")} <= facts
    unit = triples(nlp, "Kestrel Mobile is a subsidiary company of Deutsche Telekom and has 16 million subscribers.")
    assert ("Kestrel Mobile", "owned_by", "Deutsche Telekom") in unit


def test_a_post_at_the_firm_is_held_at_the_company_the_story_is_about(nlp):
    facts = triples(nlp, "Kestrel Bank profits rise\n\nKestrel Bank has reported higher profits. Paul Gray, a "
                         "spokesman for the bank, said costs fell.")
    assert ("Paul Gray", "employer", "Kestrel Bank") in facts
    two = triples(nlp, "Banks report profits\n\nKestrel Bank and Halden Group reported higher profits. Paul Gray, a "
                       "spokesman for the bank, said Kestrel Bank and Halden Group are rivals.")
    assert not any(p == "employer" for _, p, _ in two)


def test_a_capitalised_field_before_the_organisation_and_a_company_led_by_someone(nlp):
    facts = triples(nlp, "Paul Gray was appointed Professor of Astronomy at Uppsala University in 1888. Kestrel "
                         "Studios is a British video game developer, formerly led by Peter Molyneux.")
    assert {("Paul Gray", "employer", "Uppsala University"), ("Peter Molyneux", "employer", "Kestrel Studios")} <= facts
    assert ("Paul Gray", "employer", "Astronomy") not in facts


def test_a_participle_after_while_takes_the_main_clauses_subject(nlp):
    facts = triples(nlp, "In 2008, Paul Gray completed a course at Leeds University while working for Kestrel Bank.")
    assert ("Paul Gray", "employer", "Kestrel Bank") in facts


def test_where_someone_lives_was_raised_or_is_a_resident(nlp):
    facts = triples(nlp, "Sarah Jones was born and raised in Leeds. Paul Gray is a resident of York, and was "
                         "formerly its mayor. Mark Hughes grew up in Bradford. Tom Hale lives at Ross-on-Wye.")
    assert {("Sarah Jones", "place_of_birth", "Leeds"), ("Sarah Jones", "residence", "Leeds"),
            ("Paul Gray", "residence", "York"), ("Mark Hughes", "residence", "Bradford")} <= facts


def test_a_marriage_holds_both_ways_and_married_to_is_one(nlp):
    facts = triples(nlp, "Paul Gray is married to Sarah Jones, a known activist. Governor Earl Long and his wife, "
                         "Blanche Revere Long, attended.")
    assert {("Paul Gray", "spouse", "Sarah Jones"), ("Sarah Jones", "spouse", "Paul Gray"),
            ("Earl Long", "spouse", "Blanche Revere Long"), ("Blanche Revere Long", "spouse", "Earl Long")} <= facts


def test_where_someone_studied_from_degrees_enrolment_and_student_roles(nlp):
    facts = triples(nlp, "Paul Gray received a bachelors degree in kinesiology from Illinois State University. Mark "
                         "Hughes enrolled at the University of North Carolina and played football. Sarah Jones, a "
                         "graduate of Harvard University, said so. Tom Hale moved to Japan in 1981 and set up Fulford "
                         "Enterprises in 1985.")
    assert {("Paul Gray", "educated_at", "Illinois State University"),
            ("Mark Hughes", "educated_at", "University of North Carolina"),
            ("Sarah Jones", "educated_at", "Harvard University"),
            ("Fulford Enterprises", "founded_by", "Tom Hale")} <= facts
    grant = nlp("Sarah Jones received a grant from the Kestrel Trust.")
    assert not any(r["predicate"] == "educated_at" for r in document_rows("0" * 16, grant, None, _triggers())[1])


def test_an_encyclopedic_lead_and_a_member_of_a_party(nlp):
    facts = triples(nlp, "Max Jammer (April 13, 1915 – December 18, 2010), was an Israeli physicist. Paul Gray is "
                         "an Indian politician, a member of the Bharatiya Janata Party. Tom Hale joined the Social "
                         "Democratic Party of Canada the next year.")
    assert {("Max Jammer", "country_of_citizenship", "Israel"),
            ("Paul Gray", "member_of_political_party", "Bharatiya Janata Party"),
            ("Tom Hale", "member_of_political_party", "Social Democratic Party of Canada")} <= facts
    assert ("Paul Gray", "member_of", "Bharatiya Janata Party") not in facts


def test_resigning_or_retiring_from_an_organisation_was_a_job_there(nlp):
    facts = triples(nlp, "Sarah Jones resigned from Kestrel Bank in 2003. Paul Gray retired from the BBC in 2001. "
                         "Tom Hale resigned from the Liberal Party in 1977.")
    assert {("Sarah Jones", "employer", "Kestrel Bank"), ("Paul Gray", "employer", "BBC")} <= facts
    assert ("Tom Hale", "employer", "Liberal Party") not in facts


def test_a_first_person_bio_speaks_as_i_under_the_span_protocol(nlp):
    doc = nlp("In April 2006, I joined Princeton University as an associate director.")
    spans = {(e.subject.text, e.predicate, e.object.text) for e in extract_relations(doc, document_mentions(doc), pronoun_spans=True)}
    assert ("I", "employer", "Princeton University") in spans
    assert not any(e.subject.text == "I" for e in extract_relations(doc, document_mentions(doc)))


def test_a_company_located_in_a_place_has_its_headquarters_there(nlp):
    facts = triples(nlp, "Power Products Unlimited Inc. is proudly located in Spokane and makes parts.")
    assert ("Power Products Unlimited Inc.", "headquarters_location", "Spokane") in facts or \
        ("Power Products Unlimited Inc", "headquarters_location", "Spokane") in facts


def test_moving_somewhere_is_living_there_and_an_ing_clause_takes_the_main_subject(nlp):
    facts = triples(nlp, "Paul Gray was born in England and moved to Prague in the early 1990s. Sarah Jones grew up "
                         "in Minnesota before relocating to California in 1984. While living in Paris, Tom Hale held "
                         "several exhibitions.")
    assert {("Paul Gray", "residence", "Prague"), ("Sarah Jones", "residence", "California"),
            ("Tom Hale", "residence", "Paris")} <= facts


def test_its_post_before_a_name_is_held_at_the_organisation_it_stands_for(nlp):
    facts = triples(nlp, "Kestrel Motors reported higher profits. Its chief executive, Paul Gray, was pleased. "
                         "Sarah Jones spoke. Her husband, Tom Hale, did not.")
    assert ("Paul Gray", "employer", "Kestrel Motors") in facts
    assert not any(s == "Tom Hale" and p == "employer" for s, p, _ in facts)


def test_a_death_dated_right_after_the_verb(nlp):
    facts = triples(nlp, "Paul Gray died 3 May 1900 in Leeds.")
    assert ("Paul Gray", "date_of_death", "1900-05-03") in facts


def test_a_pronoun_inside_a_quotation_is_not_resolved_to_the_people_around_it(nlp):
    facts = triples(nlp, 'Paul Gray said: "I knew what a blow the death of his wife Sarah was," he said.')
    assert not any(p == "spouse" for _, p, _ in facts)


def test_an_actors_film_is_no_film_they_directed(nlp):
    facts = triples(nlp, "Film star Robert De Niro has returned to the top of the box office with his film Glass "
                         "Harbor.")
    assert ("Glass Harbor", "director", "Robert De Niro") not in facts
    maker = triples(nlp, "Director Sarah Jones has returned to the top of the box office with her film Glass Harbor.")
    assert ("Glass Harbor", "director", "Sarah Jones") in maker


def test_a_party_owning_any_post_and_a_defection_to_a_party(nlp):
    facts = triples(nlp, "Labour's election co-ordinator Alan Milburn said the plan would fail. Robert Jackson has "
                         "defected to Labour.")
    assert {("Alan Milburn", "member_of_political_party", "Labour Party"),
            ("Robert Jackson", "member_of_political_party", "Labour Party")} <= facts
