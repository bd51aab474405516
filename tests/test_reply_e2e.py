"""What a person reads, end to end: the real bot polling the local Bot API server over HTTP
with the real model. The reply's layout (the answer first, the rest of the paragraph in an
expandable quote, short until opened), small talk in private and in groups, captions read
as questions, and an edited question editing its answer. Every reply goes through the
server's HTML parser, which refuses what Telegram would (expandable blockquotes included)."""

from __future__ import annotations

import json

import pytest

from bot.render import VISIBLE_BUDGET
from tests.conftest import BOT_USERNAME
from tests.fake_telegram import eventually

pytestmark = [pytest.mark.e2e, pytest.mark.model]

ALICE, BOB = 2001, 2002
GROUP = dict(chat_type="supergroup", chat_id=-100777, chat_title="Readers")
DOWNLOADS = "How many downloads does Clubhouse have?"


def visible(call) -> int:
    """Characters shown before the quote is opened, from the entities the server parsed."""
    message = call.result
    hidden = sum(e["length"] for e in message.get("entities", []) if e["type"] == "expandable_blockquote")
    return len(message["text"].encode("utf-16-le")) // 2 - hidden


def entity_types(call) -> list[str]:
    return [e["type"] for e in call.result.get("entities", [])]


def buttons(call) -> list[str]:
    markup = call.params.get("reply_markup") or {}
    if isinstance(markup, str):
        markup = json.loads(markup)
    return [b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row]


async def ask(api, text: str, user_id: int = ALICE, **sender):
    api.send_message(text, user_id=user_id, **sender)
    return await api.wait_for_reply(sender.get("chat_id") or user_id, timeout=30)


async def idle(app, api) -> None:
    journal = app.bot_data["services"].journal
    await eventually(lambda: api.pending_updates() == 0 and not journal.pending, what="the bot to be idle")


async def test_the_answer_comes_first_the_rest_is_expandable_and_the_reply_is_short(fake_api, start_bot):
    await start_bot()
    reply = await ask(fake_api, "Who is Vlad Tenev?")  # his sentence ends a five-sentence paragraph
    text = reply.result["text"]
    assert text.startswith("Vlad Tenev, CEO of Robinhood also joined in the session.\n")
    assert entity_types(reply)[:2] == ["bold", "expandable_blockquote"]
    bold, quote = reply.result["entities"][:2]
    assert bold["offset"] == 0 and quote["offset"] == bold["length"] + 1
    assert "Musk has been quite active on the platform." in text  # the rest, behind "show more"
    assert text.endswith("📰 Why Is Everyone Talking About Conversation Between Elon…")
    assert "paragraph" not in text and visible(reply) < VISIBLE_BUDGET


async def test_more_passages_and_inline_results_use_the_same_layout(fake_api, start_bot):
    await start_bot()
    reply = await ask(fake_api, DOWNLOADS)
    fake_api.press_button(reply, next(d for d in buttons(reply) if d.startswith("more:")))
    more = await fake_api.wait_for_reply(ALICE, timeout=30)
    assert entity_types(more).count("expandable_blockquote") >= 1 and more.result["text"].count("📰") >= 2
    fake_api.inline_query(DOWNLOADS)
    call = await fake_api.wait_for_call("answerInlineQuery", timeout=30)
    results = call.params["results"]
    [first, *_] = json.loads(results) if isinstance(results, str) else results
    assert first["title"].startswith("Clubhouse has recorded over 5 million downloads")
    message = first["input_message_content"]["message_text"]
    assert "<b>Clubhouse has recorded over 5 million downloads" in message and "<blockquote expandable>" in message


async def test_small_talk_in_private_is_a_friendly_word_not_a_refusal_nor_a_question(fake_api, start_bot):
    app = await start_bot(rate_limit_per_minute=1)
    hello = await ask(fake_api, "hi!")
    assert hello.params["text"].startswith("Hi! I answer questions about the article") and buttons(hello) == ["ex:en:0"]
    assert "couldn't find" not in hello.params["text"]
    for said in ("thanks", "who are you?", "🤔"):
        reply = await ask(fake_api, said)
        assert "I answer questions about" in reply.params["text"] and "couldn't find" not in reply.params["text"]
    assert "You're welcome!" in (await ask(fake_api, "thank you so much 🙏")).params["text"]
    gist = await ask(fake_api, "What is this article about?")  # its title and lead, not a refusal
    assert gist.params["text"].startswith("📰 <b>Why Is Everyone Talking About Conversation Between Elon Musk")
    assert "The American entrepreneur used Twitter to invite Vladimir Putin" in gist.params["text"]
    assert "Ask me anything the article says." in gist.params["text"] and buttons(gist) == ["ex:en:0"]
    # None of it was a question: the one question a minute is still there, and only it is logged.
    assert (await ask(fake_api, DOWNLOADS)).params["text"].startswith("<b>Clubhouse has recorded")
    services = app.bot_data["services"]
    await services.question_log.flush()
    assert [row["question"] for row in services.state.questions()] == [DOWNLOADS]


async def test_small_talk_in_a_group_gets_a_reaction_or_a_greeting_never_a_public_refusal(fake_api, start_bot):
    app = await start_bot()
    answer = await ask(fake_api, f"@{BOT_USERNAME} {DOWNLOADS}", **GROUP)
    to_bot = dict(reply_to_message_id=answer.result["message_id"], **GROUP)

    mark = fake_api.mark()
    thanks = fake_api.send_message("thanks bot!", user_id=ALICE, **to_bot)
    reaction = await fake_api.wait_for_call("setMessageReaction", after=mark, timeout=30)
    assert reaction.ok and int(reaction.params["message_id"]) == thanks.message_id
    assert fake_api.reactions[(GROUP["chat_id"], thanks.message_id)] == ["👍"]
    fake_api.send_message("lol", user_id=BOB, **to_bot)
    fake_api.send_message("that is good to know", user_id=BOB, **to_bot)  # not a question, not answered
    await idle(app, fake_api)
    assert [c.method for c in fake_api.calls[mark:] if c.method in ("sendMessage", "editMessageText")] == []

    greeting = await ask(fake_api, f"@{BOT_USERNAME} hello", **GROUP)
    assert greeting.params["text"].startswith("Hi! I answer questions about")
    refusal = await ask(fake_api, "and who wrote Hamlet?", user_id=BOB, **to_bot)  # a question: said so
    assert "couldn't find" in refusal.params["text"]


async def test_a_captioned_photo_is_a_question_and_a_bare_photo_gets_the_hint(fake_api, start_bot):
    await start_bot()
    fake_api.send_photo(caption=DOWNLOADS, user_id=ALICE)
    answer = await fake_api.wait_for_reply(ALICE, timeout=30)
    assert answer.params["text"].startswith("<b>Clubhouse has recorded over 5 million downloads")
    fake_api.send_photo(user_id=ALICE)
    assert "I can only read text" in (await fake_api.wait_for_reply(ALICE, timeout=30)).params["text"]
    fake_api.send_document(caption=f"@{BOT_USERNAME} What did Musk tweet to Putin?", user_id=BOB, **GROUP)
    tweet = await fake_api.wait_for_reply(GROUP["chat_id"], timeout=30)
    assert "would you like to join me for a conversation on Clubhouse" in tweet.params["text"]


async def test_an_edited_question_edits_the_earlier_answer(fake_api, start_bot):
    app = await start_bot()
    first = fake_api.send_message("Who wrote Hamlet?", user_id=ALICE)
    refusal = await fake_api.wait_for_reply(ALICE, timeout=30)
    assert "couldn't find" in refusal.params["text"]

    fake_api.edit_message(ALICE, first.message_id, DOWNLOADS)
    edited = await fake_api.wait_for_reply(ALICE, timeout=30)
    assert edited.method == "editMessageText" and edited.ok
    assert int(edited.params["message_id"]) == refusal.result["message_id"]
    assert edited.result["text"].startswith("Clubhouse has recorded over 5 million downloads")
    assert buttons(edited)[0].startswith("more:")  # the answer's own buttons replace the examples
    # The chat holds the question and one answer, the edited one.
    assert [m["text"][:20] for m in fake_api.messages(ALICE)] == [edited.result["text"][:20]]

    # Unchanged by the edit: nothing to send. A caption edited: its answer edited likewise.
    mark = fake_api.mark()
    fake_api.edit_message(ALICE, first.message_id, DOWNLOADS + " ")
    await idle(app, fake_api)
    assert [c.method for c in fake_api.calls[mark:] if c.method in ("sendMessage", "editMessageText")] == []
    photo = fake_api.send_photo(caption="Who wrote Hamlet?", user_id=ALICE)
    answer = await fake_api.wait_for_reply(ALICE, timeout=30)
    fake_api.edit_message(ALICE, photo.message_id, "What did Musk tweet to Putin?")
    edited = await fake_api.wait_for_reply(ALICE, timeout=30)
    assert edited.method == "editMessageText" and int(edited.params["message_id"]) == answer.result["message_id"]


async def test_a_message_asking_two_questions_gets_an_answer_to_each(fake_api, start_bot):
    """Asked as one question, the tweet was never answered: the Vlad Tenev sentence came
    first. Each question now gets its own reply, repeating it; the second, which names its
    own subject, is not read as a follow-up of the first (no "about:" line)."""
    app = await start_bot()
    asked = fake_api.send_message("Who is Vlad Tenev? And what did Musk tweet to Putin?", user_id=ALICE)
    await eventually(lambda: len(fake_api.messages(ALICE)) == 2, what="two answers")
    await idle(app, fake_api)
    first, second = (m["text"] for m in fake_api.messages(ALICE))
    assert first.startswith("❓ Who is Vlad Tenev?\n") and "Vlad Tenev, CEO of Robinhood" in first
    assert second.startswith("❓ And what did Musk tweet to Putin?\n") and "His tweet read" in second
    assert "about:" not in second

    # Edited to one question: its answer edited, the other question's deleted.
    fake_api.edit_message(ALICE, asked.message_id, DOWNLOADS)
    edited = await fake_api.wait_for_reply(ALICE, timeout=30)
    assert edited.method == "editMessageText"
    assert int(edited.params["message_id"]) == fake_api.messages(ALICE)[0]["message_id"]
    await eventually(lambda: len(fake_api.messages(ALICE)) == 1, what="the second answer deleted")
    assert fake_api.messages(ALICE)[0]["text"].startswith("Clubhouse has recorded over 5 million downloads")

    # Edited back to two: the first answer edited again, the second asked anew; no duplicate.
    fake_api.edit_message(ALICE, asked.message_id, f"{DOWNLOADS} Who counted them?")
    await eventually(lambda: len(fake_api.messages(ALICE)) == 2, what="a second answer again")
    await idle(app, fake_api)
    first, second = (m["text"] for m in fake_api.messages(ALICE))
    assert first.startswith(f"❓ {DOWNLOADS}\n") and second.startswith("❓ Who counted them?\n")
    assert "App Annie" in second
