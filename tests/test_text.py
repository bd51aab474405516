from index.text import clean_text, normalize_for_match, split_sentences, words


def test_clean_text_repairs_scraping_damage():
    assert clean_text("on Twitter.He talked") == "on Twitter. He talked"
    assert clean_text("с вами.”As per Google") == "с вами.” As per Google"
    assert clean_text("a\u00a0b\u200b c  \n d") == "a b c d"


def test_clean_text_keeps_abbreviations_and_numbers():
    assert clean_text("the U.S. market grew 1.5 times") == "the U.S. market grew 1.5 times"


def test_split_sentences_keeps_quotes_with_their_sentence():
    text = "His tweet read, “Hello?” Then he left. Mr. Smith stayed."
    assert split_sentences(text) == ["His tweet read, “Hello?”", "Then he left.", "Mr. Smith stayed."]


def test_split_sentences_of_cyrillic():
    assert split_sentences("Привет, мир. Как дела? Хорошо.") == ["Привет, мир.", "Как дела?", "Хорошо."]


def test_normalize_for_match_follows_the_eval_readme():
    assert normalize_for_match("“Would  You”\u00a0Like") == '"would you" like'


def test_words_splits_any_script_and_drops_single_letters():
    assert words("Musk’s San Francisco-based былобы 5,000") == ["musk", "san", "francisco", "based", "былобы", "5000"]


def test_words_of_handles_include_their_parts():
    assert words("@KremlinRussia_E #SpaceTravel") == ["kremlinrussia_e", "kremlin", "russia", "spacetravel", "space", "travel"]


def test_a_number_is_one_word_with_or_without_thousands_separators():
    assert words("it had just 1,500 users") == words("it had just 1500 users") == ["it", "had", "just", "1500", "users"]
    assert words("12,345,678 people") == ["12345678", "people"]
    assert words("1,2,3 and 3,14 and 2021, 500") == ["1", "2", "3", "and", "3", "14", "and", "2021", "500"]


def test_a_sum_written_short_reads_as_the_words_a_reader_asks_with():
    assert words("valued at $1bn") == ["valued", "at", "1", "billion"]
    assert words("a £90m deal, $5k") == ["90", "million", "deal", "5000"]
    assert words("did 5k people listen? 1.5k users") == ["did", "5000", "people", "listen", "1500", "users"]
    assert words("5m long") == ["5m", "long"]  # without a currency, "m" may be metres
