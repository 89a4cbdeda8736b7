from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FAQ = ROOT / "faq"
LOCALES = ROOT / "locales"
#: The matcher's vector cache for tests (git-ignored): the content's vectors are encoded
#: once, not in every test that loads content.
VECTORS = ROOT / ".pytest_cache" / "vectors"
