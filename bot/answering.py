"""The question pipeline shared by messages, /ask, buttons and inline queries:
check the question, apply the rate limit, search off the event loop, reply in HTML."""

from __future__ import annotations

import asyncio
import logging

from telegram import (
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    ReplyParameters,
    Update,
)
from telegram.constants import ChatAction, ParseMode
from telegram.ext import ContextTypes

from index import Answer, Engine

from . import render
from .feedback import Vote
from .keyboards import answer_keyboard, examples_keyboard
from .questions import AskedQuestion
from .services import engine_of, services_of

log = logging.getLogger(__name__)
MORE_PASSAGES = 3
INLINE_CACHE_SECONDS = 30


def refusal_for(question: str, max_chars: int) -> str | None:
    """Why a question is not worth searching (nothing visible, too long), or None."""
    if not render.has_visible_text(question):
        return render.ASK_HINT
    if len(question) > max_chars:
        return render.too_long(max_chars)
    return None


def titles_of(engine: Engine) -> list[str]:
    return [article.title for article in engine.manifest.articles]


async def ask(engine: Engine, question: str, top_k: int | None = None) -> Answer:
    # Model inference and FAISS search block: keep them off the event loop.
    return await asyncio.to_thread(engine.ask, question, top_k)


async def respond(update: Update, context: ContextTypes.DEFAULT_TYPE, question: str, *, echo: bool = False) -> None:
    """Answer one question in the chat it came from; `echo` repeats it (for button presses)."""
    services = services_of(context)
    user_id = update.effective_user.id if update.effective_user else None
    question = render.printable(question)
    refusal = refusal_for(question, services.settings.max_question_chars)
    if refusal:
        await _reply(update, refusal)
        return
    wait = services.limiter.acquire(user_id)
    if wait:
        # Said once per flood: answering every refused message would spend the bot's own
        # Telegram quota on the flooder.
        if services.limiter.first_refusal(user_id):
            await _reply(update, render.rate_limited(wait))
        return
    engine = engine_of(context)
    # "typing…" goes out while the engine works, and the reply only after both: a chat action
    # arriving after the reply would show "typing…" under the answer for five seconds.
    _, answer = await asyncio.gather(update.effective_chat.send_action(ChatAction.TYPING), ask(engine, question.strip()))
    log.info(
        "question from %s: answered=%s confidence=%.3f", services.pseudonym(user_id), answer.answered, answer.confidence
    )
    if answer.answered:
        key = services.questions.add(AskedQuestion(answer.question, answer.hits[0].passage))
        await _reply(update, render.render_answer(answer, echo_question=echo), answer_keyboard(key))
    else:
        text = render.render_not_answered(answer, titles_of(engine), services.examples, echo_question=echo)
        await _reply(update, text, examples_keyboard(services.examples))


async def show_more(update: Update, context: ContextTypes.DEFAULT_TYPE, key: str) -> None:
    """Reply to an answer with the next best passages for its question."""
    query, services = update.callback_query, services_of(context)
    asked = services.questions.get(key)
    if asked is None:
        await query.answer(render.EXPIRED)
        return
    wait = services.limiter.acquire(query.from_user.id)
    await query.answer(render.rate_limited(wait) if wait else None)
    if wait:
        return
    answer = await ask(engine_of(context), asked.question, MORE_PASSAGES + 1)
    others = [hit for hit in answer.hits if hit.passage != asked.shown][:MORE_PASSAGES]
    # Quote the answer; it may be too old to be accessible, so a lost reply target is fine.
    reply_to = ReplyParameters(query.message.message_id, allow_sending_without_reply=True)
    await update.effective_chat.send_message(render.render_more(asked.question, others), reply_parameters=reply_to)


async def record_vote(update: Update, context: ContextTypes.DEFAULT_TYPE, key: str, helpful: bool) -> None:
    """Append a 👍/👎 on the quoted passage to the feedback file, then thank the voter."""
    query, services = update.callback_query, services_of(context)
    asked = services.questions.get(key)
    if asked is None:
        await query.answer(render.EXPIRED)
        return
    vote = Vote.on(asked.question, asked.shown, helpful=helpful, voter=services.pseudonym(query.from_user.id))
    await asyncio.to_thread(services.feedback.append, vote)  # fsync blocks
    await query.answer(render.THANKS_FOR_FEEDBACK)


async def answer_inline(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Offer the best passages as results the user can send into any chat."""
    query, services = update.inline_query, services_of(context)
    question = render.printable(query.query).strip()
    if not question:
        hint = InlineQueryResultsButton(text="Type a question about the article", start_parameter="inline")
        await query.answer([], button=hint, cache_time=INLINE_CACHE_SECONDS)
        return
    refused = refusal_for(question, services.settings.max_question_chars)
    if refused or services.inline_limiter.acquire(query.from_user.id):
        await query.answer([], cache_time=0, is_personal=True)
        return
    engine = engine_of(context)
    answer = await ask(engine, question)
    await query.answer(inline_results(answer, titles_of(engine)), cache_time=INLINE_CACHE_SECONDS)


def inline_results(answer: Answer, titles: list[str]) -> list[InlineQueryResultArticle]:
    if not answer.answered:
        text = render.render_not_answered(answer, titles, (), echo_question=True)
        content = InputTextMessageContent(text, parse_mode=ParseMode.HTML)
        description = "The article doesn't answer that."
        return [InlineQueryResultArticle("0", "Not in the article", content, description=description)]
    results = []
    for number, hit in enumerate(answer.hits):
        passage = hit.passage
        content = InputTextMessageContent(render.render_inline_hit(answer.question, hit), parse_mode=ParseMode.HTML)
        title = f"Paragraph {passage.position} of {passage.article_passages} · {passage.article_title}"
        description = render.clip(hit.answer, 200)
        results.append(InlineQueryResultArticle(str(number), render.clip(title, 100), content, description=description))
    return results


async def _reply(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Reply to the user's message (quoted in groups), or post in the chat for a button press."""
    if update.callback_query is None and update.effective_message is not None:
        await update.effective_message.reply_text(text, reply_markup=markup)
    else:
        await update.effective_chat.send_message(text, reply_markup=markup)
