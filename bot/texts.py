"""Every word the bot says to a user, in one place: the English msgids of the gettext catalogs.

Each string is marked for extraction, `N_("...")` for a message and `Plural("...", "...")` for
one shown with a number (the language's catalog has the forms its grammar needs). The reply
layer translates them where it builds a reply (`bot.i18n.Translator`); `bot.render` fills the
named fields with values already escaped. Strings are Telegram HTML; nothing here builds markup
of its own. Not here, as they are not the interface's words: the example questions, which are
the articles' and in their language (bot.examples), and the emoji of a reaction, one of the
few Telegram accepts (bot.replies).

A new string: write it here with its marker (a `# Translators:` comment right above it reaches
the translator), run `make translations`, translate it in bot/locales/ru/LC_MESSAGES/bot.po,
run `make translations` again to compile. `tests/test_translations.py` fails until then.
"""

from __future__ import annotations

from .i18n import N_, Plural

# ---- refusals and hints ----------------------------------------------------------------------

NOT_ALLOWED = N_("Sorry, this bot is private.")
ASK_HINT = N_("Send me a question about the article as a text message.")
NON_TEXT_HINT = N_("I can only read text. Please type your question about the article.")
# Translators: /ask alone; {example} is one of the articles' example questions, in the article's
# language: keep the command and the question as they are.
EMPTY_ASK_HINT = N_("Write the question after the command, e.g. <code>/ask {example}</code>")
UNKNOWN_COMMAND = N_("I don't know that command. /help lists the ones I do.")
SOMETHING_WENT_WRONG = N_("Sorry, something went wrong. Please try again.")
TOO_LONG = Plural(
    "That question is too long: please keep it under {limit} character.",
    "That question is too long: please keep it under {limit} characters.",
)
RATE_LIMITED = Plural("Too many questions — try again in {seconds} second.", "Too many questions — try again in {seconds} seconds.")

# ---- buttons ---------------------------------------------------------------------------------

MORE_PASSAGES_BUTTON = N_("More passages")
# Translators: under "I couldn't find the answer…": shows the passage the question came nearest to.
CLOSEST_BUTTON = N_("🔎 The closest passage")
HELPFUL_BUTTON = N_("👍")
NOT_HELPFUL_BUTTON = N_("👎")
# Translators: a vote button with its count of votes, e.g. "👍 2" (without a count while it has none).
VOTE_BUTTON_COUNT = N_("{label} {count}")
# Translators: a button whose answer is no longer kept (after ANSWER_BUTTONS_DAYS, or /forget_me):
# why it cannot work. Shown over the chat for a moment: at most 200 characters.
EXPIRED = Plural(
    "I no longer keep that answer (answers behind buttons are kept {days} day): please ask again.",
    "I no longer keep that answer (answers behind buttons are kept {days} days): please ask again.",
)
# Translators: VOTE_COUNTED_UP to MORE_ALREADY_SHOWN are shown over the chat for a moment, to the
# one who pressed the button: at most 200 characters.
VOTE_COUNTED_UP = N_("Thanks for the feedback: 👍 counted. Press it again to take it back.")
VOTE_COUNTED_DOWN = N_("Thanks for the feedback: 👎 counted. Press it again to take it back.")
VOTE_WITHDRAWN = N_("Your vote is taken back.")
MORE_ALREADY_SHOWN = N_("The other passages are already shown.")
CLOSEST_ALREADY_SHOWN = N_("The closest passage is already shown.")
# Translators: after a 👎 in a private chat, once per answer; a reply to it is kept with the vote.
WHAT_WAS_WRONG = N_(
    "Sorry it didn't help. What was wrong with that answer? <i>Reply to this message</i> in a few "
    "words if you like, or just ask your next question."
)
# Translators: in the input field under WHAT_WAS_WRONG, until the user types; at most 64 characters.
WHAT_WAS_WRONG_PLACEHOLDER = N_("What was wrong with the answer?")
COMMENT_KEPT = N_("Thanks, I've noted that with your 👎.")
COMMENT_WITHOUT_VOTE = N_("You took that 👎 back, so I haven't kept this.")

# ---- answers ---------------------------------------------------------------------------------

# Translators: over an answer to an example button: the question asked.
QUESTION_LINE = N_("❓ <i>{question}</i>")
# Translators: over the answer to a follow-up question; {previous} is the earlier question it was read with.
FOLLOW_UP_LINE = N_("↪ <i>about: {previous}</i>")
# Translators: under an answer: where it comes from, {title} the article's title (shortened).
SOURCE = N_("📰 <i>{title}</i>")
# Translators: SOURCE with the title linked to the article on the web.
SOURCE_LINKED = N_("📰 <a href=\"{url}\">{title}</a>")
# Translators: in the expandable quote of the rest of the paragraph: where the answer sentence
# (shown in bold above it) stood.
ANSWER_WAS_HERE = N_("…")
# Translators: {what_i_know} is ONE_ARTICLE or SEVERAL_ARTICLES ("the article “…”", "2 articles: …").
NOT_ANSWERED = N_("I couldn't find the answer to that in {what_i_know}.")
# Translators: instead of NOT_ANSWERED, for a question that refers back ("who is he?", "and
# why?") in a chat with no earlier question to read it with (none asked, or forgotten after a
# quiet while). {what_i_know} as in NOT_ANSWERED.
NO_EARLIER_QUESTION = N_(
    "I'm not sure who or what you mean: there is no earlier question in this chat to read it with "
    "(I forget them after a quiet while). Ask again with a name, and I'll look for the answer in {what_i_know}."
)
# Translators: over the example questions, which are buttons under the message (in the article's language).
YOU_COULD_ASK = N_("You could ask, for example:")
NO_OTHER_PASSAGE = N_("No other passage matches that question.")
# Translators: over the passage a refused question came nearest to, which the user asked to see.
CLOSEST_CAVEAT = N_("It may not answer your question, but this is the closest the article comes:")
# Translators: fills {what_i_know} in "I couldn't find the answer to that in …" and in "I answer
# questions about …" (both take the prepositional case in Russian: "в статье", "о статье").
ONE_ARTICLE = N_("the article {title}")
# Translators: fills {what_i_know} like ONE_ARTICLE does; {count} is 2 or more.
SEVERAL_ARTICLES = Plural("{count} article: {titles}", "{count} articles: {titles}")
# Translators: after the first few titles of SEVERAL_ARTICLES: how many are not named.
AND_MORE_ARTICLES = N_(" and {count} more")
# Translators: an article's title in quotation marks (use your language's own).
ARTICLE_TITLE = N_("“<i>{title}</i>”")

# ---- small talk --------------------------------------------------------------------------------

# A reply to a greeting, thanks, "who are you?", or emoji alone: the opener by what was said
# (none for the rest), then what the bot is and one example question.
# Translators: the opener of the reply to a greeting (followed by SMALL_TALK).
SMALL_TALK_GREETING = N_("Hi!")
# Translators: the opener of the reply to thanks (followed by SMALL_TALK).
SMALL_TALK_THANKS = N_("You're welcome!")
# Translators: {what_i_know} is ONE_ARTICLE or SEVERAL_ARTICLES, as in START.
SMALL_TALK = N_("I answer questions about {what_i_know}, quoting the sentence that says it.")
# Translators: {example} is one of the articles' example questions, in the article's language.
SMALL_TALK_EXAMPLE = N_("For example: <i>{example}</i>")
# Translators: the reply to "what is the article about?" shows each article's title and opening
# sentences (in the article's language), then this line, then SMALL_TALK_EXAMPLE.
GIST_ASK = Plural("Ask me anything the article says.", "Ask me anything the articles say.")

# ---- commands --------------------------------------------------------------------------------

START = N_(
    "Hi! I answer questions about {what_i_know}.\n\n"
    "Send me a question as a message and I'll quote the passage that answers it. "
    "In a group, mention me, reply to one of my messages, or use /ask."
)
# Translators: over the example questions (buttons), which stay in English.
TRY_THESE = N_("Try one of these:")
HELP_LINES = (
    N_("/start – what I know, with example questions"),
    N_("/ask &lt;question&gt; – ask a question (also in groups)"),
    N_("/about – the indexed articles and the index"),
    N_("/help – this message"),
)
HELP_REINDEX_LINE = N_("/reindex – rebuild the index from the corpus (admins)")
HELP_STATS_LINE = N_("/stats – questions asked, answered and voted on (admins)")
HELP_FORGET_LINE = N_("/forget_me – delete what I keep about you")
# One line: what is kept, how long, under what name. Forgetting finds what was kept under the
# current pseudonym key (FEEDBACK_SALT), hence "under the current key".
HELP_KEPT = Plural(
    "I keep your questions for {days} day and your 👍/👎 votes, under a pseudonym (never your "
    "Telegram id); /forget_me deletes them (what was kept under the current key).",
    "I keep your questions for {days} days and your 👍/👎 votes, under a pseudonym (never your "
    "Telegram id); /forget_me deletes them (what was kept under the current key).",
)
HELP_KEPT_NO_LOG = N_(
    "I keep your 👍/👎 votes under a pseudonym (never your Telegram id), not your questions; "
    "/forget_me deletes them (what was kept under the current key)."
)
HELP_INLINE = N_("In any chat you can also type <code>@{bot_username} your question</code>.")
ABOUT_HEADER = N_("<b>Articles indexed: {count}</b>")
# Translators: one article of /about; {origin} is ABOUT_ORIGIN or nothing.
ABOUT_ARTICLE = Plural("• <i>{title}</i>{origin} ({passages} passage)", "• <i>{title}</i>{origin} ({passages} passages)")
# Translators: the source and date of an article in /about.
ABOUT_ORIGIN = N_(" — {origin}")
ABOUT_MORE = N_("… and {count} more")
ABOUT_PASSAGES = N_("Passages: {count}")
ABOUT_MODEL = N_("Model: <code>{model}</code>")
ABOUT_BUILT = N_("Index built: {built}")

# The menu Telegram shows beside the message field: (command, description), each description
# 1-256 characters, registered per language at start-up (bot.profile).
COMMANDS = (
    ("start", N_("What I know, with example questions")),
    ("ask", N_("Ask a question (also works in groups)")),
    ("about", N_("The indexed articles and the index")),
    ("help", N_("The commands")),
    ("forget_me", N_("Delete what the bot keeps about you")),
)
# The bot's profile, per language (bot.profile). Plain text, not HTML.
# Translators: shown in an empty chat with the bot, before /start; at most 512 characters.
DESCRIPTION = N_(
    "I answer questions about a news article by quoting the passage that answers, with the answering "
    "sentence in bold and where it comes from. When the article doesn't answer, I say so.\n\n"
    "Send a question, or /start to see what I know."
)
# Translators: on the bot's profile page and with links to it; at most 120 characters.
SHORT_DESCRIPTION = N_("Answers questions about a news article by quoting the passage that answers.")

# ---- inline mode -----------------------------------------------------------------------------

INLINE_HINT = N_("Type a question about the article")
INLINE_NOT_ANSWERED_TITLE = N_("Not in the article")
INLINE_NOT_ANSWERED_DESCRIPTION = N_("The article doesn't answer that.")

# ---- /reindex --------------------------------------------------------------------------------

REINDEX_ADMINS_ONLY = N_("Sorry, only the bot's admins can rebuild the index.")
REINDEX_ALREADY_RUNNING = N_("A rebuild is already running.")
REINDEX_STARTED = N_("Rebuilding the index…")
REINDEX_PROGRESS = N_("Rebuilding the index… {seconds:.0f} s")
# Translators: {reason} is an error message, in English.
REINDEX_FAILED = N_("Reindex failed, still serving the previous index: {reason}")
REINDEX_BUILT = Plural("Built: {passages} passage in {seconds:.1f} s.", "Built: {passages} passages in {seconds:.1f} s.")
REINDEX_SERVING = Plural("Now serving {articles} article.", "Now serving {articles} articles.")

# ---- /forget_me and /stats ---------------------------------------------------------------------

# Translators: {questions} is QUESTIONS_DELETED, {votes} VOTES_DELETED.
FORGOTTEN = N_("Done: I deleted {questions} and {votes} kept about you, and forgot our conversation.")
QUESTIONS_DELETED = Plural("{count} question", "{count} questions")
VOTES_DELETED = Plural("{count} vote", "{count} votes")
STATS_ADMINS_ONLY = N_("Sorry, only the bot's admins can see the statistics.")
STATS_PERIOD = Plural("<b>The last {days} day</b>", "<b>The last {days} days</b>")
STATS = N_(
    "Questions: {questions}\n"
    "Answered: {answered} ({share:.0%})\n"
    "👍 {up} · 👎 {down}\n"
    "The details: <code>python -m bot report</code>"
)

# ---- the terminal chat (no token) ------------------------------------------------------------

NO_TOKEN_HELP = N_(
    "TELEGRAM_BOT_TOKEN is not set. To run the Telegram bot, get a token from @BotFather and put "
    "TELEGRAM_BOT_TOKEN=123456789:AAE... in .env or the environment, then run `python -m bot` again."
)
LOCAL_HELP = N_("Type a question, a number to ask that example, /about or /help. Ctrl-D or /quit leaves.")
