"""Every word the bot says to a user, in one place.

Plain module-level strings and format strings with named fields, so that a later change can
move them into gettext catalogs as they are. Strings are Telegram HTML: the fields are filled
by `bot.render` with values already escaped. Nothing here builds markup of its own.
"""

from __future__ import annotations

# ---- refusals and hints ----------------------------------------------------------------------

NOT_ALLOWED = "Sorry, this bot is private."
ASK_HINT = "Send me a question about the article as a text message."
NON_TEXT_HINT = "I can only read text. Please type your question about the article."
# {example}: one of the articles' example questions (bot.examples).
EMPTY_ASK_HINT = "Write the question after the command, e.g. <code>/ask {example}</code>"
UNKNOWN_COMMAND = "I don't know that command. /help lists the ones I do."
SOMETHING_WENT_WRONG = "Sorry, something went wrong. Please try again."
TOO_LONG = "That question is too long: please keep it under {limit} characters."
RATE_LIMITED = "Too many questions — try again in {seconds} s."

# ---- buttons ---------------------------------------------------------------------------------

MORE_PASSAGES_BUTTON = "More passages"
HELPFUL_BUTTON = "👍"
NOT_HELPFUL_BUTTON = "👎"
# A vote button with its count of votes, e.g. "👍 2" (without a count while it has none).
VOTE_BUTTON_COUNT = "{label} {count}"
# A button whose answer is no longer kept (ANSWER_BUTTONS_DAYS, or /forget_me): why it cannot work.
EXPIRED = "I no longer keep that answer (answers behind buttons are kept {days} day(s)): please ask again."
VOTE_COUNTED_UP = "Thanks for the feedback: 👍 counted. Press it again to take it back."
VOTE_COUNTED_DOWN = "Thanks for the feedback: 👎 counted. Press it again to take it back."
VOTE_WITHDRAWN = "Your vote is taken back."
MORE_ALREADY_SHOWN = "The other passages are already shown."
# After a 👎 in a private chat, once per answer; a reply to it is kept with the vote.
WHAT_WAS_WRONG = (
    "Sorry it didn't help. What was wrong with that answer? <i>Reply to this message</i> in a few "
    "words if you like, or just ask your next question."
)
WHAT_WAS_WRONG_PLACEHOLDER = "What was wrong with the answer?"  # in the input field; at most 64 characters
COMMENT_KEPT = "Thanks, I've noted that with your 👎."
COMMENT_WITHOUT_VOTE = "You took that 👎 back, so I haven't kept this."

# ---- answers ---------------------------------------------------------------------------------

QUESTION_LINE = "❓ <i>{question}</i>"
# Over an answer read as a follow-up: the earlier question it was read with, so the user sees why.
FOLLOW_UP_LINE = "↪ <i>about: {previous}</i>"
# Under an answer: where it comes from, the title linked to the article when it has a URL.
SOURCE = "📰 <i>{title}</i>"
SOURCE_LINKED = "📰 <a href=\"{url}\">{title}</a>"
# In the expandable quote of the rest of the paragraph: where the answer sentence (shown above) was.
ANSWER_WAS_HERE = "…"
NOT_ANSWERED = "I couldn't find the answer to that in {what_i_know}."
# Over the example questions, which are buttons under the message.
YOU_COULD_ASK = "You could ask, for example:"
NO_OTHER_PASSAGE = "No other passage matches that question."
ONE_ARTICLE = "the article {title}"
SEVERAL_ARTICLES = "{count} articles: {titles}"
AND_MORE_ARTICLES = " and {count} more"
ARTICLE_TITLE = "“<i>{title}</i>”"
# An example question made from an article's title when its front matter has no `examples:`:
# plain text, sent to the engine as a question when its button is pressed.
EXAMPLE_ABOUT_TITLE = "What is “{title}” about?"

# ---- small talk --------------------------------------------------------------------------------

# A reply to a greeting, thanks, "who are you?", or emoji alone: the opener by what was said,
# then what the bot is and one example question.
SMALL_TALK_GREETING = "Hi! "
SMALL_TALK_THANKS = "You're welcome! "
SMALL_TALK = "I answer questions about {what_i_know}, quoting the sentence that says it."
SMALL_TALK_EXAMPLE = "For example: <i>{example}</i>"
# In a group, thanks and chatter addressed to the bot get this reaction rather than a message
# (one of the emoji Telegram accepts as a reaction).
CHATTER_REACTION = "👍"

# ---- commands --------------------------------------------------------------------------------

START = (
    "Hi! I answer questions about {what_i_know}.\n\n"
    "Send me a question as a message and I'll quote the passage that answers it. "
    "In a group, mention me, reply to one of my messages, or use /ask."
)
TRY_THESE = "Try one of these:"
HELP_LINES = (
    "/start – what I know, with example questions",
    "/ask &lt;question&gt; – ask a question (also in groups)",
    "/about – the indexed articles and the index",
    "/help – this message",
)
HELP_REINDEX_LINE = "/reindex – rebuild the index from the corpus (admins)"
HELP_STATS_LINE = "/stats – questions asked, answered and voted on (admins)"
HELP_FORGET_LINE = "/forget_me – delete what I keep about you"
# One line: what is kept, how long, under what name. Forgetting finds what was kept under the
# current pseudonym key (FEEDBACK_SALT), hence "under the current key".
HELP_KEPT = (
    "\nI keep your questions for {days} days and your 👍/👎 votes, under a pseudonym (never your "
    "Telegram id); /forget_me deletes them (what was kept under the current key)."
)
HELP_KEPT_NO_LOG = (
    "\nI keep your 👍/👎 votes under a pseudonym (never your Telegram id), not your questions; "
    "/forget_me deletes them (what was kept under the current key)."
)
HELP_INLINE = "\nIn any chat you can also type <code>@{bot_username} your question</code>."
ABOUT_HEADER = "<b>Articles indexed: {count}</b>"
ABOUT_ARTICLE = "• <i>{title}</i>{origin} ({passages} passages)"
ABOUT_ORIGIN = " — {origin}"
ABOUT_MORE = "… and {count} more"
ABOUT_PASSAGES = "Passages: {count}"
ABOUT_MODEL = "Model: <code>{model}</code>"
ABOUT_BUILT = "Index built: {built}"

# The menu Telegram shows beside the message field: (command, description).
COMMANDS = (
    ("start", "What I know, with example questions"),
    ("ask", "Ask a question (also works in groups)"),
    ("about", "The indexed articles and the index"),
    ("help", "The commands"),
    ("forget_me", "Delete what the bot keeps about you"),
)

# ---- inline mode -----------------------------------------------------------------------------

INLINE_HINT = "Type a question about the article"
INLINE_NOT_ANSWERED_TITLE = "Not in the article"
INLINE_NOT_ANSWERED_DESCRIPTION = "The article doesn't answer that."

# ---- /reindex --------------------------------------------------------------------------------

REINDEX_ADMINS_ONLY = "Sorry, only the bot's admins can rebuild the index."
REINDEX_ALREADY_RUNNING = "A rebuild is already running."
REINDEX_STARTED = "Rebuilding the index…"
REINDEX_PROGRESS = "Rebuilding the index… {seconds:.0f} s"
REINDEX_FAILED = "Reindex failed, still serving the previous index: {reason}"
REINDEX_DONE = "Built: {passages} passages in {seconds:.1f} s. Now serving {articles} article(s)."

# ---- /forget_me and /stats ---------------------------------------------------------------------

FORGOTTEN = "Done: I deleted {questions} question(s) and {votes} vote(s) kept about you, and forgot our conversation."
STATS_ADMINS_ONLY = "Sorry, only the bot's admins can see the statistics."
STATS = (
    "<b>The last {days} day(s)</b>\n"
    "Questions: {questions}\n"
    "Answered: {answered} ({share:.0%})\n"
    "👍 {up} · 👎 {down}\n"
    "The details: <code>python -m bot report</code>"
)

# ---- the terminal chat (no token) ------------------------------------------------------------

NO_TOKEN_HELP = (
    "TELEGRAM_BOT_TOKEN is not set. To run the Telegram bot, get a token from @BotFather and put "
    "TELEGRAM_BOT_TOKEN=123456789:AAE... in .env or the environment, then run `python -m bot` again."
)
LOCAL_HELP = "Type a question, a number to ask that example, /about or /help. Ctrl-D or /quit leaves."


def too_long(limit: int) -> str:
    return TOO_LONG.format(limit=limit)


def rate_limited(seconds: float) -> str:
    return RATE_LIMITED.format(seconds=max(1, round(seconds)))


def forgotten(questions: int, votes: int) -> str:
    return FORGOTTEN.format(questions=questions, votes=votes)
