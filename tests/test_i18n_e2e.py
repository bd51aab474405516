"""The interface in the user's language, end to end: the real bot polling the local Bot API
server over HTTP, with the real model and index. Users whose Telegram is in Russian and in
English, the same questions; a question in Russian answered in Russian whatever the user's
Telegram language; small talk, a vote's notice and "what was wrong?" in Russian; the
menu and description registered per language."""

from __future__ import annotations

import json

import pytest

from index.corpus import read_corpus
from tests.conftest import REPO
from tests.fake_telegram.text_format import format_message_text

pytestmark = [pytest.mark.e2e, pytest.mark.model]

IVAN, ALICE = 3001, 3002  # Telegram in Russian, in English
DEFAULT_SCOPE = json.dumps({"type": "default"}, sort_keys=True)
# The article's examples (its front matter), which /start offers: its own, in English, and
# those it lists for users of the Russian interface.
[ARTICLE] = read_corpus(REPO / "corpus")
EXAMPLES, RUSSIAN_EXAMPLES = ARTICLE.examples, ARTICLE.translated_examples["ru"]


def shown(call) -> str:
    """The message as Telegram shows it (HTML parsed, as the Bot API does)."""
    return format_message_text(call.params["text"], call.params.get("parse_mode"))[0]


def buttons(call) -> list[dict]:
    markup = call.params.get("reply_markup") or {}
    markup = json.loads(markup) if isinstance(markup, str) else markup
    return [button for row in markup.get("inline_keyboard", []) for button in row]


def labels(call) -> list[str]:
    return [button["text"] for button in buttons(call)]


async def ask(api, text: str, user_id: int, language: str):
    api.send_message(text, user_id=user_id, language_code=language)
    return await api.wait_for_reply(user_id)


async def test_a_russian_user_gets_start_help_and_refusals_in_russian(fake_api, start_bot):
    await start_bot()
    start = await ask(fake_api, "/start", IVAN, "ru")
    assert shown(start).startswith("Здравствуйте! Я отвечаю на вопросы о статье «Why Is Everyone Talking About")
    assert "Попробуйте, например:" in shown(start) and labels(start) == list(RUSSIAN_EXAMPLES)
    help_text = shown(await ask(fake_api, "/help", IVAN, "ru"))
    assert "/ask <вопрос> – задать вопрос" in help_text and "/forget_me – удалить всё, что я храню о вас" in help_text
    refused = await ask(fake_api, "Who wrote Hamlet?", IVAN, "ru")
    assert shown(refused).startswith("Ответа на этот вопрос нет в статье «")
    assert shown(refused).endswith("Можно спросить, например:") and labels(refused) == [*RUSSIAN_EXAMPLES, "🔎 Ближайший фрагмент"]
    hello = shown(await ask(fake_api, "привет!", IVAN, "ru"))
    assert hello.startswith("Здравствуйте! Я отвечаю на вопросы о статье «") and f"Например: {RUSSIAN_EXAMPLES[0]}" in hello
    fake_api.send_sticker(user_id=IVAN, language_code="ru")
    assert shown(await fake_api.wait_for_reply(IVAN)).startswith("Я понимаю только текст.")
    too_long = shown(await ask(fake_api, "Why? " * 120, IVAN, "ru"))
    assert too_long == "Слишком длинный вопрос: пожалуйста, уложитесь в 500 символов."
    # A Russian example pressed is asked, and answered, in Russian.
    fake_api.press_button(start, buttons(start)[1]["callback_data"], user_id=IVAN, language_code="ru")
    example = await fake_api.wait_for_reply(IVAN, timeout=60)
    assert shown(example).startswith(f"❓ {RUSSIAN_EXAMPLES[1]}") and "5 million downloads" in shown(example)
    assert labels(example) == ["Другие фрагменты", "👍", "👎"]


async def test_a_russian_user_gets_the_english_passage_under_russian_buttons_and_notices(fake_api, start_bot):
    await start_bot()
    answer = await ask(fake_api, "/ask How many downloads does Clubhouse have?", IVAN, "ru-RU")
    assert "5 million downloads" in shown(answer) and "📰 " in shown(answer)
    assert labels(answer) == ["Другие фрагменты", "👍", "👎"]
    down = next(button for button in buttons(answer) if button["text"] == "👎")
    mark = fake_api.mark()
    fake_api.press_button(answer, down["callback_data"], user_id=IVAN, language_code="ru")
    notice = await fake_api.wait_for_call("answerCallbackQuery", after=mark, predicate=lambda c: c.params.get("text"))
    assert notice.params["text"] == "Спасибо за оценку: 👎 засчитан. Нажмите ещё раз, чтобы отменить."
    prompt = await fake_api.wait_for_call("sendMessage", after=mark, predicate=lambda c: c.ok)
    assert shown(prompt).startswith("Жаль, что не помогло. Что было не так с этим ответом?")
    markup = prompt.params["reply_markup"]
    markup = json.loads(markup) if isinstance(markup, str) else markup
    assert markup["force_reply"] is True and markup["input_field_placeholder"] == "Что было не так с ответом?"
    edit = await fake_api.wait_for_call("editMessageReplyMarkup", after=mark, predicate=lambda c: c.ok)
    assert labels(edit) == ["Другие фрагменты", "👍", "👎 1"]
    fake_api.inline_query("How many downloads does Clubhouse have?", user_id=IVAN, language_code="ru")
    inline = await fake_api.wait_for_call("answerInlineQuery")
    results = inline.params["results"]
    results = json.loads(results) if isinstance(results, str) else results
    assert inline.params.get("is_personal") is True  # Telegram would give one user's language to all
    assert "5 million downloads" in results[0]["input_message_content"]["message_text"]


async def test_an_english_user_gets_the_same_in_english(fake_api, start_bot):
    await start_bot()
    start = await ask(fake_api, "/start", ALICE, "en")
    assert shown(start).startswith("Hi! I answer questions about the article “Why Is Everyone Talking About")
    assert labels(start) == list(EXAMPLES)
    assert "/forget_me – delete what I keep about you" in shown(await ask(fake_api, "/help", ALICE, "en"))
    assert shown(await ask(fake_api, "Who wrote Hamlet?", ALICE, "en")).startswith("I couldn't find the answer")
    answer = await ask(fake_api, "How many downloads does Clubhouse have?", ALICE, "en-US")
    assert "5 million downloads" in shown(answer) and labels(answer) == ["More passages", "👍", "👎"]
    assert shown(await ask(fake_api, "hi", ALICE, "en")).startswith("Hi! I answer questions about the article “")


async def test_a_question_in_russian_is_answered_in_russian_whatever_the_telegram_language(fake_api, start_bot):
    await start_bot()
    answer = await ask(fake_api, "сколько скачиваний у Clubhouse?", ALICE, "en")
    assert "5 million downloads" in shown(answer) and labels(answer) == ["Другие фрагменты", "👍", "👎"]
    refused = await ask(fake_api, "кто написал Гамлета?", 3003, "de")
    assert shown(refused).startswith("Ответа на этот вопрос нет в статье «")
    assert shown(await ask(fake_api, "Who wrote Hamlet?", 3004, "en")).startswith("I couldn't find the answer")


async def test_the_menu_and_description_are_registered_per_language(fake_api, start_bot):
    await start_bot()
    commands = fake_api.settings.commands
    russian = {c["command"]: c["description"] for c in commands[(DEFAULT_SCOPE, "ru")]}
    english = {c["command"]: c["description"] for c in commands[(DEFAULT_SCOPE, "")]}
    assert russian["ask"] == "Задать вопрос (работает и в группах)" and russian.keys() == english.keys()
    assert english["ask"] == "Ask a question (also works in groups)"
    assert fake_api.settings.descriptions["ru"].startswith("Я отвечаю на вопросы о новостной статье")
    assert fake_api.settings.descriptions[""].startswith("I answer questions about a news article")
    assert fake_api.settings.short_descriptions.keys() == {"", "ru"}
