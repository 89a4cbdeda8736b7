"""Activities near me and meeting an adviser, through the conversation (fixed clock)."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Iterator

import pytest
from babel.dates import get_month_names

from bot.conversation.conversation import Conversation, User
from bot.i18n.replies import Outcome
from bot.local_guide.directory import HELSINKI
from bot.local_guide.directory.timefmt import format_day
from tests.conftest import make_neuvo, make_settings

# A Monday; the sample directory's weekly sessions run through spring 2027.
MONDAY = dt.datetime(2026, 11, 23, 8, 0, tzinfo=HELSINKI)


@pytest.fixture
async def conv() -> AsyncIterator[Conversation]:
    neuvo = make_neuvo(make_settings(), handoff=True)
    await neuvo.initialize()
    neuvo.conversation.guide.clock = lambda: MONDAY
    yield neuvo.conversation
    await neuvo.shutdown()


def data(outcome: Outcome) -> Iterator[str]:
    for message in outcome.messages + ([outcome.edit] if outcome.edit else []):
        for row in message.buttons:
            for button in row:
                yield button.data


def text(outcome: Outcome) -> str:
    return "\n".join(m.html for m in outcome.messages)


async def test_menu_offers_activities_and_meeting_an_adviser(conv: Conversation) -> None:
    menu = await conv.command(User("u", "en"), "menu")
    assert {"menu:act", "menu:meet"} <= set(data(menu))


async def test_iisalmi_language_cafe_from_menu_to_results(conv: Conversation) -> None:
    user = User("u", "en", chat_id=1)
    picker = await conv.button(user, "menu:act")
    assert "mun:s:iisalmi:act" in set(data(picker))
    assert picker.messages[1].location_button is not None  # "share my location"
    interests = await conv.button(user, "mun:s:iisalmi:act")
    assert interests.messages[0].remove_keyboard
    assert "act:language-cafe:a:0" in set(data(interests))
    results = await conv.button(user, "act:language-cafe:a:0")
    html = text(results)
    assert "Iisalmi" in html
    day = format_day(dt.datetime(2026, 11, 24, 17, tzinfo=HELSINKI), "en")
    assert f"🗓 {day}, 17:00" in html  # the next sessions, from this week on
    assert "2026" not in html.split(day)[0][-20:]  # no past dates before it


async def test_municipality_is_remembered_and_typed_names_work(conv: Conversation) -> None:
    user = User("typed", "fi", chat_id=2)
    await conv.button(user, "menu:act")
    found = await conv.text(user, "iisalmi")
    assert "act:language-cafe:a:0" in set(data(found))
    again = await conv.button(user, "menu:act")  # no second question about the municipality
    assert not any(d.startswith("mun:s:") for d in data(again))
    await conv.button(user, "mun:p:0:act")
    close = await conv.text(user, "Jyväskyl")  # a typo still finds it
    assert "mun:s:jyvaskyla:act" in set(data(close))


async def test_location_picks_the_nearest_municipality(conv: Conversation) -> None:
    user = User("loc", "en", chat_id=3)
    await conv.button(user, "menu:act")
    outcome = await conv.location(user, 63.56, 27.19)  # Iisalmi centre
    assert "Iisalmi" in outcome.messages[0].html
    rows = [tuple(r) for r in await conv.storage.db.fetchall("SELECT * FROM users")]
    assert not any("63.56" in str(v) or "27.19" in str(v) for row in rows for v in row)


async def test_somali_user_sees_somali_dates(conv: Conversation) -> None:
    user = User("so", "so", chat_id=4)
    await conv.button(user, "mun:s:iisalmi:act")
    html = text(await conv.button(user, "act:language-cafe:a:0"))
    november = get_month_names("abbreviated", locale="so")[11]  # Somali, whatever CLDR's form
    assert november != "Nov" and f"{november} 24" in html
    assert "Nov" not in html.replace(november, "")


async def test_paging_and_language_filter(conv: Conversation) -> None:
    user = User("page", "en", chat_id=5)
    await conv.button(user, "mun:s:iisalmi:act")
    first = await conv.button(user, "act:*:a:0")
    buttons = set(data(first))
    assert "act:*:a:4" in buttons and "act:*:l:0" in buttons
    second = await conv.button(user, "act:*:a:4")
    assert text(second) != text(first)


async def test_empty_results_offer_neighbours(conv: Conversation) -> None:
    user = User("empty", "en", chat_id=6)
    await conv.button(user, "mun:s:sonkajarvi:act")
    empty_interest = next(
        i for i in conv.knowledge.directory.interests
        if not conv.knowledge.directory.upcoming("sonkajarvi", start=MONDAY, interest=i)
    )
    outcome = await conv.button(user, f"act:{empty_interest}:a:0")
    neighbours = [d for d in data(outcome) if d.count(":") == 4]
    assert neighbours, "empty results suggest neighbouring municipalities"
    preview = await conv.button(user, neighbours[0])
    assert preview.messages


async def test_meet_an_adviser_shows_in_person_hours_in_the_users_language(
    conv: Conversation,
) -> None:
    user = User("meet", "so", chat_id=7)
    await conv.button(user, "mun:s:iisalmi:adv")
    outcome = await conv.button(user, "menu:meet")
    assert "Soomaali" in text(outcome)
    assert "adv:start" in set(data(outcome))


async def test_i_dont_know_offers_the_next_advising_hours(conv: Conversation) -> None:
    user = User("idk", "en", chat_id=8)
    await conv.button(user, "mun:s:iisalmi:adv")
    outcome = await conv.text(user, "What is the best pizza topping in Rome?")
    html = text(outcome)
    assert "do not know" in html and "meet an adviser in person" in html


async def test_faq_answer_links_to_local_items(conv: Conversation) -> None:
    linked = [e for e in conv.knowledge.content.entries.values() if e.directory]
    assert linked, "some FAQ entries link to directory interests"
    user = User("faq", "en", chat_id=9)
    outcome = await conv.button(user, f"q:{linked[0].id}")
    assert f"act:{linked[0].directory[0]}:a:0" in set(data(outcome))


async def test_choosing_a_municipality_names_it_once(conv: Conversation) -> None:
    user = User("once", "en", chat_id=1)
    await conv.button(user, "menu:act")
    chosen = await conv.button(user, "mun:s:iisalmi:act")
    assert text(chosen).count("Municipality: Iisalmi") == 1


async def test_no_advising_nearby_gives_buttons_to_the_neighbours_it_names(
    conv: Conversation,
) -> None:
    directory = conv.guide.directory
    lacking = [m for m in directory.municipalities
               if not directory.advising(m, start=MONDAY, limit=1) and directory.neighbours(m)]
    assert lacking, "the sample directory has a municipality without advising"
    place = lacking[0]
    user = User("meet", "en", chat_id=1)
    await conv.button(user, "menu:meet")
    meet = await conv.button(user, f"mun:s:{place}:adv")
    shown = [d for d in data(meet) if d.startswith("mun:v:")]
    neighbours = [n.id for n in directory.neighbours(place)[:3]]
    assert shown == [f"mun:v:{n}:adv" for n in neighbours]
    neighbour = await conv.button(user, shown[0])
    assert directory.municipalities[neighbours[0]].name("en") in text(neighbour)
    assert not any(d.startswith("mun:v:") for d in data(neighbour))


async def test_an_unknown_municipality_says_which_ones_are_covered(conv: Conversation) -> None:
    user = User("helsinki", "en", chat_id=1)
    await conv.button(user, "menu:act")
    reply = await conv.text(user, "helsinki")
    assert "I did not find that municipality" in text(reply)
    assert "only for these municipalities: " in text(reply)
    assert "Iisalmi" in text(reply).split("only for these municipalities: ")[1]
