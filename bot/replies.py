"""What the bot answers, without Telegram: from a question, who asks (`ChatContext`), the
engine and the services to a `Reply`. The Telegram handlers, inline mode and the terminal
chat all go through these functions, so a behaviour is written, and tested, once.

A question goes: refuse (nothing visible, too long) → rate limit → ask the engine off the
event loop → render. None means the bot stays silent.

Every reply is in the user's language: `translator_for(chat, services)` picks it from Telegram's
`language_code` (bot.i18n), and the words are translated here and in bot.render as the reply is built.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from index import Answer, Engine

from . import i18n, render, report, texts
from .buttons import answer_buttons, example_buttons
from .feedback import Vote
from .i18n import Translator
from .questions import AskedQuestion
from .reply import ButtonAnswer, ChatContext, InlineAnswer, InlineResult, Reply
from .services import BotServices

log = logging.getLogger(__name__)
MORE_PASSAGES = 3
INLINE_CACHE_SECONDS = 30


def translator_for(chat: ChatContext, services: BotServices) -> Translator:
    """The user's words: their Telegram language if the bot speaks it, else DEFAULT_LANGUAGE."""
    return i18n.translator(i18n.language_of(chat.language, services.settings.default_language))


def not_allowed(chat: ChatContext, services: BotServices) -> Reply:
    return Reply(translator_for(chat, services)(texts.NOT_ALLOWED))


def non_text(chat: ChatContext, services: BotServices) -> Reply:
    """Stickers, photos, voice: a hint to type."""
    return Reply(translator_for(chat, services)(texts.NON_TEXT_HINT))


def empty_ask(chat: ChatContext, services: BotServices) -> Reply:
    return Reply(translator_for(chat, services)(texts.EMPTY_ASK_HINT))


def unknown_command(chat: ChatContext, services: BotServices) -> Reply:
    return Reply(translator_for(chat, services)(texts.UNKNOWN_COMMAND))


def something_went_wrong(chat: ChatContext, services: BotServices) -> Reply:
    """The error handler's apology."""
    return Reply(translator_for(chat, services)(texts.SOMETHING_WENT_WRONG))


def refusal_for(tr: Translator, question: str, max_chars: int) -> str | None:
    """Why a question is not worth searching (nothing visible, too long), or None."""
    if not render.has_visible_text(question):
        return tr(texts.ASK_HINT)
    if len(question) > max_chars:
        return render.too_long(tr, max_chars)
    return None


def titles_of(engine: Engine) -> list[str]:
    return [article.title for article in engine.manifest.articles]


async def ask(engine: Engine, question: str, top_k: int | None = None, history: tuple[str, ...] = ()) -> Answer:
    # Model inference and FAISS search block: keep them off the event loop.
    return await asyncio.to_thread(engine.ask, question, top_k, history)


async def answer_question(
    question: str,
    chat: ChatContext,
    engine: Engine,
    services: BotServices,
    *,
    echo: bool = False,
    while_searching: Callable[[], Awaitable[object]] | None = None,
) -> Reply | None:
    """The reply to a question; `echo` repeats the question (for button presses).
    `while_searching` (e.g. "typing…") runs alongside the engine, only for a question it searches."""
    tr = translator_for(chat, services)
    question = render.printable(question)
    refusal = refusal_for(tr, question, services.settings.max_question_chars)
    if refusal:
        return Reply(refusal)
    wait = _rate_limit(chat, services)
    if wait:
        # Said once per flood: answering every refused message would spend the bot's own
        # Telegram quota on the flooder.
        return Reply(render.rate_limited(tr, wait)) if services.limiter.first_refusal(chat.user_id) else None
    question = question.strip()
    history = services.conversations.history(chat.conversation)
    if while_searching is None:
        answer = await ask(engine, question, history=history)
    else:
        # The reply waits for both: sent before the chat action, it would show "typing…" under it.
        _, answer = await asyncio.gather(while_searching(), ask(engine, question, history=history))
    services.conversations.add(chat.conversation, question)
    if chat.user_id is not None:  # not in the middle of a terminal chat
        asker = services.pseudonym(chat.user_id)
        log.info(
            "question from %s: answered=%s confidence=%.3f follow-up=%s",
            asker, answer.answered, answer.confidence, answer.follow_up_of is not None,
        )  # fmt: skip
        services.question_log.record(answer, asker=asker, language=chat.language)  # off the loop, not awaited
    if answer.answered:
        top = answer.hits[0]
        asked = AskedQuestion(answer.question, top.passage, history if answer.follow_up_of else (), top.answer)
        key = services.questions.add(asked)
        return Reply(render.render_answer(tr, answer, echo_question=echo), answer_buttons(tr, key), remember=asked)
    html = render.render_not_answered(tr, answer, titles_of(engine), services.examples, echo_question=echo)
    return Reply(html, example_buttons(services.examples))


def start_afresh(chat: ChatContext, services: BotServices) -> None:
    """Forget the chat's conversation: the next question is read alone (/start, a new /ask)."""
    services.conversations.forget(chat.conversation)


def start(chat: ChatContext, engine: Engine, services: BotServices) -> Reply:
    """/start: what the bot knows, how to ask, and example questions as buttons; a fresh conversation."""
    start_afresh(chat, services)
    html = render.render_start(translator_for(chat, services), titles_of(engine), services.examples)
    return Reply(html, example_buttons(services.examples))


def help_text(bot_username: str, chat: ChatContext, services: BotServices) -> Reply:
    """/help: the commands, /reindex and /stats only for admins, and what is kept about the user."""
    return Reply(render.render_help(translator_for(chat, services), bot_username,
                                    is_admin=services.access.is_admin(chat.user_id),
                                    log_days=services.question_log.days))  # fmt: skip


async def forget_me(chat: ChatContext, services: BotServices) -> Reply:
    """/forget_me: delete the questions and votes kept under the user's pseudonym, and the
    conversations in memory."""
    tr = translator_for(chat, services)
    services.conversations.forget_person(chat.user_id)
    if chat.user_id is None:
        return Reply(render.forgotten(tr, 0, 0))
    await services.question_log.flush()  # a question still being written is deleted too
    questions, votes = await asyncio.to_thread(services.state.forget, services.pseudonym(chat.user_id))
    return Reply(render.forgotten(tr, questions, votes))


async def stats(chat: ChatContext, services: BotServices) -> Reply:
    """/stats (admins): the report's headline figures over the days the log keeps."""
    tr = translator_for(chat, services)
    if not services.access.is_admin(chat.user_id):
        return Reply(tr(texts.STATS_ADMINS_ONLY))
    days = services.question_log.days or report.DEFAULT_DAYS
    await services.question_log.flush()
    figures = await asyncio.to_thread(report.headline, services.state, days)
    return Reply(render.render_stats(tr, figures))


def about(chat: ChatContext, engine: Engine, services: BotServices) -> Reply:
    """/about: the indexed articles, passage count, model and build time."""
    return Reply(render.render_about(translator_for(chat, services), engine.manifest))


def press_example(
    index: int,
    chat: ChatContext,
    engine: Engine,
    services: BotServices,
    while_searching: Callable[[], Awaitable[object]] | None = None,
) -> ButtonAnswer:
    """An example-question button: that question is asked, and echoed in the answer."""
    if not 0 <= index < len(services.examples):
        return ButtonAnswer()
    question = services.examples[index]

    def ask_it() -> Awaitable[Reply | None]:
        return answer_question(question, chat, engine, services, echo=True, while_searching=while_searching)

    return ButtonAnswer(follow_up=ask_it)


def press_more(key: str, chat: ChatContext, engine: Engine, services: BotServices) -> ButtonAnswer:
    """"More passages": the next best passages for the question of the answer pressed."""
    tr = translator_for(chat, services)
    asked = services.questions.get(key)
    if asked is None:
        return ButtonAnswer(tr(texts.EXPIRED))
    wait = _rate_limit(chat, services)
    if wait:
        return ButtonAnswer(render.rate_limited(tr, wait))

    async def more() -> Reply:
        answer = await ask(engine, asked.question, MORE_PASSAGES + 1, asked.history)
        others = [hit for hit in answer.hits if hit.passage != asked.shown][:MORE_PASSAGES]
        return Reply(render.render_more(tr, asked.question, others))

    return ButtonAnswer(follow_up=more)


async def press_vote(key: str, helpful: bool, chat: ChatContext, services: BotServices) -> ButtonAnswer:
    """👍/👎: the vote on the quoted passage is on disk before the voter is thanked."""
    tr = translator_for(chat, services)
    asked = services.questions.get(key)
    if asked is None:
        return ButtonAnswer(tr(texts.EXPIRED))
    vote = Vote.on(asked.question, asked.shown, helpful=helpful, voter=services.pseudonym(chat.user_id),
                   answer=asked.answer)
    await asyncio.to_thread(services.state.add_vote, vote)  # on disk before acknowledged
    return ButtonAnswer(tr(texts.THANKS_FOR_FEEDBACK))


async def inline_answer(query: str, chat: ChatContext, engine: Engine, services: BotServices) -> InlineAnswer:
    """`@bot question` in any chat: the best passages, as results the user can send."""
    tr = translator_for(chat, services)
    question = render.printable(query).strip()
    if not question:
        # Telegram caches the answer per query text for everyone, so the hint is personal: it
        # is in this user's language.
        return InlineAnswer(cache_seconds=INLINE_CACHE_SECONDS, personal=True, hint=tr(texts.INLINE_HINT))
    refused = refusal_for(tr, question, services.settings.max_question_chars)
    if refused or (chat.user_id is not None and services.inline_limiter.acquire(chat.user_id)):
        return InlineAnswer(personal=True)
    answer = await ask(engine, question)
    return InlineAnswer(inline_results(tr, answer, titles_of(engine)), cache_seconds=INLINE_CACHE_SECONDS,
                        personal=True)  # fmt: skip


def inline_results(tr: Translator, answer: Answer, titles: list[str]) -> tuple[InlineResult, ...]:
    if not answer.answered:
        html = render.render_not_answered(tr, answer, titles, (), echo_question=True)
        return (InlineResult(tr(texts.INLINE_NOT_ANSWERED_TITLE), tr(texts.INLINE_NOT_ANSWERED_DESCRIPTION), html),)
    results = []
    for hit in answer.hits:
        passage = hit.passage
        title = tr(texts.INLINE_RESULT_TITLE, position=passage.position, count=passage.article_passages,
                   title=passage.article_title)  # fmt: skip
        html = render.render_inline_hit(tr, answer.question, hit)
        results.append(InlineResult(render.clip(title, 100), render.clip(hit.answer, 200), html))
    return tuple(results)


def reindex_refusal(chat: ChatContext, services: BotServices) -> Reply | None:
    """Why /reindex cannot start (not an admin, a rebuild running), or None: the caller
    then holds the single rebuild slot and must run `services.reindexer.run`."""
    tr = translator_for(chat, services)
    if not services.access.is_admin(chat.user_id):
        return Reply(tr(texts.REINDEX_ADMINS_ONLY))
    if not services.reindexer.try_begin():
        return Reply(tr(texts.REINDEX_ALREADY_RUNNING))
    return None


def _rate_limit(chat: ChatContext, services: BotServices) -> float:
    """Seconds until this user may ask again; 0 records a question. The terminal has no quota."""
    return 0.0 if chat.user_id is None else services.limiter.acquire(chat.user_id)
