"""Titles of works in news that does not quote them, one tiny invented document per construction (issue 13):
the construction is under test, not the example. Each class also has a near miss that must stay no work."""
import pytest

from pipeline.mentions import document_mentions
from tests.pipeline.test_mentions import typed


@pytest.mark.parametrize("text, title", [
    # a title whose "of the" or "and the" runs on into a word the tagger calls a name
    ("Action comedy Keeper of the House came in fifth with $9m.", "Keeper of the House"),
    ("Her book Mara Quill and the Glass Harbour topped the chart.", "Mara Quill and the Glass Harbour"),
    # kind nouns the tagger does not call nouns, or that are missing
    ("The stage musical Iron Lanterns opens in May.", "Iron Lanterns"),
    ("Oscar-nominated animation Paper Whale has raked in $80m.", "Paper Whale"),
    ("The band's second collection The Salt Hours was released in the US.", "The Salt Hours"),
    ("They made the top ten with the follow-up, A Present for Nobody, in 2003.", "A Present for Nobody"),
    ("In recent years she appeared in BBC mini-series The Cazlets and played Mrs Potts.", "The Cazlets"),
    ("Morris was behind another news show satire, The Week Today, and a sketch show.", "The Week Today"),
    ("She is a judge in ITV1 talent show The Y-Factor with Simon Cole.", "The Y-Factor"),
    ("He went to number one with his first solo single Real To You.", "Real To You"),
    ("Nathan Lane won best musical actor for The Rascals at Theatre Royal, Drury Lane.", "The Rascals"),
    ("She played Emilia in Othello for the Royal Shakespeare Company last year.", "Othello"),
    ("John Nettle will return in a one-off edition of Midford Murders on Christmas Day.", "Midford Murders"),
    ("Ratings fell even for reality shows, such as American Singer, the network said.", "American Singer"),
    ("The soap beat Channel 4's Shameful Acts to win the prize.", "Shameful Acts"),
    ("Like Toy Boats, from the rapper's Encore album, is sampled from a 1980s hit.", "Encore"),
    # a title modifying a kind noun or a role noun
    ("She starred in nine of the popular Keep Going films.", "Keep Going"),
    ("Eat Less Now director Tom Barlow has won a writing award.", "Eat Less Now"),
    # frames
    ("Their singles include Quiet Harbour, Year of Glass and Paper Boats.", "Year of Glass"),
    ("It was her performance in Hotel Marigold that won the critics over.", "Hotel Marigold"),
    ("Harlin is the director behind Cold Orchard and Deep Water Rising.", "Cold Orchard"),
    ("The award went to Tess Morane, the creator of Glass Harbour.", "Glass Harbour"),
    ("Kellan plays Vince Morrow in Jailyard Blues, a role made famous in 1957.", "Jailyard Blues"),
    ("Ito won an Oscar earlier this year for Drifting Away, Japan's first.", "Drifting Away"),
    ("Who Remembers Rain has topped Amazon's book chart after one day.", "Who Remembers Rain"),
    # works winning the prizes only works win
    ("Other winners included The Cycling Letters, which took best foreign film.", "The Cycling Letters"),
    ("Best British film was Quiet Harbour Nights, the story of two women.", "Quiet Harbour Nights"),
    # "and" inside one title: the part after it does not run on as a title of its own
    ("The horror film Bogle has knocked thriller Hide and Seek from the top spot.", "Hide and Seek"),
    ("He directed the classic 1982 film An Officer and a Gentleman in Seattle.", "An Officer and a Gentleman"),
    ("Their other hits include the 1981 John Lennon cover, Jealous Gull.", "Jealous Gull"),
    # a kind noun outweighs a possessive inside the title and a place the gazetteer knows
    ("According to a new book, Hale's Britain, the minister went back on a pledge.", "Hale's Britain"),
    ("Critics praised the film Hotel Rwanda at the festival.", "Hotel Rwanda"),
    # a channel's programme, in an article about anything
    ("Speaking on BBC One's Breakfast with Hale, the minister denied it.", "Breakfast"),
    ("The minister told Radio 4's Morning Desk that talks had failed.", "Morning Desk"),
    # the subject of 'be' with a kind noun for complement; a possessive among sales of copies
    ("Quarter-Life 2 was the best-selling PC game of the year.", "Quarter-Life 2"),
    ("Kestrel's Halo Drift sold 2.4 million copies on its first day.", "Halo Drift"),
    # a story, a bestseller; a title made by a person named in full
    ("Young readers voted Fergal Kite, a story about a flying horse, the winner.", "Fergal Kite"),
    ("In 1995 he published the bestselling Going Analogue, a study of the internet.", "Going Analogue"),
    ("Toffee Wolf by Mina Grey took the top award in the under-five category.", "Toffee Wolf"),
    ("A viewer poll saw director Li Wen's martial arts epic Herald emerge as the favourite.", "Herald"),
    ("Kanye Dell won best rap song for Saints Stroll and best album for The College Years.", "Saints Stroll"),
    ("The Aviatrix has been named best film at the Golden Globe Awards.", "The Aviatrix"),
    ("Despite three nominations, Mike Lannon's Vera Drayton failed to take the director or screenplay awards.",
     "Vera Drayton"),
    # titles coordinated before one whose cue follows it
    ("She is working on a film with Dogtown and Dancer In The Fog director Lars Vinter.", "Dogtown"),
    # a year's work
    ("The record is held by 1995's Lion Regent, followed by two sequels.", "Lion Regent"),
])
def test_titles_named_as_works_by_their_context(nlp, text, title):
    assert typed(nlp, text).get(title) == "WORK"


def test_a_work_named_with_its_kind_is_a_work_at_every_mention_though_the_tagger_calls_it_a_person(nlp):
    found = [m for m in document_mentions(nlp(
        "Oscar-nominated animation Shelly Tale has raked in $80m. Shelly Tale is now the sixth best-selling DVD. "
        "Shelly Tale sold more than 6 million copies, said Bill Hart. Shelly Tale beat the record."))
        if m.name == "Shelly Tale"]
    assert found and {m.type for m in found} == {"WORK"}


def test_a_title_named_again_with_other_capitals_on_its_small_words_is_the_same_work(nlp):
    found = [m for m in document_mentions(nlp(
        "The thriller Hide and Seek fell one place. Hide And Seek was knocked off the top by a horror film."))
        if m.name.lower() == "hide and seek"]
    assert len(found) == 2 and {m.type for m in found} == {"WORK"}


def test_a_chart_names_the_kind_of_what_tops_it(nlp):
    found = [m for m in document_mentions(nlp("Who Remembers Rain has topped Amazon's book chart after one day."))
             if m.name == "Who Remembers Rain"]
    assert found and found[0].kind == "book"


def test_a_film_named_like_the_person_it_is_about_stays_a_film(nlp):
    doc = nlp("Jamie Fox won best actor for the movie Rae. Foxx's movie Rae, a biopic of the late singer "
              "Rae Charlton, also took best sound. I'd like to thank Rae Charlton himself.")
    found = {(m.name, m.type) for m in document_mentions(doc)}
    assert ("Rae", "WORK") in found and ("Rae Charlton", "PERSON") in found


@pytest.mark.parametrize("text, not_work", [
    ("The show used old photos last week.", "The"),
    ("Meanwhile, Will Storr comedy Fitch has become the top film.", "Meanwhile"),
    ("Skarsgard replaced Neeson in the role of Father Merrick, made famous in 1973.", "Father Merrick"),
    ("Chelsea star Jon Terrace scored twice.", "Chelsea"),
    ("Hollywood star Dana Roe arrived.", "Hollywood"),
    ("The best director prize went for Mike Lannon, not for the film.", "Mike Lannon"),
    ("Ralph Kinsey, whose new album sold well, said he was tired.", "Ralph Kinsey"),
    ("US pop act Copper Geese picked up the best international album gong.", "Copper Geese"),
    ("Marco Viotto, director of Venice's famous opera house, has died.", "Venice"),
    ("Sony's Blu-ray and Toshiba's HD-DVD have been courting film studios for their films.", "HD-DVD"),
    ("New strains of the virus spread by radio. New versions of Cabrix spread too.", "Cabrix"),
    ("He won the biggest prize of all, the Kestrel Cup, and that track record draws players.", "Kestrel Cup"),
    ("He signed to Paper Lantern, a record label in Leeds, in 2003.", "Paper Lantern"),
    ("He told the BBC's World Service that the vote was fair.", "World Service"),
    ("Ana Ruiz was the film's director.", "Ana Ruiz"),
    ("The plan was drawn up in London by Gordon Brown last year.", "London"),
    ("Save the Whales Fund by Anna Price raised money.", "Save the Whales Fund"),
    ("After years at the Players Theatre in Leeds, she made her film debut in 1963.", "Leeds"),
    ("Late film star Marlon Brandt turned down the role.", "Late"),
    ("The odds were cut, but bookmakers expect a late rally from former Sunny Tuesdays star Bez.", "Sunny Tuesdays"),
    ("She also starred in Neaptide for the National Theatre in 1986.", "Neaptide for the National Theatre"),
    ("She appeared in My Family and A Touch of Frost on ITV.", "My Family and A Touch of Frost"),
    ("No charges against TV's Corby, the comedian, were brought.", "Corby"),
    ("Usher won best contemporary R&B album for his second record.", "R&B"),
    ("The Producers was named best musical, Victoria Hamm was best actress for Lost Summer.", "Victoria Hamm"),
    ("Films will get prominence at next year's Kestrel Film Festival, with movies about war.", "Kestrel Film Festival"),
    ("She was edged out in an epic Hallam Marathon contest last year.", "Hallam Marathon"),
    ("That game is the day after England play Italy in the Six Nations.", "Italy in the Six Nations"),
    ("The studio won a record 41 Grammy nominations for songs recorded there.", "41 Grammy"),
    ("Rock band Sparrows have entered the UK album chart at number one.", "Sparrows"),
    ("Tanaku film studios will receive the award.", "Tanaku"),
    ("It is a new sitcom about a spoof Leeds media worker.", "Leeds"),
    ("New figures show Labour ahead in the polls.", "Labour"),
    ("Both shows are stage adaptations of 1960s films.", "1960s"),
    ("All five of his re-released songs are in the Top 40 this week.", "Top 40"),
    ("Leonardo DiCapra was praised. It has nominations for best actor for DiCapra and best director.", "DiCapra"),
    ("Horror film heads US box office for a second week.", "Horror"),
    ("Tony Blake's Gordon Brand was at the cabinet meeting on Monday.", "Gordon Brand"),
    ("Prince Carl's Camilla Parkes won a prize for her garden design, the award's director said.", "Camilla Parkes"),
    ("Busted and McFlea topped the charts last year with their singles.", "Busted"),
    ("Fans of Paris and Dancer In The Fog director Lars Vinter queued.", "Paris"),
    ("Conductor Marco Viotto, director of La Fenice since 2002, has died.", "La Fenice"),
    ("Winners include Pop Idol, Channel 4 show Faking It and two dramas.", "Channel 4"),
])
def test_near_misses_are_no_works(nlp, text, not_work):
    assert typed(nlp, text).get(not_work) != "WORK"
