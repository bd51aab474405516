"""The interface in the user's language, without the model or Telegram: which language a
Telegram language_code or a terminal locale gets, and every reply of the reply layer in
Russian (no English left around the quoted passage, which stays as the article has it)."""

from __future__ import annotations

import re
import string
from dataclasses import replace

import pytest

from bot import i18n, profile, replies, texts
from bot.__main__ import parse_args
from bot.local_chat import chat_in_terminal
from bot.reply import ChatContext
from bot.services import BotServices
from tests.fake_telegram.text_format import format_message_text
from tests.fakes import ANSWERED, EXAMPLES, QUESTION, FakeEngine, answering_engine, open_services

RU_USER, EN_USER, DE_USER, ADMIN = ChatContext(2001, "ru-RU"), ChatContext(2002, "en"), ChatContext(2003, "de"), ChatContext(7, "ru")


@pytest.mark.parametrize(
    ("code", "language"),
    [("ru", "ru"), ("ru-RU", "ru"), ("RU", "ru"), ("ru_RU.UTF-8", "ru"), ("en", "en"), ("en-US", "en"),
     ("de", "en"), ("uk", "en"), ("rus", "en"), ("", "en"), (None, "en"), ("C", "en"), ("  ru ", "ru")],
)  # fmt: skip
def test_a_language_code_gets_the_language_the_bot_speaks_or_english(code, language):
    assert i18n.language_of(code) == language


def test_the_fallback_is_the_default_language_given():
    assert i18n.language_of("de", default="ru") == "ru" and i18n.language_of(None, default="ru") == "ru"
    assert i18n.language_of("en-GB", default="ru") == "en"


@pytest.mark.parametrize(
    ("environ", "language"),
    [
        ({"LANG": "ru_RU.UTF-8"}, "ru"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "C.UTF-8"}, "fallback"),
        ({}, "fallback"),
        ({"LC_ALL": "ru_RU.UTF-8", "LANG": "en_US.UTF-8"}, "ru"),  # LC_ALL wins over LANG
        ({"LC_MESSAGES": "en_GB.UTF-8", "LANG": "ru_RU.UTF-8"}, "en"),
        ({"LC_ALL": "de_DE.UTF-8", "LANG": "ru_RU.UTF-8"}, "fallback"),  # the locale in force is German
        ({"LANGUAGE": "uk:ru:en", "LANG": "en_US.UTF-8"}, "ru"),  # the first of the list the bot speaks
        ({"LANGUAGE": "de", "LANG": "ru_RU.UTF-8"}, "ru"),  # none of the list: the locale decides
        ({"LANG": ""}, "fallback"),
    ],
)
def test_the_terminal_speaks_the_language_of_its_locale(environ, language):
    assert i18n.locale_language(environ, "fallback") == language


def test_only_languages_the_bot_speaks_have_a_translator():
    assert i18n.translator("ru") is i18n.translator("ru")  # each catalog read once
    assert i18n.translator("en")(texts.NOT_ALLOWED) == texts.NOT_ALLOWED
    with pytest.raises(ValueError, match="no interface language 'de'"):
        i18n.translator("de")


@pytest.fixture
def services(tmp_path) -> BotServices:
    with open_services(tmp_path, max_question_chars=50, rate_limit_per_minute=2, admin_user_ids=[ADMIN.user_id]) as services:
        yield services


@pytest.fixture
def engine() -> FakeEngine:
    return answering_engine()


LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z']+")


def english_left_in(text: str) -> list[str]:
    """The English words of bot.texts still in `text`: each msgid's literal runs (outside its
    fields, tags and <code>, which holds commands) of two or more Latin words, wherever Russian
    says something else. (A lone word could be the article's or a command's: the single-word
    labels are checked one by one in the test below.)"""
    ru = i18n.translator("ru")
    found = []
    for name in dir(texts):
        for message in _messages(getattr(texts, name)):
            if ru(message) == message:  # the same in both languages (👍, ❓ <i>{question}</i>)
                continue
            for literal, *_ in string.Formatter().parse(re.sub(r"<code>.*?</code>", " ", message)):
                for run in re.split(r"<[^>]+>|&[a-z]+;", literal):
                    words = LATIN_WORD.findall(run)
                    if len(words) >= 2 and f" {' '.join(words)} " in f" {' '.join(LATIN_WORD.findall(text))} ":
                        found.append(run.strip())
    return found


def _messages(value: object) -> list[str]:
    if isinstance(value, i18n.Plural):
        return list(value)
    if isinstance(value, tuple):
        return [text for item in value for text in _messages(item) if text not in {c for c, _ in texts.COMMANDS}]
    return [value] if isinstance(value, str) else []


def shown(html: str) -> str:
    return format_message_text(html, "HTML")[0]


async def russian_replies(engine: FakeEngine, services: BotServices) -> dict[str, str]:
    """What a Russian user reads, reply by reply (Telegram HTML, a button's notice, a keyboard)."""
    said: dict[str, str] = {}
    answer = await replies.answer_question(QUESTION, RU_USER, engine, services)
    key = answer.buttons[0][0].data.removeprefix("more:")
    said["answer"] = answer.html
    said["buttons"] = labels(answer.buttons)
    said["not answered"] = (await replies.answer_question("Who wrote Hamlet?", RU_USER, engine, services)).html
    said["empty"] = (await replies.answer_question("   ", RU_USER, engine, services)).html
    said["too long"] = (await replies.answer_question("Why " * 20, RU_USER, engine, services)).html
    said["greeting"] = (await replies.answer_question("привет", RU_USER, engine, services)).html
    said["thanks"] = (await replies.answer_question("спасибо!", RU_USER, engine, services)).html
    said["about the bot"] = (await replies.answer_question("what can you do?", RU_USER, engine, services)).html
    said["rate limited"] = (await replies.answer_question(QUESTION, RU_USER, engine, services)).html
    # 👎, what was wrong, its reply kept; taken back; 👍
    down = await replies.press_vote(key, False, RU_USER, services)
    said["voted down"] = down.notice
    prompt = await down.follow_up()
    said["what was wrong"], said["what was wrong placeholder"] = prompt.html, prompt.reply_placeholder
    await down.sent(77)
    said["comment kept"] = (await replies.note_comment("Не тот абзац", RU_USER, 77, services)).html
    said["vote taken back"] = (await replies.press_vote(key, False, RU_USER, services)).notice
    said["comment without vote"] = (await replies.note_comment("Всё же не тот", RU_USER, 77, services)).html
    up = await replies.press_vote(key, True, RU_USER, services)
    said["voted up"], said["counted buttons"] = up.notice, labels(up.keyboard)
    more = await replies.press_more(key, ChatContext(2009, "ru"), engine, services)
    said["more"] = (await more.follow_up()).html
    said["more again"] = (await replies.press_more(key, RU_USER, engine, services)).notice
    said["expired"] = (await replies.press_more("00ff", RU_USER, engine, services)).notice
    said["example"] = (await replies.press_example(0, "ru", ChatContext(2010, "ru"), engine, services).follow_up()).html
    said["start"] = replies.start(RU_USER, engine, services).html
    said["help"] = replies.help_text("qa_bot", RU_USER, services).html
    said["admin help"] = replies.help_text("qa_bot", ADMIN, services).html
    said["about"] = replies.about(RU_USER, engine, services).html
    said["stats refused"] = (await replies.stats(RU_USER, services)).html
    said["stats"] = (await replies.stats(ADMIN, services)).html
    said["forget me"] = (await replies.forget_me(RU_USER, services)).html
    said["reindex refused"] = replies.reindex_refusal(RU_USER, services).html
    assert replies.reindex_refusal(ADMIN, services) is None
    said["reindex running"] = replies.reindex_refusal(ADMIN, services).html
    for make in (replies.not_allowed, replies.non_text, replies.unknown_command, replies.something_went_wrong):
        said[make.__name__] = make(RU_USER, services).html
    said["empty ask"] = replies.empty_ask(RU_USER, engine, services).html
    inline = await replies.inline_answer(QUESTION, ChatContext(2011, "ru"), engine, services)
    said["inline"] = inline.results[0].html
    [missing] = (await replies.inline_answer("Who wrote Hamlet?", ChatContext(2011, "ru"), engine, services)).results
    said["inline not answered"] = f"{missing.title} {missing.description} {missing.html}"
    said["inline hint"] = (await replies.inline_answer(" ", ChatContext(2011, "ru"), engine, services)).hint
    tr = replies.translator_for(RU_USER, services)
    said["local help"] = tr(texts.LOCAL_HELP)
    said["no token"] = tr(texts.NO_TOKEN_HELP)
    return said


def labels(buttons) -> str:
    return " ".join(button.label for row in buttons for button in row)


# Laid out for a phone, these are the article's words and the user's question alone, with no
# word of the interface to translate: only checked for English left in.
ARTICLE_ONLY = {"answer", "more", "example", "inline"}


async def test_a_russian_user_reads_no_english_but_the_article(engine, services):
    said = await russian_replies(engine, services)
    left = {name: english_left_in(shown(text) if "<" in text else text) for name, text in said.items()}
    assert {name: found for name, found in left.items() if found} == {}
    worded = {name: text for name, text in said.items() if name not in ARTICLE_ONLY}
    assert [name for name, text in worded.items() if not re.search("[а-яё]", text, re.IGNORECASE)] == []


async def test_the_answer_quotes_the_english_passage_under_russian_buttons(engine, services):
    said = await russian_replies(engine, services)
    assert said["answer"] == ("<b>It has 5 million downloads.</b>\n"
                              "<blockquote expandable>Clubhouse launched in 2020. … Mostly on iPhones.</blockquote>\n"
                              "📰 <i>An article</i>")  # fmt: skip
    assert said["buttons"] == "Другие фрагменты 👍 👎"
    assert said["counted buttons"] == "Другие фрагменты 👍 1 👎"
    not_answered = shown(said["not answered"])
    assert "Ответа на этот вопрос нет в статье «" in not_answered and not_answered.endswith("Можно спросить, например:")
    assert shown(said["not answered"]).startswith("↪ к вопросу: How many downloads")  # read as a follow-up
    assert "уложитесь в 50 символов" in said["too long"]
    assert re.search(r"через \d+ секунд", said["rate limited"])
    assert "Musk joined in February." in said["more"] and "📰 <i>An article</i>" in said["more"]
    assert shown(said["empty ask"]) == f"Напишите вопрос после команды, например: /ask {EXAMPLES[0]}"
    about = shown(said["about"])
    assert "Статей в индексе: 1" in about and "Фрагментов: 6" in about and "Модель: test/model" in about
    assert "Индекс собран: 2025-01-02 03:04:05 UTC" in about and "(6 фрагментов)" in about
    assert shown(said["stats"]).startswith("За последние 30 дней\nВопросов: 3\nС ответом: 2 (67%)")
    assert said["forget me"] == "Готово: я удалил 2 вопроса и 1 оценку, которые хранил о вас, и забыл наш разговор."
    assert "/reindex" in said["admin help"] and "/reindex" not in said["help"]
    assert "храню ваши вопросы 30 дней" in said["help"]


async def test_small_talk_is_answered_in_russian_with_an_example_of_the_article(engine, services):
    said = await russian_replies(engine, services)
    greeting, thanks, about_bot = shown(said["greeting"]), shown(said["thanks"]), shown(said["about the bot"])
    assert greeting.startswith("Здравствуйте! Я отвечаю на вопросы о статье «Why Is Everyone Talking About")
    assert greeting.endswith(f"Например: {EXAMPLES[0]}")  # the example as the article has it
    assert thanks.startswith("Пожалуйста! Я отвечаю на вопросы о статье «")
    assert about_bot.startswith("Я отвечаю на вопросы о статье «")  # English small talk, a Russian user: Russian


async def test_button_notices_and_what_was_wrong_are_in_russian(engine, services):
    said = await russian_replies(engine, services)
    assert said["voted down"] == "Спасибо за оценку: 👎 засчитан. Нажмите ещё раз, чтобы отменить."
    assert said["voted up"] == "Спасибо за оценку: 👍 засчитан. Нажмите ещё раз, чтобы отменить."
    assert said["vote taken back"] == "Ваша оценка отменена."
    assert shown(said["what was wrong"]).startswith("Жаль, что не помогло. Что было не так с этим ответом?")
    assert said["what was wrong placeholder"] == "Что было не так с ответом?"
    assert said["comment kept"] == "Спасибо, записал это вместе с вашим 👎."
    assert said["comment without vote"] == "Вы отменили этот 👎, поэтому я это не сохранил."
    assert said["more again"] == "Другие фрагменты уже показаны."
    assert said["expired"] == "Этот ответ я уже не храню (ответы с кнопками хранятся 7 дней): задайте вопрос ещё раз."


async def test_telegram_limits_hold_for_the_russian_notices_and_placeholder(engine, services):
    said = await russian_replies(engine, services)
    notices = ("voted down", "voted up", "vote taken back", "more again", "expired")
    assert {name: len(said[name]) for name in notices if len(said[name]) > 200} == {}  # answerCallbackQuery
    assert len(said["what was wrong placeholder"]) <= 64  # ForceReply's input_field_placeholder
    ru = i18n.translator("ru")
    assert all(len(ru.plural(texts.EXPIRED, days, days=days)) <= 200 for days in (1, 2, 5, 3650))


async def test_in_a_group_a_russian_reader_is_told_in_russian_and_the_english_answer_keeps_its_buttons(engine, services):
    in_group = {"chat_id": -100, "in_group": True}
    english = await replies.answer_question(QUESTION, ChatContext(2002, "en", **in_group), engine, services)
    key = english.buttons[0][0].data.removeprefix("more:")
    pressed = await replies.press_vote(key, True, ChatContext(2001, "ru", **in_group), services)
    assert pressed.notice.startswith("Спасибо за оценку: 👍 засчитан.")  # to the one who pressed
    assert labels(pressed.keyboard) == "More passages 👍 1 👎"  # under everyone's English answer
    russian = await replies.answer_question("привет", ChatContext(2001, "ru", **in_group), engine, services)
    assert shown(russian.html).startswith("Здравствуйте! Я отвечаю")  # a greeting gets its reply in a group too


async def test_every_russian_reply_is_html_telegram_accepts(engine, services):
    for name, text in (await russian_replies(engine, services)).items():
        assert shown(text), name


async def test_a_user_of_another_language_gets_the_default_one(engine, tmp_path):
    for default, expected in (("en", "I couldn't find"), ("ru", "Ответа на этот вопрос нет")):
        with open_services(tmp_path / default, default_language=default) as services:
            reply = await replies.answer_question("Who wrote Hamlet?", DE_USER, engine, services)
            assert expected in shown(reply.html)
            english = await replies.answer_question("Who wrote Hamlet?", EN_USER, engine, services)
            assert "I couldn't find" in shown(english.html)  # a language the bot speaks is never overridden


def test_the_terminal_chat_speaks_the_language_it_is_given(engine, services):
    output: list[str] = []
    feed = iter(["Who wrote Hamlet?"])

    def read(prompt: str) -> str:
        try:
            return next(feed)
        except StopIteration:
            raise EOFError from None

    chat_in_terminal(engine, services, read=read, write=output.append, bold=("", ""), chat=ChatContext(None, "ru"))
    start, hamlet, _ = output
    assert "Здравствуйте!" in start and "Выйти — Ctrl-D или /quit" in start and EXAMPLES[0] in start
    assert "Ответа на этот вопрос нет" in hamlet


def test_python_m_bot_takes_the_terminal_language_as_a_flag():
    assert parse_args(["--lang", "ru"]).lang == "ru" and parse_args([]).lang is None
    with pytest.raises(SystemExit):
        parse_args(["--lang", "de"])


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_the_profile_fits_telegram_limits_in_every_language(language):
    shown_to = profile.profile(i18n.translator(language))
    assert [c.command for c in shown_to.commands] == [c for c, _ in texts.COMMANDS]
    assert all(1 <= len(c.description) <= 256 for c in shown_to.commands)
    assert 0 < len(shown_to.description) <= 512 and 0 < len(shown_to.short_description) <= 120


def test_the_default_profile_is_in_the_default_language_and_each_other_has_its_own():
    english, russian = profile.profile(i18n.translator("en")), profile.profile(i18n.translator("ru"))
    assert profile.profiles("en") == {None: english, "ru": russian}
    assert profile.profiles("ru") == {None: russian, "en": english}
    assert russian.commands[0].description == "О чём я знаю, с примерами вопросов"


def test_two_users_of_two_languages_are_each_answered_in_theirs(services):
    """The language is chosen per reply, never kept: one process serves both at once."""
    assert replies.not_allowed(RU_USER, services).html == "Извините, это закрытый бот."
    assert replies.not_allowed(EN_USER, services).html == "Sorry, this bot is private."
    assert replies.not_allowed(RU_USER, services).html == "Извините, это закрытый бот."


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("кто такой Влад Тенев?", "ru"),
        ("кто такой Vlad Tenev?", "ru"),  # names count for neither script
        ("App Annie это что", "ru"),
        ("clubhouse это что?", "ru"),
        ("спасибо", "ru"),
        ("Who is Vlad Tenev?", None),
        ("what does «былобыбольшойчестьюпоговорить с вами» mean?", None),  # a quotation in English
        ("привет, what is clubhouse valued at", None),
        ("хто такий Ілон Маск?", None),  # Ukrainian: never answered in Russian
        ("хто написав Гамлета?", None),  # Ukrainian in letters Russian has too
        ("Що це?", None),
        ("Қазақстан туралы", None),  # Kazakh
        ("🤔", None),
        ("", None),
    ],
)
def test_a_message_in_russian_says_so_by_its_words(text, language):
    assert i18n.written_in(text) == language


async def test_a_question_is_answered_in_the_language_it_was_asked_in(engine, services):
    """Telegram in English or German, a question in Russian: the reply around the article in
    Russian; Telegram in Russian, a question in English: Russian still (Latin letters say
    nothing); a question in Ukrainian: the Telegram language, never Russian. (Each user asks
    once: a second question would be read as a follow-up, its reply opening with "about: ".)"""
    refused = (await replies.answer_question("кто написал Гамлета?", EN_USER, engine, services)).html
    assert shown(refused).startswith("Ответа на этот вопрос нет в статье «")
    thanks = (await replies.answer_question("спасибо!", DE_USER, engine, services)).html
    assert shown(thanks).startswith("Пожалуйста!")
    assert shown((await replies.answer_question("Who wrote Hamlet?", RU_USER, engine, services)).html).startswith(
        "Ответа на этот вопрос нет")
    ukrainian = (await replies.answer_question("хто написав Гамлета? і чому", ChatContext(2004, "en"), engine, services))
    assert shown(ukrainian.html).startswith("I couldn't find the answer")
    english = (await replies.answer_question("Who wrote Hamlet?", ChatContext(2005, "en"), engine, services)).html
    assert shown(english).startswith("I couldn't find the answer")


async def test_an_answer_to_a_russian_question_keeps_russian_buttons_for_an_english_user(services):
    engine = FakeEngine({"сколько скачиваний?": replace(ANSWERED, question="сколько скачиваний?")})
    answer = await replies.answer_question("сколько скачиваний?", EN_USER, engine, services)
    assert labels(answer.buttons) == "Другие фрагменты 👍 👎"
    key = answer.buttons[0][0].data.removeprefix("more:")
    up = await replies.press_vote(key, True, EN_USER, services)
    assert up.notice == texts.VOTE_COUNTED_UP  # a press speaks its presser's language
    assert labels(up.keyboard) == "Другие фрагменты 👍 1 👎"  # the answer's buttons stay in the answer's
    inline = await replies.inline_answer("кто написал Гамлета?", EN_USER, engine, services)
    assert inline.results[0].title == i18n.translator("ru")(texts.INLINE_NOT_ANSWERED_TITLE)
