"""What replies and handlers share besides the engine: settings, access, limits, the
state database (votes, question log, the answers behind buttons and the answer sent to each
question), the rebuild slot, the journal and the example questions. In the Telegram bot it
is kept in `application.bot_data["services"]` (see bot.handlers.context)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .access import AccessPolicy
from .conversations import Conversations
from .answered_messages import AnsweredMessages
from .examples import ExampleQuestions
from .journal import UpdateJournal
from .keyed_locks import KeyedLocks
from .privacy import pseudonym
from .question_log import QuestionLog
from .questions import QuestionStore
from .ratelimit import SlidingWindowLimiter
from .reindex import Reindexer
from .settings import BotSettings
from .state import StateDB

# Inline queries arrive as the user types, several per question, so they get a larger budget.
INLINE_QUERIES_PER_QUESTION = 3


@dataclass
class BotServices:
    settings: BotSettings
    access: AccessPolicy
    limiter: SlidingWindowLimiter
    inline_limiter: SlidingWindowLimiter
    state: StateDB
    reindexer: Reindexer
    journal: UpdateJournal
    question_log: QuestionLog
    questions: QuestionStore
    # Which message answered which question, so an edited question edits its answer.
    answered: AnsweredMessages
    conversations: Conversations = field(default_factory=lambda: Conversations(quiet_seconds=0))
    # One press at a time per answer: a vote's keyboard edit never overtakes a later one's.
    answer_locks: KeyedLocks = field(default_factory=KeyedLocks)
    examples: ExampleQuestions = field(default_factory=ExampleQuestions)

    @classmethod
    def create(cls, settings: BotSettings, state: StateDB | None = None) -> BotServices:
        """Touches no file: the state database is opened by `open_state` (or before)."""
        state = state or StateDB(settings.state_db)
        per_minute = settings.rate_limit_per_minute
        salt = settings.feedback_salt.get_secret_value()
        questions = QuestionStore(state, settings.answer_buttons_days)
        return cls(
            settings=settings,
            access=AccessPolicy.of(settings.allowed_user_ids, settings.admin_user_ids),
            limiter=SlidingWindowLimiter(per_minute),
            inline_limiter=SlidingWindowLimiter(per_minute * INLINE_QUERIES_PER_QUESTION),
            state=state,
            reindexer=Reindexer(settings),
            journal=UpdateJournal(state),
            question_log=QuestionLog(state, settings.question_log_days),
            questions=questions,
            answered=AnsweredMessages(state, lambda user_id: pseudonym(user_id, salt), questions),
            conversations=Conversations(quiet_seconds=settings.conversation_minutes * 60,
                                        max_turns=settings.conversation_turns, max_chats=settings.conversation_chats),
        )

    def open_state(self, bot_id: int) -> None:
        """Blocking: open STATE_DB (if `main` has not) and import the files of earlier versions."""
        self.state.open()
        self.state.import_old_files(bot_id, self.settings.update_journal_file, self.settings.feedback_file)
        self.question_log.prune()
        self.questions.prune()

    def close_state(self) -> None:
        """Blocking: finish the journal's writes, close the database, release its lock."""
        self.journal.close()
        self.state.close()

    def pseudonym(self, user_id: int | None) -> str:
        return pseudonym(user_id, self.settings.feedback_salt.get_secret_value())
