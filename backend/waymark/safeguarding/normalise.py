"""Text as the detector reads it: lower case, straight quotes, letters repeated at
most twice ("sooooo" -> "soo"), and common text-speak and misspellings spelled out
("kms" -> "kill myself"). The rules and the model both read text through this."""

from __future__ import annotations

import re

# Text-speak and common misspellings, applied to whole words before matching.
_SUBSTITUTIONS = [
    (r"\bkms\b", "kill myself"),
    (r"\bkys\b", "kill yourself"),
    (r"\bunalive\w*", "kill"),
    (r"\bsuis?c?ide?\w*|\bsuicid\w*|\bsucide\w*|\bsuiside\w*", "suicide"),
    (r"\bself[\s-]*har\w*|\bselfharm\w*", "self harm"),
    (r"\bsh\b", "self harm"),
    (r"\bkil+\b", "kill"),
    (r"\bab+us+e?d?\b|\babbused\b|\babussed\b", "abused"),
    (r"\b2\s*nite\b|\b2night\b|\btonite\b|\btnight\b", "tonight"),
    (r"\bwanna\b", "want to"),
    (r"\bgonna\b", "going to"),
    (r"\bim\b", "i am"),
    (r"\bi'm\b", "i am"),
    (r"\bdont\b|\bdon't\b", "do not"),
    (r"\bcant\b|\bcan't\b", "cannot"),
    (r"\bive\b|\bi've\b", "i have"),
    (r"\bu\b", "you"),
    (r"\bur\b", "your"),
    (r"\bppl\b", "people"),
    (r"\bno\s?where\b", "nowhere"),
    (r"\bwasnt\b|\bwasn't\b", "was not"),
    (r"\bwont\b|\bwon't\b", "will not"),
    (r"\bdidnt\b|\bdidn't\b", "did not"),
    (r"\bisnt\b|\bisn't\b", "is not"),
    (r"\bcos\b|\bcoz\b|\bcuz\b", "because"),
    (r"\bnite\b", "night"),
    (r"\bbf\b", "boyfriend"),
    (r"\bgf\b", "girlfriend"),
    (r"\bw\b", "with"),
    (r"\bn\b", "and"),
    (r"\bgot no\b", "have no"),
    (r"\bmyslef\b|\bmy self\b", "myself"),
]


def normalise(text: str) -> str:
    text = text.lower().replace("’", "'").replace("‘", "'")
    text = re.sub(r"(.)\1{2,}", r"\1\1", text)  # "sooooo" -> "soo"
    for pattern, replacement in _SUBSTITUTIONS:
        text = re.sub(pattern, replacement, text)
    return re.sub(r"\s+", " ", text).strip()
