"""capmock journeys as Locust users: ``locust -f <this file> --host http://127.0.0.1:8080``.

Options (also from CAPMOCK_MIX, CAPMOCK_SEED, CAPMOCK_CUSTOMERS, CAPMOCK_PATH,
CAPMOCK_ENVELOPE): --capmock-mix, --capmock-seed, --capmock-customers (per worker),
--capmock-path, --capmock-envelope, --capmock-slots. See docs/soak.md.
"""

from capmock.soak.locust import CapmockUser

__all__ = ["CapmockUser"]
