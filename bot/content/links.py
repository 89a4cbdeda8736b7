"""Web addresses in content, checked by their form only (no network).

A mistyped address ("htps://", "https//kela.fi", "www.kela fi") is shown to users as text
that leads nowhere, and nobody notices until a user complains. Catching the form of the
address is cheap and offline; whether the page still exists is for the adviser to check.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

#: Anything that looks meant as a web address: a scheme with slashes (also mistyped ones
#: such as "htps:/" or "https//"), or a bare "www.".
_CANDIDATE = re.compile(r"(?:\b[a-z][a-z0-9+.-]*:/+|\bhttps?//|\bwww\.)[^\s<>\"«»]*", re.I)
#: Punctuation that ends the sentence around an address rather than the address itself.
_TRAILING = ".,;:!?'\"’”)"
_LABEL = re.compile(r"^[^\W_](?:[\w-]*[^\W_])?$")
_TOP_LEVEL = re.compile(r"^[^\W\d_]{2,}$")


def find_urls(text: str) -> Iterator[tuple[int, str]]:
    """(offset, address) of every address in a text, sentence punctuation left out."""
    for match in _CANDIDATE.finditer(text):
        url = match.group(0)
        while url and url[-1] in _TRAILING:
            if url[-1] == ")" and url.count("(") >= url.count(")"):
                break  # a page name with parentheses, like …/Kela_(agency)
            url = url[:-1]
        yield match.start(), url


def url_problem(url: str) -> str | None:
    """What is wrong with the form of an address, in words for advisers; None if nothing."""
    if any(ch.isspace() for ch in url):
        return f"the address '{url}' contains a space; remove it or write %20"
    if url.lower().startswith("www."):
        url = "https://" + url
    if re.match(r"https?//", url, re.I):
        return f"the address '{url}' lacks the ':' after 'http' (write https://)"
    scheme, _, rest = url.partition(":")
    if scheme.lower() not in ("http", "https"):
        return f"the address '{url}' must start with https:// (not '{scheme}:')"
    if not rest.startswith("//") or rest.startswith("///"):
        return f"the address '{url}' needs exactly two slashes after '{scheme}:'"
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises ValueError for a port that is not a number
    except ValueError:
        return f"the address '{url}' has a malformed host or port"
    host = parts.hostname or ""
    labels = host.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        return f"the address '{url}' needs a host name like www.example.fi"
    if not _TOP_LEVEL.match(labels[-1]):
        return f"the address '{url}' does not end its host name with a domain such as .fi"
    return None


def is_home_page(url: str) -> bool:
    """A site's front page, also one in a language ("https://mieli.fi/en/").

    A front page does not state the facts of an answer, so whoever checks the entry next
    cannot find them there: a source should be the page that says what the answer says.
    """
    parts = [part for part in urlsplit(url).path.split("/") if part]
    return not parts or (len(parts) == 1 and len(parts[0]) == 2)
