"""The blind index of the name a requester wrote on a request (#15): staff find a request
by that name without decrypting or scanning the sealed contact details (Sec1).

A name is cut into words (letters and digits; accents, case and punctuation do not count:
"José de Vries-Bos" -> "jose", "de", "vries", "bos"); each word's blind index
(vault.blind, kind "request_name_word"), shortened to `TOKEN_CHARS` hex characters, is
stored space-separated in `DataSubjectRequest.name_index`. A search matches a request when
every word of the query is one of its words. Whole words only: a prefix or part of a word
cannot be looked up without indexing every prefix, which would make the index a near copy
of the name for whoever holds the key.
"""

from __future__ import annotations

import re
import unicodedata

from privacydesk.vault.blind import blind_index

#: Hex characters kept of each word's HMAC: 64 bits, no accidental match among a
#: company's requests, and short enough for a long name to fit the column.
TOKEN_CHARS = 16
#: Words of one name that are indexed; `name_index` holds MAX_WORDS tokens and spaces.
MAX_WORDS = 12
INDEX_LENGTH = MAX_WORDS * (TOKEN_CHARS + 1)
_KIND = "request_name_word"
_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    """The words of `text` as they are indexed: case-folded, without accents, split at
    anything that is not a letter or digit; each word once, in order."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text)
                    if not unicodedata.combining(c)).casefold()
    return list(dict.fromkeys(filter(None, (w.replace("_", "") for w in _WORD.findall(plain)))))


def token(word: str) -> str:
    """The stored token of one (already normalised) word."""
    return blind_index(word, kind=_KIND)[:TOKEN_CHARS]


def name_index(name: str) -> str:
    """The value of `name_index` for a requester's `name` ("" for no name)."""
    return " ".join(token(word) for word in words(name)[:MAX_WORDS])


def query_tokens(query: str) -> list[str]:
    """The tokens a search for `query` must all find in a request's `name_index`."""
    return [token(word) for word in words(query)]
