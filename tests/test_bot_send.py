"""The adapter from reply values to Bot API calls (bot.handlers.send), with stand-ins for
PTB's Update, Message, CallbackQuery and InlineQuery that record what they are asked."""

from __future__ import annotations

from types import SimpleNamespace

from bot.buttons import answer_buttons
from bot.handlers.send import answer_button, answer_inline, keyboard, send
from bot.i18n import translator
from bot.reply import ButtonAnswer, InlineAnswer, InlineResult, Reply


class Recorder:
    """Any awaited method call is recorded as (name, args, kwargs)."""

    def __init__(self, calls: list) -> None:
        self._calls = calls

    def __getattr__(self, name: str):
        async def method(*args, **kwargs):
            self._calls.append((name, args, kwargs))
            return SimpleNamespace(message_id=100 + len(self._calls))  # what a send returns

        return method


def update(calls: list, *, pressed: bool = False) -> SimpleNamespace:
    recorder = Recorder(calls)
    query = SimpleNamespace(answer=recorder.answer, edit_message_reply_markup=recorder.edit_message_reply_markup,
                            message=SimpleNamespace(message_id=41, is_accessible=True)) if pressed else None  # fmt: skip
    return SimpleNamespace(callback_query=query, effective_message=recorder, effective_chat=recorder)


def test_buttons_become_an_inline_keyboard_with_the_same_callback_data():
    markup = keyboard(answer_buttons(translator("en"), "abc"))
    assert markup.to_dict()["inline_keyboard"] == [
        [{"text": "More passages", "callback_data": "more:abc"}],
        [{"text": "👍", "callback_data": "vote:abc:up"}, {"text": "👎", "callback_data": "vote:abc:down"}],
    ]
    assert keyboard(()) is None


async def test_a_reply_to_a_message_is_reply_text_and_none_sends_nothing():
    calls: list = []
    await send(update(calls), Reply("<b>hi</b>", answer_buttons(translator("en"), "abc")))
    await send(update(calls), None)
    [(method, args, kwargs)] = calls
    assert method == "reply_text" and args == ("<b>hi</b>",) and kwargs["reply_markup"] == keyboard(answer_buttons(translator("en"), "abc"))


async def test_a_pressed_button_gets_its_notice_before_the_follow_up_is_made():
    calls: list = []

    async def follow_up() -> Reply:
        calls.append(("follow_up", (), {}))
        return Reply("more")

    await answer_button(update(calls, pressed=True), ButtonAnswer("wait", follow_up), quote_pressed=True)
    assert [c[0] for c in calls] == ["answer", "follow_up", "send_message"]
    assert calls[0][1] == ("wait",)
    quoted = calls[2][2]["reply_parameters"]
    assert quoted.message_id == 41 and quoted.allow_sending_without_reply
    calls.clear()
    await answer_button(update(calls, pressed=True), ButtonAnswer())
    assert calls == [("answer", (None,), {})]


async def test_a_press_can_redraw_the_pressed_buttons_and_learn_the_follow_ups_id():
    calls: list = []
    sent_ids: list[int] = []

    async def prompt() -> Reply:
        return Reply("What was wrong?", reply_placeholder="What was wrong?")

    async def sent(message_id: int) -> None:
        sent_ids.append(message_id)

    redrawn = answer_buttons(translator("en"), "abc", more=False, down=1)
    await answer_button(update(calls, pressed=True), ButtonAnswer("counted", prompt, keyboard=redrawn, sent=sent))
    assert [c[0] for c in calls] == ["answer", "send_message", "edit_message_reply_markup"]
    force = calls[1][2]["reply_markup"]
    assert force.force_reply and force.selective and force.input_field_placeholder == "What was wrong?"
    assert sent_ids == [102]  # the id the send returned
    assert calls[2][1] == (keyboard(redrawn),)
    assert keyboard(redrawn).to_dict()["inline_keyboard"] == [
        [{"text": "👍", "callback_data": "vote:abc:up"}, {"text": "👎 1", "callback_data": "vote:abc:down"}]
    ]


async def test_inline_results_are_html_articles_numbered_in_order():
    calls: list = []
    results = (InlineResult("first", "one", "<b>1</b>"), InlineResult("second", "two", "2"))
    await answer_inline(Recorder(calls), InlineAnswer(results, cache_seconds=30))
    await answer_inline(Recorder(calls), InlineAnswer(personal=True))
    await answer_inline(Recorder(calls), InlineAnswer(cache_seconds=30, hint="Type a question"))
    (_, (answered,), kwargs), (_, (refused,), refused_kwargs), (_, (empty,), hint_kwargs) = calls
    assert [r.id for r in answered] == ["0", "1"] and answered[0].input_message_content.parse_mode == "HTML"
    assert answered[1].description == "two" and kwargs["cache_time"] == 30 and kwargs["is_personal"] is None
    assert refused == [] and refused_kwargs["is_personal"] is True and refused_kwargs["cache_time"] == 0
    assert empty == [] and hint_kwargs["button"].text == "Type a question" and hint_kwargs["button"].start_parameter
