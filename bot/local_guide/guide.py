"""The way into local life: municipality, activities and in-person advising, no Telegram.

The user sets a municipality once (buttons, a typed name, or a shared location that is
mapped to the nearest municipality and then forgotten), then browses activities by
interest and language, or the next in-person advising hours. Everything is computed from
the current directory at the moment of asking, so past sessions are never shown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from rapidfuzz import fuzz, process

from bot.i18n import bidi, texts
from bot.i18n.catalogs import Translator
from bot.i18n.finnish_time import now_in_helsinki
from bot.i18n.languages import is_rtl
from bot.i18n.replies import Button, Message, Outcome, button, escape, number
from bot.local_guide.directory import Directory, Municipality, render
from bot.storage.storage import Pending, Storage
from bot.storage.usage import ADVISING, Usage

PAGE = 4
MUNICIPALITIES_PER_PAGE = 8
#: Typed names closer than this (0-100) to a municipality's name are offered as choices.
NAME_MATCH_CUTOFF = 70
#: The pending-state kind while we wait for a typed municipality name.
PENDING_MUNICIPALITY = "municipality"


class LocalGuide:
    def __init__(
        self,
        storage: Storage,
        usage: Usage,
        directory: Callable[[], Directory],
        handoff_enabled: bool,
        clock: Callable[[], dt.datetime] = now_in_helsinki,
    ) -> None:
        self.storage = storage
        self.usage = usage
        #: The directory in force now: content reloads swap it while the bot runs.
        self._directory = directory
        self.handoff_enabled = handoff_enabled
        self.clock = clock

    @property
    def directory(self) -> Directory:
        return self._directory()

    @property
    def available(self) -> bool:
        return not self.directory.is_empty

    def municipality(self, municipality_id: str | None) -> Municipality | None:
        """The user's municipality, if it still exists in the current directory."""
        if municipality_id and municipality_id in self.directory.municipalities:
            return self.directory.municipalities[municipality_id]
        return None

    # -- choosing a municipality ---------------------------------------------------------

    async def ask_municipality(self, pid: str, t: Translator, then: str, page: int = 0) -> Outcome:
        await self.storage.set_pending(pid, PENDING_MUNICIPALITY, then)
        ordered = sorted(self.directory.municipalities.values(), key=lambda m: m.name(t.lang))
        shown = ordered[page * MUNICIPALITIES_PER_PAGE : (page + 1) * MUNICIPALITIES_PER_PAGE]
        buttons = [self._municipality_button(t, m, then) for m in shown]
        rows = [tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2)]
        if (page + 1) * MUNICIPALITIES_PER_PAGE < len(ordered):
            rows.append((button(t, texts.MORE, f"mun:p:{page + 1}:{then}"),))
        picker = Message(bidi.line(t.html(texts.CHOOSE_MUNICIPALITY), t.lang), tuple(rows))
        if page:
            return Outcome(edit=picker)
        location = Message(bidi.line(t.html(texts.SHARE_LOCATION_PROMPT), t.lang),
                           location_button=bidi.line(t(texts.SHARE_LOCATION_BUTTON), t.lang))
        return Outcome([picker, location])

    def _municipality_button(self, t: Translator, municipality: Municipality, then: str) -> Button:
        return Button(bidi.line(municipality.name(t.lang), t.lang),
                      f"mun:s:{municipality.id}:{then}")

    async def typed_municipality(self, pid: str, t: Translator, text: str,
                                 pending: Pending | None) -> Outcome | None:
        """A typed name while we wait for one (`pending` says); None when we are not."""
        if pending is None or pending.kind != PENDING_MUNICIPALITY:
            return None
        then = pending.text or "act"
        found = self.directory.find_municipality(text)
        if found is not None:
            return await self.set_municipality(pid, t, found.id, then)
        names = {f"{m.id}|{lang}": m.name(lang)
                 for m in self.directory.municipalities.values() for lang in ("fi", "sv", "en")}
        close = process.extract(text, names, scorer=fuzz.WRatio, limit=6,
                                score_cutoff=NAME_MATCH_CUTOFF)
        ids = list(dict.fromkeys(key.split("|")[0] for _, _, key in close))[:3]
        if not ids:
            return await self._not_found(pid, t, then)
        rows = tuple((self._municipality_button(t, self.directory.municipalities[i], then),)
                     for i in ids)
        return Outcome([Message(bidi.line(t.html(texts.CHOOSE_MUNICIPALITY), t.lang), rows)])

    async def _not_found(self, pid: str, t: Translator, then: str) -> Outcome:
        """Not a name we know: say which places the directory covers (a Helsinki resident
        should learn that the region is elsewhere, not retype "Helsinki")."""
        outcome = await self.ask_municipality(pid, t, then)
        names = sorted(m.name(t.lang) for m in self.directory.municipalities.values())
        covered = t.html(texts.MUNICIPALITY_COVERED,
                         names=escape(("، " if is_rtl(t.lang) else ", ").join(names)))
        outcome.messages.insert(0, Message(bidi.line(
            f"{t.html(texts.MUNICIPALITY_NOT_FOUND)}\n{covered}", t.lang)))
        return outcome

    async def located(self, pid: str, t: Translator, lat: float, lon: float) -> Outcome:
        """A shared location: used once to pick the nearest municipality, never stored."""
        pending = await self.storage.pending(pid)
        then = pending.text if pending and pending.kind == PENDING_MUNICIPALITY else "act"
        nearest = self.directory.nearest_municipality(lat, lon)
        return await self.set_municipality(pid, t, nearest.id, then or "act")

    async def set_municipality(self, pid: str, t: Translator, municipality_id: str,
                               then: str) -> Outcome:
        if municipality_id not in self.directory.municipalities:
            return await self.ask_municipality(pid, t, then)
        await self.storage.set_municipality(pid, municipality_id)
        await self.storage.clear_pending(pid)
        name = escape(self.directory.municipalities[municipality_id].name(t.lang))
        confirm = Message(bidi.line(t.html(texts.MUNICIPALITY_SET, municipality=name), t.lang),
                          remove_keyboard=True)
        follow = await self.continue_with(pid, t, municipality_id, then, confirmed=True)
        follow.messages.insert(0, confirm)
        return follow

    async def continue_with(self, pid: str, t: Translator, municipality_id: str,
                            then: str, confirmed: bool = False) -> Outcome:
        """The step the municipality was asked for; `confirmed` when the user was just told
        "Municipality: X", which the interests list then does not repeat."""
        if then == "adv":
            await self.usage.directory_viewed(t.lang, municipality_id, ADVISING)
            return Outcome([self.meet(t, municipality_id)])
        if then.startswith("a."):
            await self.usage.directory_viewed(t.lang, municipality_id, then[2:])
            return Outcome([self.activities(t, municipality_id, then[2:], "a", 0)])
        return Outcome([self.interests(t, municipality_id, heading=not confirmed)])

    # -- activities ----------------------------------------------------------------------

    def interests(self, t: Translator, municipality_id: str, heading: bool = True) -> Message:
        choices = [Button(bidi.line(f"{i.icon} {i.name(t.lang)}".strip(), t.lang),
                          f"act:{i.id}:a:0")
                   for i in self.directory.interests_for(municipality_id)]
        rows = [tuple(choices[i : i + 2]) for i in range(0, len(choices), 2)]
        rows.append((button(t, texts.ALL_INTERESTS, "act:*:a:0"),))
        rows.append((button(t, texts.MUNICIPALITY_CHANGE, "mun:p:0:act"),
                     button(t, texts.MENU_BUTTON, "menu:main")))
        text = t.html(texts.CHOOSE_INTEREST)
        if heading:
            place = escape(self.directory.municipalities[municipality_id].name(t.lang))
            text = f"{t.html(texts.MUNICIPALITY_SET, municipality=place)}\n{text}"
        return Message(bidi.line(text, t.lang), tuple(rows))

    def activities(self, t: Translator, municipality_id: str, interest_id: str, scope: str,
                   offset: int, own: bool = True) -> Message:
        """A page of upcoming sessions; `own` is False when previewing a neighbour."""
        directory = self.directory
        interest = directory.interests.get(interest_id)
        start = self.clock()
        found = directory.upcoming(
            municipality_id, start=start, interest=interest.id if interest else None,
            lang=t.lang if scope == "l" else None, limit=PAGE + 1, offset=offset,
        )
        municipality = directory.municipalities[municipality_id]
        body = render.upcoming_html(t, directory, municipality, found[:PAGE], start=start,
                                    interest=interest)
        key = interest.id if interest else "*"
        suffix = "" if own else f":{municipality_id}"
        rows: list[tuple[Button, ...]] = []
        if len(found) > PAGE:
            rows.append((button(t, texts.MORE, f"act:{key}:{scope}:{offset + PAGE}{suffix}"),))
        if offset == 0:
            other, label = ("a", texts.ALL_LANGUAGES) if scope == "l" else (
                "l", texts.ONLY_MY_LANGUAGE)
            rows.append((button(t, label, f"act:{key}:{other}:0{suffix}"),))
        if not found:
            for neighbour in directory.neighbours(municipality_id)[:3]:
                label = t(texts.SHOW_NEIGHBOUR, municipality=neighbour.name(t.lang))
                data = f"act:{key}:{scope}:0:{neighbour.id}"
                rows.append((Button(bidi.line(label, t.lang), data),))
        rows.append((button(t, texts.MUNICIPALITY_CHANGE, "mun:p:0:act"),
                     button(t, texts.MENU_BUTTON, "menu:main")))
        return Message(body, tuple(rows))

    # -- in-person advising --------------------------------------------------------------

    def meet(self, t: Translator, municipality_id: str, own: bool = True) -> Message:
        """Upcoming in-person advising, in the user's language where there is any; when
        there is none, buttons to the neighbours the text names (`own`: not a neighbour)."""
        directory = self.directory
        start = self.clock()
        sessions = (directory.advising(municipality_id, start=start, lang=t.lang, limit=3)
                    or directory.advising(municipality_id, start=start, limit=3))
        body = render.advising_list_html(t, directory, directory.municipalities[municipality_id],
                                         sessions, start=start)
        rows: list[tuple[Button, ...]] = []
        if self.handoff_enabled:
            rows.append((button(t, texts.MENU_ADVISER, "adv:start"),))
        if own and not sessions:
            for neighbour in directory.neighbours(municipality_id)[:3]:
                label = t(texts.SHOW_NEIGHBOUR, municipality=neighbour.name(t.lang))
                rows.append((Button(bidi.line(label, t.lang), f"mun:v:{neighbour.id}:adv"),))
        rows.append((button(t, texts.MUNICIPALITY_CHANGE, "mun:p:0:adv"),
                     button(t, texts.MENU_BUTTON, "menu:main")))
        return Message(body, tuple(rows))

    def next_advising_note(self, t: Translator, municipality_id: str | None) -> str | None:
        """For the "I don't know" reply: where to meet a person, if the directory knows."""
        if self.municipality(municipality_id) is None:
            return None
        assert municipality_id is not None
        start = self.clock()
        sessions = (self.directory.advising(municipality_id, start=start, lang=t.lang, limit=2)
                    or self.directory.advising(municipality_id, start=start, limit=2))
        if not sessions:
            return None
        blocks = [render.advising_html(t, s) for s in sessions]
        return "\n\n".join([bidi.line(f"<b>{t.html(texts.NEXT_ADVISING)}</b>", t.lang), *blocks])

    def near_you_buttons(self, t: Translator, interests: tuple[str, ...]) -> list[Button]:
        """Buttons from an FAQ answer to the directory items it links to."""
        found = [self.directory.interests[i] for i in interests if i in self.directory.interests]
        return [Button(bidi.line(t(texts.NEAR_YOU, interest=i.name(t.lang)), t.lang),
                       f"act:{i.id}:a:0") for i in found]

    # -- buttons ---------------------------------------------------------------------------

    def _known_next(self, then: str) -> bool:
        """Where to go after choosing a municipality: only values our own buttons carry."""
        return then in ("act", "adv") or (
            then.startswith("a.") and then[2:] in self.directory.interests)

    async def button(self, pid: str, t: Translator, municipality_id: str | None,
                     kind: str, rest: str) -> Outcome | None:
        """Handle `mun:` and `act:` buttons; None if the data is not ours or is stale."""
        parts = rest.split(":")
        if kind == "mun" and len(parts) == 3 and self._known_next(parts[2]):
            page = number(parts[1])
            if parts[0] == "p" and page is not None:
                return await self.ask_municipality(pid, t, parts[2], page)
            if parts[0] == "s":
                return await self.set_municipality(pid, t, parts[1], parts[2])
            if (parts[0] == "v" and parts[2] == "adv"
                    and parts[1] in self.directory.municipalities):
                await self.usage.directory_viewed(t.lang, parts[1], ADVISING)
                return Outcome([self.meet(t, parts[1], own=False)])
        if kind == "act" and len(parts) in (3, 4) and parts[1] in ("a", "l"):
            interest, scope, offset = parts[0], parts[1], number(parts[2])
            if offset is None or (interest != "*" and interest not in self.directory.interests):
                return None
            own = len(parts) == 3
            place = municipality_id if own else parts[3]
            if not own and place not in self.directory.municipalities:
                return None
            if self.municipality(place) is None:
                then = "act" if interest == "*" else f"a.{interest}"
                return await self.ask_municipality(pid, t, then)
            assert place is not None
            if offset == 0:
                await self.usage.directory_viewed(t.lang, place,
                                                  None if interest == "*" else interest)
            return Outcome([self.activities(t, place, interest, scope, offset, own=own)])
        return None
