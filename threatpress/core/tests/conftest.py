import pytest
from django.contrib.auth import get_user_model

from threatpress.core.tests.uploads import login_as
from threatpress.publishing.roles import AUTHORS


@pytest.fixture
def author(client, db):
    """The test client, signed in as a member of Authors (who may upload images and documents)."""
    return login_as(client, AUTHORS)


@pytest.fixture
def editor(client, edition):
    """The test client, signed in as an administrator, with the 2026 test edition in place."""
    user = get_user_model().objects.create_superuser("editor", "editor@example.org", "x" * 20)
    client.force_login(user)
    return client
