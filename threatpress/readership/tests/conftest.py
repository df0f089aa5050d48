import pytest

from threatpress.readership import counting

BROWSER = (
    "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"  # a reader's browser
)


@pytest.fixture(autouse=True)
def empty_buffer():
    """Each test starts with nothing buffered (other tests' page views stay in this process)."""
    counting.buffer.clear()
    yield
    counting.buffer.clear()


@pytest.fixture
def reader(client):
    """The test client, sending a real browser's user agent (the test client sends none)."""
    client.defaults["HTTP_USER_AGENT"] = BROWSER
    return client
