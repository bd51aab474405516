"""Example questions offered as buttons by /start and when a question is not answered.

A fixed list, so a button's callback data is just an index into it (callback data is
limited to 64 bytes). They are about the shipped article; a test checks each is answered.
"""

EXAMPLE_QUESTIONS: tuple[str, ...] = (
    "What did Musk tweet to Putin?",
    "How many downloads does Clubhouse have?",
    "What did Musk talk about on Clubhouse?",
    "How much is Clubhouse valued at?",
)
