import re
from pathlib import Path

import pytest
from django.conf import settings

STYLESHEETS = sorted((Path(settings.BASE_DIR) / "static" / "css").glob("*.css"))


@pytest.mark.parametrize("path", STYLESHEETS, ids=lambda p: p.name)
def test_stylesheet_blocks_are_balanced(path):
    """An unclosed block (easy to leave behind in a merge) would silently put every later
    rule inside an @media query."""
    css = re.sub(r"/\*.*?\*/", "", path.read_text(), flags=re.S)
    depth = 0
    for number, line in enumerate(css.splitlines(), 1):
        depth += line.count("{") - line.count("}")
        assert depth >= 0, f"{path.name}:{number} closes a block that was never opened"
    assert depth == 0, f"{path.name} leaves {depth} block(s) open"


@pytest.mark.django_db
def test_every_page_links_the_emblem_as_its_icon_and_favicon_ico_leads_there(client):
    """Without an icon a browser asks for /favicon.ico on every first visit and logs a 404
    (Lighthouse's best-practices audit counts it)."""
    html = client.get("/en/").content.decode()
    icon = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', html)
    assert icon, "the page links no icon"
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == icon.group(1)
    assert "max-age" in response["Cache-Control"]
    assert client.post("/favicon.ico").status_code == 405
