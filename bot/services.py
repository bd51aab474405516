"""What replies and handlers share besides the engine: settings, access, limits, the
feedback file, the rebuild slot, the journal and the questions behind buttons. In the
Telegram bot it is kept in `application.bot_data["services"]` (see bot.handlers.context)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .access import AccessPolicy
from .conversations import Conversations
from .examples import EXAMPLE_QUESTIONS
from .feedback import FeedbackLog
from .journal import UpdateJournal
from .privacy import pseudonym
from .questions import QuestionStore
from .ratelimit import SlidingWindowLimiter
from .reindex import Reindexer
from .settings import BotSettings

# Inline queries arrive as the user types, several per question, so they get a larger budget.
INLINE_QUERIES_PER_QUESTION = 3


@dataclass
class BotServices:
    settings: BotSettings
    access: AccessPolicy
    limiter: SlidingWindowLimiter
    inline_limiter: SlidingWindowLimiter
    feedback: FeedbackLog
    reindexer: Reindexer
    journal: UpdateJournal
    conversations: Conversations = field(default_factory=lambda: Conversations(quiet_seconds=0))
    questions: QuestionStore = field(default_factory=QuestionStore)
    examples: tuple[str, ...] = EXAMPLE_QUESTIONS

    @classmethod
    def create(cls, settings: BotSettings) -> BotServices:
        per_minute = settings.rate_limit_per_minute
        return cls(
            settings=settings,
            access=AccessPolicy.of(settings.allowed_user_ids, settings.admin_user_ids),
            limiter=SlidingWindowLimiter(per_minute),
            inline_limiter=SlidingWindowLimiter(per_minute * INLINE_QUERIES_PER_QUESTION),
            feedback=FeedbackLog(settings.feedback_file),
            reindexer=Reindexer(settings),
            journal=UpdateJournal(settings.update_journal_file),
            conversations=Conversations(quiet_seconds=settings.conversation_minutes * 60,
                                        max_turns=settings.conversation_turns, max_chats=settings.conversation_chats),
        )

    def pseudonym(self, user_id: int | None) -> str:
        return pseudonym(user_id, self.settings.feedback_salt.get_secret_value())
