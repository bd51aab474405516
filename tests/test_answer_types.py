"""Expected answer types and the answer evidence worked out per sentence when the index loads."""

import pytest

from index.answer_types import AnswerType, answer_evidence, expected_answer_type, focus_word


@pytest.mark.parametrize("question, expected", [
    ("Who is the CEO of Robinhood?", AnswerType.NAME),
    ("How many people can join a room?", AnswerType.NUMBER),
    # A sum of money: "5 million downloads" holds a number but cannot say what the app is worth.
    ("How much is Clubhouse worth?", AnswerType.AMOUNT),
    ("What is the app valued at?", AnswerType.AMOUNT),
    ("How much does an annual membership cost?", AnswerType.AMOUNT),
    ("How much data does an hour use?", AnswerType.NUMBER),
    ("What did Musk pay attention to?", None),
    ("Сколько стоит Clubhouse?", AnswerType.NUMBER),  # Russian asks so for any count too
    # A length of time or of a thing: a figure with its unit ("5000 users" cannot say how long).
    ("How long did the session last?", AnswerType.LENGTH),
    ("how long is the river", AnswerType.LENGTH),
    ("Сколько длилась сессия Маска?", AnswerType.LENGTH),
    ("а сколько длилась его сессия?", AnswerType.LENGTH),
    ("Как долго Маск был в Clubhouse?", AnswerType.LENGTH),
    ("Where is Clubhouse based?", AnswerType.PLACE),
    ("When did Musk tweet?", AnswerType.TIME),
    # A time asked with a preposition or a unit in front: "In what year…", "Which century…".
    ("In what year was the town founded?", AnswerType.TIME),
    ("What century did the empire fall in?", AnswerType.TIME),
    ("On what day of the week did Musk tweet?", AnswerType.TIME),
    ("В каком году основали Clubhouse?", AnswerType.TIME),
    ("What is the time?", None),  # asks nothing about when
    ("Кто пригласил Путина?", AnswerType.NAME),
    ("What did Musk tweet to Putin?", AnswerType.QUOTE),
    ("so what did he say to him", AnswerType.QUOTE),
    ("Which analytics firm counted the downloads?", None),  # "which" asks for names and things alike
    ("What did Musk talk about?", None),
    ("Is Clubhouse invite-only?", None),
    # Asking what someone is: the answer is a description, which may name no one else.
    ("Who is Elon Musk?", None),
    ("who is zuckerburg", None),
    ("Who is Putin, according to the article?", None),
    ("who is he", None),
    ("Кто такой Влад Тенев?", None),
    ("Who's Elon Musk?", None),  # contracted, as people type it
    ("who’s vlad tenev", None),
    ("who're they", None),
    # ... but a role, a possessive or a description still asks for a name.
    ("who is robinhood ceo", AnswerType.NAME),
    ("Who is Robinhood's CEO?", AnswerType.NAME),
    ("Who's Robinhood's CEO?", AnswerType.NAME),
    ("Who's the CEO of Robinhood?", AnswerType.NAME),
    ("Who's Musk's brother?", AnswerType.NAME),
    ("Who was the first to join?", AnswerType.NAME),
    ("Who is Mark Zuckerberg married to?", AnswerType.NAME),
    ("who is it supposed to rival?", AnswerType.NAME),
])
def test_question_words_set_the_expected_kind_of_answer(question, expected):
    assert expected_answer_type(question) is expected


@pytest.mark.parametrize("question, focus", [
    ("Which comedian is a regular there?", "comedian"),
    ("What nationality is the entrepreneur?", "nationality"),
    ("In which city is the company based?", "city"),
    ("which celebs are on clubhouse", "celebs"),
    ("What number of users listened in?", "number"),
    ("On what day of the week was it?", "day"),
    # "what" as the subject, or before a verb, asks for no kind of thing by name.
    ("what helped clubhouse grow", None),
    ("What did Musk tweet?", None),
    ("Which is the biggest?", None),
    ("Who is Vlad Tenev?", None),
])
def test_the_focus_word_names_the_kind_of_answer_asked_for(question, focus):
    assert focus_word(question) == focus


def test_a_name_the_question_already_holds_is_not_its_answer():
    evidence = answer_evidence("Elon Musk spoke with Vlad Tenev, the CEO of Robinhood.")
    assert evidence.carries(AnswerType.NAME, frozenset({"ceo", "robinhood"}))  # Elon Musk, Vlad Tenev are new
    only_musk = answer_evidence("The invitation came from Elon Musk.")
    assert not only_musk.carries(AnswerType.NAME, frozenset({"who", "invited", "musk"}))
    assert only_musk.carries(AnswerType.NAME, frozenset({"who", "invited", "putin"}))


def test_sentence_initial_capitals_are_not_names():
    assert not answer_evidence("The app is popular. It grew fast.").carries(AnswerType.NAME, frozenset())


def test_a_brand_capitalised_inside_the_word_is_a_name():
    assert answer_evidence("The app is restricted to owners of iPhones.").carries(AnswerType.NAME, frozenset({"app"}))
    assert answer_evidence("They sell it on eBay.").carries(AnswerType.NAME, frozenset())
    assert not answer_evidence("the app is restricted to owners of phones.").carries(AnswerType.NAME, frozenset())


def test_numbers_and_times():
    evidence = answer_evidence("Rooms hold up to 5,000 people since January 2021.")
    assert evidence.carries(AnswerType.NUMBER, frozenset()) and evidence.carries(AnswerType.TIME, frozenset())
    plain = answer_evidence("Rooms are small and friendly.")
    assert not plain.carries(AnswerType.NUMBER, frozenset()) and not plain.carries(AnswerType.TIME, frozenset())


def test_a_time_is_a_year_a_date_or_a_period_not_any_four_digits():
    for sentence in ("The church was built in 1169.", "It rose in the 10th century.", "Sales fell in the 1990s.",
                     "Musk tweeted on Saturday."):
        assert answer_evidence(sentence).carries(AnswerType.TIME, frozenset()), sentence
    for sentence in ("Over 5000 users listened in.", "Rooms hold 8000 people."):
        assert not answer_evidence(sentence).carries(AnswerType.TIME, frozenset()), sentence


def test_a_sum_of_money_is_a_figure_with_its_currency():
    assert answer_evidence("It was recently valued at $1bn.").carries(AnswerType.AMOUNT, frozenset())
    assert answer_evidence("An annual membership costs £90.").carries(AnswerType.AMOUNT, frozenset())
    assert answer_evidence("They raised 5 million dollars.").carries(AnswerType.AMOUNT, frozenset())
    assert answer_evidence("It will cost four million euros.").carries(AnswerType.AMOUNT, frozenset())
    downloads = answer_evidence("Clubhouse has recorded over 5 million downloads.")
    assert downloads.carries(AnswerType.NUMBER, frozenset()) and not downloads.carries(AnswerType.AMOUNT, frozenset())


def test_numbers_in_words_are_numbers():
    assert answer_evidence("It takes five to ten years.").carries(AnswerType.NUMBER, frozenset())
    assert answer_evidence("Twelve people joined.").carries(AnswerType.NUMBER, frozenset())
    assert not answer_evidence("No one joined him.").carries(AnswerType.NUMBER, frozenset())  # "one" is a pronoun here


def test_a_length_is_a_figure_with_a_unit_of_time_or_distance():
    for sentence in ("Western Europe held Cyprus for 380 years.", "It takes five to ten years to produce oil.",
                     "The session lasted two hours.", "The shore is 35 km long.", "The principle holds since the 1950s.",
                     "The talk went on for several hours."):
        assert answer_evidence(sentence).carries(AnswerType.LENGTH, frozenset()), sentence
    for sentence in ("Clubhouse has recorded over 5 million downloads.", "Over 5000 users listened in.",
                     "He joined earlier this month."):
        assert not answer_evidence(sentence).carries(AnswerType.LENGTH, frozenset()), sentence


def test_quotations_are_words_between_quotation_marks():
    assert answer_evidence("His tweet read, “would you like to join me for a chat?”").carries(AnswerType.QUOTE, frozenset())
    assert answer_evidence('He wrote: "see you there, friends"').carries(AnswerType.QUOTE, frozenset())
    assert not answer_evidence("He tweeted about it twice.").carries(AnswerType.QUOTE, frozenset())
