from io import StringIO
from pathlib import Path

from django.core.management import call_command

FIXTURES = Path(__file__).parent / "fixtures"


def run_import(name: str, *args) -> str:
    """Run `import_wordpress` on a fixture and return what it printed."""
    out = StringIO()
    call_command("import_wordpress", str(FIXTURES / name), *args, stdout=out)
    return out.getvalue()
