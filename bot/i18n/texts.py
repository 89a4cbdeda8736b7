"""Every user-visible UI string, in one place, marked for `pybabel extract` with N_.

The English msgid is the source text translators work from. Placeholders use
str.format syntax ({name}); translations must keep them. The Finnish catalog is plain
Finnish (selkokieli), like the content.
"""

from __future__ import annotations


def N_(message: str) -> str:
    """Mark a string for extraction; translation happens per user, at send time."""
    return message


# Greeting and language
CHOOSE_LANGUAGE = N_("Hello! I am Neuvo. I answer questions about life in Finland.\n"
                     "Choose your language:")
LANGUAGE_SET = N_("Language: {language}")
LANGUAGE_PROMPT = N_("Choose your language:")
WELCOME = N_(
    "I answer common questions about living in Finland: residence permits, Kela, health, "
    "work, housing, school and more.\n\n"
    "Write your question in your own words, in any language, or choose from the menu."
)
HELP = N_(
    "How to use Neuvo:\n"
    "• Write your question in your own words. Short is fine, for example “Kela card”.\n"
    "• If I am not sure, I show a few questions to choose from.\n"
    "• /menu shows the menu, /language changes the language.\n\n"
    "My answers are general information, written by advisers from official sources. "
    "For your own case, check the official page or ask an adviser."
)
MENU_TITLE = N_("What would you like to do?")
MENU_ASK = N_("Ask a question")
MENU_TOPICS = N_("Browse topics")
MENU_LANGUAGE = N_("Language")
MENU_BUTTON = N_("Menu")
ASK_PROMPT = N_("Write your question in your own words. I will look for the answer.")

# Topics
TOPICS_TITLE = N_("Choose a topic:")
TOPIC_TITLE = N_("Questions about “{topic}”:")
BACK_TO_TOPICS = N_("All topics")

# Answers
SOURCE_LINE = N_("Source: {source} · checked {date}")
NOT_TRANSLATED = N_(
    "This answer is not yet available in {language}. Here it is in plain Finnish and English."
)
FEEDBACK_YES = N_("👍 Helpful")
FEEDBACK_NO = N_("👎 Not helpful")
FEEDBACK_THANKS = N_("Thank you for your feedback!")
FEEDBACK_SORRY = N_(
    "Thank you. I am sorry the answer did not help. Try asking with other words, "
    "or browse the topics."
)

# Not sure / no answer
DID_YOU_MEAN = N_("I am not sure I understood. Did you mean one of these?")
NONE_OF_THESE = N_("None of these")
NO_ANSWER = N_(
    "Sorry, I do not know the answer to that. I can only answer common questions about "
    "living in Finland.\n\n"
    "Try asking with other words, or browse the topics. For your own case, InfoFinland "
    "(infofinland.fi) has information in many languages."
)
EMPTY_MESSAGE = N_("Please write your question as text.")
TOO_LONG = N_("Your message is long. I read only its beginning.")
FLOODED = N_(
    "You sent many messages at once, so I could not read all of them. Please send your "
    "question again in one message."
)
UNKNOWN_COMMAND = N_("I do not know that command. /help shows what I can do.")
EXPIRED_BUTTON = N_("This button is no longer valid. Here is the menu.")
ERROR = N_("Sorry, something went wrong on my side. Please try again in a moment.")

# Command descriptions shown in Telegram's command menu
CMD_START = N_("Start and choose a language")
CMD_MENU = N_("Show the menu")
CMD_LANGUAGE = N_("Change the language")
CMD_HELP = N_("How to use this bot")

# Hand-off to human advisers (user side)
MENU_ADVISER = N_("Ask an adviser")
ADVISER_INTRO = N_(
    "An adviser is a person who can help with your own situation. Write your question in "
    "one message. Please do not write your identity code or other personal numbers."
)
ADVISER_CONSENT = N_(
    "I will send this question to the advisers:\n\n{question}\n\n"
    "Advisers see the question, your language and your municipality, but not your name or "
    "phone number. Personal numbers in the text are hidden. Do you want to send it?"
)
CONSENT_SEND = N_("Send")
CONSENT_SEND_NAME = N_("Send and show my name")
CONSENT_CANCEL = N_("Cancel")
ADVISER_CANCELLED = N_("OK. I did not send anything.")
ADVISER_SENT = N_(
    "Your question was sent to the advisers. Its number is #{number}. The answer comes here, "
    "in this chat.\n\nUntil your question is closed, your messages here go to the adviser."
)
ADVISER_HOURS = N_("Advisers usually answer {hours}. The next time is {next}.")
ADVISER_ALREADY_OPEN = N_(
    "You already have an open question (#{number}). Write here and I will add your message to it."
)
FOLLOWUP_SENT = N_("Sent to the adviser (#{number}).")
ADVISER_REPLY_HEADER = N_("💬 Answer from an adviser (question #{number}):")
CLOSE_MY_TICKET = N_("✅ My question is answered")
TICKET_CLOSED_USER = N_(
    "Your question #{number} is closed. You can ask a new question at any time."
)
ADVISER_UNAVAILABLE = N_("Sorry, the adviser service is not available to you right now.")
TOO_MANY_TICKETS = N_(
    "You have sent many questions today. Please try again tomorrow, or browse the topics."
)
TOO_MANY_MESSAGES = N_("You are sending messages very fast. Please wait a moment.")
MESSAGE_TRUNCATED = N_("Your message was long. The adviser sees the first {limit} characters.")
MEDIA_CONFIRM = N_("Do you want to send this file to the adviser? The advisers will see it.")
MEDIA_SEND = N_("Send the file")
MEDIA_DONT_SEND = N_("Do not send")
MEDIA_SENT = N_("The file was sent to the adviser.")
MEDIA_NOT_SENT = N_("OK. The file was not sent.")

# Hand-off (the advisers' group)
DESK_NEW_TICKET = N_(
    "New question #{number}\nLanguage: {language}\nMunicipality: {municipality}\n"
    "Contact: {contact}\n\n{question}\n\nReply to this message to answer."
)
DESK_FOLLOWUP = N_("#{number} · the user writes:\n\n{text}")
DESK_FILE = N_("#{number} · the user sent a file:")
DESK_NOT_SHARED = N_("not shared")
DESK_UNKNOWN = N_("not known")
DESK_TAKE = N_("Take")
DESK_CLOSE = N_("Close")
DESK_FAQ = N_("Save as FAQ draft")
DESK_TAKEN = N_("#{number} is being answered.")
DESK_CLOSED = N_("#{number} is closed.")
DESK_NO_SUCH_TICKET = N_("There is no open question #{number}.")
DESK_NOT_A_TICKET = N_(
    "This message is not part of an open question, so nothing was sent. "
    "Reply to a question's message to answer it."
)
DESK_TICKETS_TITLE = N_("Open questions:")
DESK_TICKET_LINE = N_("#{number} · {language} · {municipality} · {status} · since {since}")
DESK_STATUS_OPEN = N_("waiting")
DESK_STATUS_TAKEN = N_("being answered")
DESK_NO_TICKETS = N_("No open questions.")
DESK_BANNED = N_("The user of #{number} can no longer send questions.")
DESK_UNBANNED = N_("The user of #{number} can send questions again.")
DESK_USAGE = N_("Use: /{command} NUMBER")
DESK_STATS = N_(
    "{period}:\nQuestions to the bot: {questions} (answered {answered}, "
    "suggestions {suggested}, no answer {none})\nFeedback: 👍 {up} · 👎 {down}\n"
    "Questions to advisers: {tickets}, open now {open}\n"
    "Half of the first replies came within: {reply}\n"
    "Numbers under 5 are shown as <5."
)
DESK_FAQ_WRITTEN = N_("FAQ draft saved for advisers to edit: {path}")
DESK_FAQ_NOTHING = N_("#{number} has no adviser answer yet, so there is nothing to save.")
DESK_GROUP_BACK = N_(
    "The bot could not post in this group for a while (it was removed or lost its rights). "
    "The messages that waited are now posted."
)

# Directory
# Placeholders hold names ({municipality}, {interest}): the texts avoid inflecting them.
DIRECTORY_UPCOMING = N_("Coming up – {municipality}:")
DIRECTORY_UPCOMING_INTEREST = N_("Coming up – {municipality}, {interest}:")
DIRECTORY_NOTHING = N_("Nothing found before {date} – {municipality}.")
DIRECTORY_NEIGHBOURS = N_("Nearby: {names}")
DIRECTORY_ONLINE = N_("Online")
DIRECTORY_LANGUAGES = N_("Languages: {languages}")
DIRECTORY_FREE = N_("Free")
DIRECTORY_COST = N_("Price: {cost}")
DIRECTORY_REGISTRATION = N_("Registration needed")
DIRECTORY_NO_REGISTRATION = N_("No registration, just come")
DIRECTORY_ORGANISER = N_("Organiser: {name}")
DIRECTORY_FOR = N_("For: {group}")
DIRECTORY_NEXT_TIMES = N_("Next times:")
DIRECTORY_CHECKED = N_("Information checked {date}")
DIRECTORY_EXAMPLE = N_("Example data, not real information")
DIRECTORY_ADVISING = N_("Meet an adviser in person – {municipality}:")
DIRECTORY_NO_ADVISING = N_("No in-person advising hours before {date} – {municipality}.")

# Directory in the conversation
MENU_ACTIVITIES = N_("Activities near me")
MENU_MEET_ADVISER = N_("Meet an adviser")
CHOOSE_MUNICIPALITY = N_(
    "Which municipality do you live in? Choose below, or write the name of the municipality."
)
SHARE_LOCATION_PROMPT = N_(
    "You can also share your location. I use it only to find the nearest municipality, "
    "and I do not save it."
)
SHARE_LOCATION_BUTTON = N_("📍 Share my location")
MUNICIPALITY_SET = N_("Municipality: {municipality}")
MUNICIPALITY_NOT_FOUND = N_(
    "I did not find that municipality. Choose from the list, or write the name again."
)
MUNICIPALITY_CHANGE = N_("Change municipality")
MORE = N_("More")
CHOOSE_INTEREST = N_("What are you interested in?")
ALL_INTERESTS = N_("Everything")
ONLY_MY_LANGUAGE = N_("Only in my language")
ALL_LANGUAGES = N_("All languages")
NEAR_YOU = N_("📍 {interest}: near you")
SHOW_NEIGHBOUR = N_("Show {municipality}")
NEXT_ADVISING = N_("You can also meet an adviser in person:")

# Privacy
CMD_PRIVACY = N_("What the bot stores about you")
CMD_FORGET = N_("Delete your data")
PRIVACY = N_(
    "What Neuvo stores, and why:\n"
    "• A code instead of your Telegram name or number, your language and municipality: so "
    "that you do not have to choose them again. If you do not use the bot for {days} days, "
    "they are deleted.\n"
    "• Your questions to the bot, with personal numbers hidden: so that advisers can improve "
    "the answers. They are deleted after {days} days.\n"
    "• Your questions to an adviser and the answers, with personal numbers hidden (your name "
    "only if you chose to show it): so that the adviser can help you. They are deleted {days} "
    "days after your question is closed.\n"
    "• A message you send, until the bot has handled it, and a reply, until Telegram has "
    "delivered it: usually less than a second.\n"
    "A shared location is used only once and is not stored.\n"
    "Reports to funders contain only numbers, never who asked what.\n\n"
    "/forget deletes all of this. Two things stay under the code so that the limits hold: a "
    "block by the advisers, until they lift it, and how many questions you sent to advisers "
    "in the last day, for at most two days."
)
FORGET_CONFIRM = N_(
    "This deletes everything Neuvo has stored about you: your language, municipality, "
    "questions and conversations with advisers. Do you want to continue?"
)
FORGET_YES = N_("Yes, delete everything")
FORGET_NO = N_("No, keep it")
FORGET_DONE = N_(
    "Done. Your data is deleted, except what /privacy says must stay. If you write again, I "
    "start from the beginning."
)
FORGET_CANCELLED = N_("OK. Nothing was deleted.")

# Content updates (the advisers' group)
RELOAD_OK = N_("Content updated: {entries} questions and {activities} activities are now live.")
RELOAD_FAILED = N_(
    "The content has errors, so the previous content stays in use. Please fix these:\n\n{errors}"
)

# Help, the plain-Finnish card, places outside the region, /forget with an open question
COMMANDS_TITLE = N_("Commands:")
SHOW_IN_FINNISH = N_("🇫🇮 In plain Finnish (suomeksi)")
FINNISH_VERSION = N_(
    "The same answer in plain Finnish. You can show it at an office, to a doctor or in a "
    "Finnish class."
)
TRANSLATION_OUTDATED = N_(
    "The Finnish text of this answer was checked after this translation. Only the Finnish "
    "version is sure to be up to date: press “suomeksi”."
)
MUNICIPALITY_COVERED = N_("I have local information only for these municipalities: {names}.")
DESK_FORGOTTEN = N_(
    "#{number}: the user deleted their data with /forget. The question is closed, and "
    "answers can no longer reach them."
)
# Safety step: small talk and "I want a human" (the crisis cards are content: crisis.yaml)
SMALLTALK_GREETING = N_(
    "Hello! 👋 Ask me about life in Finland in your own words, for example "
    "“How do I get a Kela card?”"
)
SMALLTALK_THANKS = N_("You are welcome! Ask again any time.")
SMALLTALK_GOODBYE = N_("Goodbye! Come back any time you have a question.")
SMALLTALK_BOT = N_(
    "I am Neuvo, a bot: a computer program, not a person. Advisers, who are real people, "
    "wrote my answers. Ask me about life in Finland, or ask to meet an adviser."
)
SMALLTALK_INSULT = N_(
    "I am sorry I could not help. Try asking with other words, or ask to meet an adviser."
)
SMALLTALK_ACK = N_("👍 Ask me anything about life in Finland.")
HUMAN_IN_PERSON = N_(
    "Advisers do not answer in this chat, but you can meet an adviser in person."
)
DESK_URGENT = N_("🚨 URGENT: the person was shown crisis help before asking.")
URGENT_AFTER_HOURS = N_(
    "Advisers are not at work right now. If you are in danger, call 112 now. The helplines "
    "in the message above answer day and night."
)
DESK_STATS_CRISIS = N_("Crisis help shown: {count}")
