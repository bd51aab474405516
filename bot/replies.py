"""What the bot answers, without Telegram: from a question, who asks (`ChatContext`), the
engine and the services to a `Reply`. The Telegram handlers, inline mode and the terminal
chat all go through these functions, so a behaviour is written, and tested, once.

A message asking several questions ("Who is Vlad Tenev? And what did Musk tweet to Putin?") is
answered question by question, each reply repeating its question (`answer_each`,
bot.several_questions). A question goes: refuse (nothing visible, too long) → small talk
(bot.small_talk: a short reply about the bot, or in a group a reaction; never counted as a
question) → rate limit → ask the engine off the event loop → render. In a group, a message
the engine does not answer and that does not look like a question is chatter: no public
refusal. None means the bot stays silent.

Only questions count toward the rate limit: commands, small talk, button presses and a reply
to "what was wrong?" do not. Past the limit the asker is told once per flood, and every
question held back is logged with the asker's pseudonym.

The buttons under an answer find it in the state database (bot.questions) under their key,
so they work after a restart: a vote is the voter's current opinion (pressed again, taken
back; the other one, changed) and the keyboard shows the counts; "More passages" is served
once, then its button goes; after a 👎 in a private chat the voter is asked what was wrong.
A refusal keeps the passage the question came nearest to the same way, behind "The closest
passage", served once under a caveat.

Every reply is in the user's language: `translator_for(chat, services)` picks it from the words
of the message it answers when they are Russian, else from Telegram's `language_code` (bot.i18n),
and the words are translated here and in bot.render as the reply is built. What a button press
says (its notice, a prompt) is in the language of whoever pressed it; the buttons under an
answer stay in the answer's.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from html import escape
from typing import TypeVar

from index import Answer, Engine

from . import i18n, render, report, texts
from .buttons import Buttons, answer_buttons, example_buttons, refusal_buttons
from .feedback import Vote
from .gist import gists_of
from .i18n import Translator
from .questions import AskedQuestion, KeptAnswer
from .reply import ButtonAnswer, ChatContext, InlineAnswer, InlineResult, Reaction, Reply
from .services import BotServices
from .several_questions import questions_in
from .small_talk import SmallTalk, looks_like_question, small_talk

log = logging.getLogger(__name__)
T = TypeVar("T")
MORE_PASSAGES = 3
INLINE_CACHE_SECONDS = 30
COMMENT_CHARS = 1000  # of what was wrong with an answer, kept with the 👎

# Small talk that gets a reply in a group too; the rest (thanks, chatter, emoji) a reaction.
REPLIED_IN_GROUPS = frozenset({SmallTalk.GREETING, SmallTalk.ABOUT_BOT, SmallTalk.GIST})
SMALL_TALK_OPENERS = {SmallTalk.GREETING: texts.SMALL_TALK_GREETING, SmallTalk.THANKS: texts.SMALL_TALK_THANKS}
# The reaction to chatter in a group: one of the emoji Telegram accepts as a reaction, the same
# in every language (so not in bot.texts).
CHATTER_REACTION = "👍"


def translator_for(chat: ChatContext, services: BotServices) -> Translator:
    """The user's words: the language the message answered is written in when its words tell
    (a question in Russian gets Russian), else their Telegram language if the bot speaks it,
    else DEFAULT_LANGUAGE."""
    if chat.written_in in i18n.LANGUAGES:
        return i18n.translator(chat.written_in)
    return i18n.translator(i18n.language_of(chat.language, services.settings.default_language))


def not_allowed(chat: ChatContext, services: BotServices) -> Reply:
    return Reply(translator_for(chat, services)(texts.NOT_ALLOWED))


def non_text(chat: ChatContext, services: BotServices) -> Reply:
    """Stickers, photos without a caption, voice: a hint to type."""
    return Reply(translator_for(chat, services)(texts.NON_TEXT_HINT))


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


def examples_of(engine: Engine, services: BotServices, language: str | None) -> tuple[str, ...]:
    """The example questions of the articles being served, for a reply in `language` (bot.examples)."""
    return services.examples.of(engine, language)


async def ask(engine: Engine, question: str, top_k: int | None = None, history: tuple[str, ...] = ()) -> Answer:
    # Model inference and FAISS search block: keep them off the event loop.
    return await asyncio.to_thread(engine.ask, question, top_k, history)


async def answer_each(
    text: str,
    chat: ChatContext,
    engine: Engine,
    services: BotServices,
    *,
    explicit: bool = False,
    while_searching: Callable[[], Awaitable[object]] | None = None,
) -> AsyncIterator[Reply | Reaction | None]:
    """The replies to a message: `answer_question`'s for each question it asks, in its order,
    each yielded as soon as it is made, so that the first is sent while the next is searched.
    Asked together, each reply repeats its question, and a later question is read with the
    earlier ones as its conversation. A message too long to search, or small talk as a whole
    ("Who are you? What can you do?"), is one reply as it is."""
    questions = _questions_asked(text, services)
    for question in questions:
        yield await answer_question(question, chat, engine, services, echo=len(questions) > 1, explicit=explicit,
                                    while_searching=while_searching)


def _questions_asked(text: str, services: BotServices) -> tuple[str, ...]:
    """The questions a message or an inline query asks, each answered apart: one, unless it is
    short enough to search and not small talk as a whole (bot.several_questions)."""
    if len(text) <= services.settings.max_question_chars and small_talk(text) is None:
        return questions_in(text)
    return (text,)


async def answer_question(
    question: str,
    chat: ChatContext,
    engine: Engine,
    services: BotServices,
    *,
    echo: bool = False,
    explicit: bool = False,
    while_searching: Callable[[], Awaitable[object]] | None = None,
    counted: bool = True,
) -> Reply | Reaction | None:
    """The reply to a message; `echo` repeats the question (for button presses); `explicit`:
    asked as a question (/ask, a button), so never taken for chatter.
    `while_searching` (e.g. "typing…") runs when a search it makes is slow (TYPING_AFTER_SECONDS).
    `counted`: the question counts toward the asker's rate limit (not an example button's)."""
    chat = chat.writing(question)
    tr = translator_for(chat, services)
    question = render.printable(question)
    refusal = refusal_for(tr, question, services.settings.max_question_chars)
    if refusal:
        return Reply(refusal)
    question = question.strip()
    talk = small_talk(question)
    if talk is not None:  # not a question: no quota spent, nothing logged or remembered
        return small_talk_reply(talk, chat, engine, services, explicit=explicit)
    if counted:
        wait = _rate_limit(chat, services)
        if wait:
            return _held_back(tr, chat, services, wait)
    history = services.conversations.history(chat.conversation)
    may_be_chatter = chat.in_group and not explicit and not looks_like_question(question)
    if may_be_chatter:
        while_searching = None  # no "typing…" in a group for what may end in silence
    asker = None if chat.user_id is None else services.pseudonym(chat.user_id)  # None: a terminal chat

    def search_and_keep() -> tuple[Answer, AskedQuestion | None, str | None]:
        """The answer, the passage it shows first as asked about, and, when the reply gets
        buttons, the key that is kept under. One trip to a worker thread for the search and the
        keeping: each hop between the event loop and a thread costs a lone question about a
        quarter of a millisecond (benchmarks/bot_timeline.py)."""
        answer = engine.ask(question, None, history)
        if not answer.hits:
            return answer, None, None
        top = answer.hits[0]
        asked = AskedQuestion(answer.question, top.passage, history if answer.follow_up_of else (), top.answer)
        if asker is None or (may_be_chatter and not answer.answered):
            return answer, asked, None
        # Kept before it is offered, with its language: its buttons stay in it whoever presses
        # them. A refusal keeps the passage the question came nearest to (press_closest): a
        # refusal is a judgement, and some answerable questions are refused.
        return answer, asked, services.questions.add(asked, asker=asker, language=tr.language)

    searching = asyncio.to_thread(search_and_keep)
    if while_searching is None:
        answer, asked, key = await searching
    else:
        answer, asked, key = await _searching(searching, while_searching, services.settings.typing_after_seconds)
    if may_be_chatter and not answer.answered:
        return None  # chatter in a group ("that's wrong"): a refusal would be noise for everyone
    services.conversations.add(chat.conversation, question)
    if asker is not None:
        log.info(
            "question from %s: answered=%s confidence=%.3f follow-up=%s",
            asker, answer.answered, answer.confidence, answer.follow_up_of is not None,
        )  # fmt: skip
        services.question_log.record(answer, asker=asker, language=chat.language)  # off the loop, not awaited
    if answer.answered:
        html = render.render_answer(tr, answer, render.article_links(engine.manifest), echo_question=echo)
        if key is None:  # the terminal: no buttons to press
            return Reply(html, remember=asked)
        return Reply(html, answer_buttons(tr, key), remember=asked)
    examples = examples_of(engine, services, tr.language)
    html = render.render_not_answered(tr, answer, titles_of(engine), offers_examples=bool(examples), echo_question=echo)
    return Reply(html, refusal_buttons(tr, key, examples, tr.language))


async def _searching(search: Awaitable[T], while_searching: Callable[[], Awaitable[object]], after: float) -> T:
    """The search's result; `while_searching` ("typing…") runs only once it has taken `after`
    seconds (TYPING_AFTER_SECONDS): a question answered sooner costs no chat action. The answer
    then waits for it too: sent before the chat action, the reply would show "typing…" under it."""
    searching = asyncio.ensure_future(search)
    done, _ = await asyncio.wait({searching}, timeout=after)
    if searching in done:
        return searching.result()
    _, answer = await asyncio.gather(while_searching(), searching)
    return answer


def small_talk_reply(
    talk: SmallTalk, chat: ChatContext, engine: Engine, services: BotServices, *, explicit: bool = False
) -> Reply | Reaction:
    """What the bot is (or, asked what the article is about, its gist) and one example question;
    in a group, thanks and chatter get a reaction."""
    if chat.in_group and not explicit and talk not in REPLIED_IN_GROUPS:
        return Reaction(CHATTER_REACTION)
    tr = translator_for(chat, services)
    example = examples_of(engine, services, tr.language)[:1]
    if talk is SmallTalk.GIST:
        html = render.render_gist(tr, gists_of(engine.manifest, engine.passages), example[0] if example else None)
    else:
        html = render.render_small_talk(tr, SMALL_TALK_OPENERS.get(talk), titles_of(engine), example[0] if example else None)
    return Reply(html, example_buttons(example, tr.language))


def empty_ask(chat: ChatContext, engine: Engine, services: BotServices) -> Reply:
    """/ask alone: how to use it, with one of the articles' example questions."""
    tr = translator_for(chat, services)
    examples = examples_of(engine, services, tr.language)
    hint = tr(texts.EMPTY_ASK_HINT, example=escape(examples[0] if examples else "…"))
    return Reply(hint)


def start_afresh(chat: ChatContext, services: BotServices) -> None:
    """Forget the chat's conversation: the next question is read alone (/start, a new /ask)."""
    services.conversations.forget(chat.conversation)


def start(chat: ChatContext, engine: Engine, services: BotServices) -> Reply:
    """/start: what the bot knows, how to ask, and example questions as buttons; a fresh conversation."""
    start_afresh(chat, services)
    tr = translator_for(chat, services)
    examples = examples_of(engine, services, tr.language)
    html = render.render_start(tr, titles_of(engine), offers_examples=bool(examples))
    return Reply(html, example_buttons(examples, tr.language))


def help_text(bot_username: str, chat: ChatContext, services: BotServices) -> Reply:
    """/help: the commands, /reindex and /stats only for admins, and what is kept about the user."""
    # A question is kept as long as the longer of the log and its answer's buttons need it.
    kept_days = max(services.question_log.days, services.questions.days)
    return Reply(render.render_help(translator_for(chat, services), bot_username,
                                    is_admin=services.access.is_admin(chat.user_id), log_days=kept_days))  # fmt: skip


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
    language: str | None,
    chat: ChatContext,
    engine: Engine,
    services: BotServices,
    while_searching: Callable[[], Awaitable[object]] | None = None,
) -> ButtonAnswer:
    """An example-question button: question `index` of the list in `language` (None: the
    articles' own list) is asked, and echoed in the answer. A button press, not a question the
    user typed: it does not count toward the rate limit."""
    # Only the bot's languages have lists: a button's data names no other (and the cache stays small).
    examples = examples_of(engine, services, language if language in i18n.LANGUAGES else None)
    if not 0 <= index < len(examples):
        return ButtonAnswer()
    question = examples[index]

    async def ask_it() -> Reply | None:
        reply = await answer_question(question, chat, engine, services, echo=True, explicit=True,
                                      while_searching=while_searching, counted=False)  # fmt: skip
        return reply if isinstance(reply, Reply) else None  # explicit: never a reaction

    return ButtonAnswer(follow_up=ask_it)


async def press_more(key: str, chat: ChatContext, engine: Engine, services: BotServices,
                     press_id: str | None = None) -> ButtonAnswer:
    """"More passages": the next best passages for the question of the answer pressed, once;
    then the button goes from that answer. `press_id` (Telegram's callback query id) lets the
    same press, handled again after a restart, serve what it had claimed. Callers hold
    `services.answer_locks(key)`."""
    tr = translator_for(chat, services)
    press_id = press_id or _new_press_id()
    kept = await asyncio.to_thread(services.questions.get, key)
    if kept is None:
        return ButtonAnswer(_not_kept(tr, services))
    keyboard = await _buttons_of(kept, key, services, more=False)
    if not await asyncio.to_thread(services.questions.claim_more, key, press_id):
        # Pressed again before the button went (or its removal was lost): posted once only.
        return ButtonAnswer(tr(texts.MORE_ALREADY_SHOWN), keyboard=keyboard)
    asked = kept.asked

    async def more() -> Reply:
        answer = await _ask_claimed(engine, services, key, press_id, asked, MORE_PASSAGES + 1)
        others = [hit for hit in answer.hits if hit.passage != asked.shown][:MORE_PASSAGES]
        return Reply(render.render_more(tr, asked.question, others, render.article_links(engine.manifest)))

    return ButtonAnswer(follow_up=more, keyboard=keyboard)


async def press_closest(key: str, chat: ChatContext, engine: Engine, services: BotServices,
                        press_id: str | None = None) -> ButtonAnswer:
    """"The closest passage" under a refusal: the passage the refused question came nearest to,
    under a caveat, once; then the button goes and the example questions stay. `press_id` as
    for press_more, whose once-only claim it shares (a refusal has no "More passages").
    Callers hold `services.answer_locks(key)`."""
    tr = translator_for(chat, services)
    press_id = press_id or _new_press_id()
    kept = await asyncio.to_thread(services.questions.get, key)
    if kept is None:
        return ButtonAnswer(_not_kept(tr, services))
    language = i18n.language_of(kept.language, services.settings.default_language)
    keyboard = example_buttons(examples_of(engine, services, language), language)
    if not await asyncio.to_thread(services.questions.claim_more, key, press_id):
        return ButtonAnswer(tr(texts.CLOSEST_ALREADY_SHOWN), keyboard=keyboard)
    asked = kept.asked

    async def closest() -> Reply:
        # Asked again, as "More passages" is: the index may have been rebuilt since.
        answer = await _ask_claimed(engine, services, key, press_id, asked, 1)
        best = answer.hits[0] if answer.hits else None
        return Reply(render.render_closest(tr, asked.question, best, render.article_links(engine.manifest)))

    return ButtonAnswer(follow_up=closest, keyboard=keyboard)


async def _ask_claimed(engine: Engine, services: BotServices, key: str, press_id: str, asked: AskedQuestion,
                       top_k: int) -> Answer:
    """The search behind a once-only button (its claim held by `press_id`): when it fails, the
    claim is released, so the button may be pressed again."""
    try:
        return await ask(engine, asked.question, top_k, asked.history)
    except BaseException:
        await asyncio.to_thread(services.questions.release_more, key, press_id)
        raise


async def press_vote(key: str, helpful: bool, chat: ChatContext, services: BotServices,
                     press_id: str | None = None) -> ButtonAnswer:
    """👍/👎: the voter's vote on the answer becomes this one, or is taken back if it already
    was; on disk before the voter is told. The keyboard then shows the counts. After a 👎 in a
    private chat, once per answer, the voter is asked what was wrong (`note_comment` keeps
    the reply). The same press (`press_id`, Telegram's callback query id) handled again after
    a restart changes nothing. Callers hold `services.answer_locks(key)`."""
    tr = translator_for(chat, services)
    press_id = press_id or _new_press_id()
    kept = await asyncio.to_thread(services.questions.get, key)
    if kept is None:
        return ButtonAnswer(_not_kept(tr, services))
    asked, voter = kept.asked, services.pseudonym(chat.user_id)
    vote = Vote.on(asked.question, asked.shown, helpful=helpful, voter=voter, answer=asked.answer, answer_key=key)
    now = await asyncio.to_thread(services.questions.toggle_vote, vote, press_id)  # on disk before acknowledged
    keyboard = await _buttons_of(kept, key, services, more=not kept.more_shown)
    if now is None:
        return ButtonAnswer(tr(texts.VOTE_WITHDRAWN), keyboard=keyboard)
    if now == "up":
        return ButtonAnswer(tr(texts.VOTE_COUNTED_UP), keyboard=keyboard)
    # In a group the question would be noise to everyone else: there the 👎 is only counted.
    may_ask = chat.user_id is not None and not chat.in_group
    if not may_ask or not await asyncio.to_thread(services.questions.claim_prompt, key, voter):
        return ButtonAnswer(tr(texts.VOTE_COUNTED_DOWN), keyboard=keyboard)

    async def what_was_wrong() -> Reply:
        return Reply(tr(texts.WHAT_WAS_WRONG), reply_placeholder=tr(texts.WHAT_WAS_WRONG_PLACEHOLDER))

    async def sent(message_id: int) -> None:
        await asyncio.to_thread(services.questions.prompt_sent, key, voter, message_id)

    return ButtonAnswer(tr(texts.VOTE_COUNTED_DOWN), follow_up=what_was_wrong, keyboard=keyboard, sent=sent)


async def note_comment(text: str, chat: ChatContext, replied_to: int | None, services: BotServices) -> Reply | None:
    """A reply to the "what was wrong?" prompt (message `replied_to`) by the voter it was sent
    to: kept with their 👎, and not answered as a question. None when the message is not such
    a reply: it is then a question like any other."""
    if replied_to is None or chat.user_id is None or chat.in_group:
        return None
    voter = services.pseudonym(chat.user_id)
    key = await asyncio.to_thread(services.questions.prompted_answer, voter, replied_to)
    if key is None:
        return None
    comment = render.clip(render.printable(text).strip(), COMMENT_CHARS)
    kept = await asyncio.to_thread(services.state.comment_vote, key, voter, comment)
    log.info("what was wrong with an answer, from %s: kept=%s", voter, kept)
    return Reply(translator_for(chat.writing(text), services)(texts.COMMENT_KEPT if kept else texts.COMMENT_WITHOUT_VOTE))


async def _buttons_of(kept: KeptAnswer, key: str, services: BotServices, *, more: bool) -> Buttons:
    """An answer's buttons as they stand: its voters' current votes counted, in the language
    the answer was given in (in a group, whoever pressed may read another)."""
    up, down = await asyncio.to_thread(services.state.tally, key)
    tr = i18n.translator(i18n.language_of(kept.language, services.settings.default_language))
    return answer_buttons(tr, key, more=more, up=up, down=down)


def _new_press_id() -> str:
    """For a press without Telegram's id (tests, the reply layer used alone): one nobody repeats."""
    return "local:" + secrets.token_hex(8)


def _not_kept(tr: Translator, services: BotServices) -> str:
    """Why a button cannot be served: its answer is past keeping, or was forgotten."""
    return render.not_kept(tr, services.questions.days)


async def inline_answer(query: str, chat: ChatContext, engine: Engine, services: BotServices) -> InlineAnswer:
    """`@bot question` in any chat: the best passages, as results the user can send. Telegram
    caches the answer to a query text for everyone unless it is personal; every answer here is,
    as it is in this user's language (or the query's)."""
    tr = translator_for(chat.writing(query), services)
    question = render.printable(query).strip()
    if not question:
        return InlineAnswer(cache_seconds=INLINE_CACHE_SECONDS, personal=True, hint=tr(texts.INLINE_HINT))
    refused = refusal_for(tr, question, services.settings.max_question_chars)
    if refused or (chat.user_id is not None and services.inline_limiter.acquire(chat.user_id)):
        return InlineAnswer(personal=True)
    # Several questions in one query ("How many downloads? Who is Vlad Tenev?"): each is searched
    # apart, a later one read after the earlier ones, as in a chat (answer_each).
    questions = _questions_asked(question, services)
    answers = [await ask(engine, asked, history=questions[:n]) for n, asked in enumerate(questions)]
    if len(answers) == 1:
        results = inline_results(tr, answers[0], engine)
    else:  # each question's best passage, or its refusal, in the query's order, under its question
        results = tuple(replace(inline_results(tr, replace(answer, hits=answer.hits[:1]), engine)[0],
                                description=render.clip(answer.question, 200))
                        for answer in answers)
    return InlineAnswer(results, cache_seconds=INLINE_CACHE_SECONDS, personal=True)


def inline_results(tr: Translator, answer: Answer, engine: Engine) -> tuple[InlineResult, ...]:
    """Each passage as a result: its answer sentence over the article's title, and the same
    layout as an answer in a chat once sent (the question over it)."""
    if not answer.answered:
        # Inline mode has no conversation: a question that refers back is simply not answered.
        html = render.render_not_answered(tr, replace(answer, refers_back=False), titles_of(engine), echo_question=True)
        return (InlineResult(tr(texts.INLINE_NOT_ANSWERED_TITLE), tr(texts.INLINE_NOT_ANSWERED_DESCRIPTION), html),)
    links = render.article_links(engine.manifest)
    return tuple(
        InlineResult(render.clip(hit.answer, 100), render.clip(hit.passage.article_title, 200),
                     render.render_inline_hit(tr, answer.question, hit, links))
        for hit in answer.hits
    )  # fmt: skip


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


def _held_back(tr: Translator, chat: ChatContext, services: BotServices, wait: float) -> Reply | None:
    """A question past the rate limit, not answered: logged each time, and the asker told once
    per flood (a reply to every message of a flood would spend the bot's own Telegram quota
    on the flooder); None for the rest of the flood."""
    told = services.limiter.first_refusal(chat.user_id)
    log.info("question from %s held back by the rate limit (%.0f s to wait; %s)", services.pseudonym(chat.user_id),
             wait, "told so" if told else "already told in this flood")  # fmt: skip
    return Reply(render.rate_limited(tr, wait)) if told else None
