import pytest

from threatpress.core.tests.uploads import login_as
from threatpress.publishing.roles import AUTHORS


@pytest.fixture
def author(client, db):
    """The test client, signed in as a member of Authors (who may upload images and documents)."""
    return login_as(client, AUTHORS)
