"""How typed words become search terms."""

from ratecard.catalogue.search import normalise, query_terms, search_document


def test_it_drops_stop_words_and_apostrophes():
    assert query_terms("Accommodation in Lancashire") == [("accommodation",), ("lancashire",)]
    assert normalise("Women's Service – BBR") == "womens service bbr"


def test_it_trims_plurals_so_prefixes_match():
    assert query_terms("programmes") == [("programme",)]
    assert query_terms("address") == [("address",)]


def test_it_expands_everyday_words_to_brochure_words():
    assert ("accommodation" in query_terms("housing")[0])


def test_it_pads_the_document_for_word_prefix_matching():
    doc = search_document(["Thinking Skills", None, "TSP"])
    assert doc == " thinking skills tsp "
    assert " tsp" in doc and " hink" not in doc
