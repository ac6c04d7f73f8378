"""The demo's stand-in for an LLM: finds revenue guidance ("revenue of $4.1 to $4.4 billion")
in a text. Used by the extract_guidance task and by the guidance eval suite."""
import re

PATTERN = re.compile(
    r"revenue (?:of|between|in the range of|guidance of)\s*\$?([\d.]+)\s*(million|billion)?\s*(?:to|-|–|and)\s*\$?([\d.]+)\s*(million|billion)",
    re.I)


def extract(text):
    match = PATTERN.search(text)
    if not match:
        return {"revenue_low": None, "revenue_high": None, "unit": None, "confidence": 0.1}
    return {"revenue_low": float(match.group(1)), "revenue_high": float(match.group(3)),
            "unit": match.group(4).lower(), "confidence": 0.9}
