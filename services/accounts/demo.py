"""Demo data for accounts: a demo owner and a demo staff user in the businesses the migration made."""

from .app import create_app
from .services import create_user

DEMO_USERS = (
    ("owner", "owner-pass-2026", "owner", ("water", "laundry", "retail"), "Wanjiku (owner)"),
    ("staff", "staff-pass-2026", "staff", ("water", "laundry"), "Otieno (staff)"),
)


def load() -> None:
    """Create the demo users (idempotent: re-running resets their passwords)."""
    with create_app().app_context():
        for username, password, role, businesses, name in DEMO_USERS:
            create_user(username, password, role, businesses, name)


if __name__ == "__main__":
    load()
