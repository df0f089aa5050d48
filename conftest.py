"""Fixtures every app's tests may use, wherever they are defined."""

# The stand-in export engine (`engines` fixture): the leak test uses it as well as the exports app.
pytest_plugins = ["threatpress.exports.tests.standin"]
