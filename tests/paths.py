from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FAQ = ROOT / "faq"
LOCALES = ROOT / "locales"
