"""Hostile rich text, and a checker that what comes out of it can run nothing."""

from html.parser import HTMLParser

# Each payload carries a marker word so tests can see the harmless part survive.
PAYLOADS = {
    "tab inside javascript:": '<p><a href="jav&#x09;ascript:alert(1)">tabbed</a></p>',
    "on* attribute": "<p onclick=alert(1)>clickable</p>",
    "script element": "<script>window.__xss=1;alert(1)</script><p>after-script</p>",
    "img onerror": "<img src=x onerror=alert(1)><p>after-img</p>",
    "mixed-case JaVaScRiPt:": '<p><a href="JaVaScRiPt:alert(1)">mixed</a></p>',
    "entity-encoded javascript:": (
        '<p><a href="&#106;avascript&#58;alert(1)">encoded</a> '
        '<a href="  javascript:alert(1)">spaced</a></p>'
    ),
    "data: link": (
        '<p><a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a></p>'
    ),
    "vbscript: link": '<p><a href="vbscript:msgbox(1)">vb</a></p>',
    "style attribute and element": (
        '<p style="background:url(javascript:alert(1))">styled</p><style>body{display:none}</style>'
    ),
    "iframe": (
        '<iframe src="javascript:alert(1)"></iframe>'
        '<iframe srcdoc="<script>alert(1)</script>"></iframe><p>after-iframe</p>'
    ),
    "object and embed": (
        '<object data="javascript:alert(1)"></object><embed src="x.swf"><p>after-object</p>'
    ),
    "svg with script": (
        "<svg><script>alert(1)</script><a xlink:href=javascript:alert(1)>s</a></svg>"
    ),
    "form with javascript: action": (
        '<form action="javascript:alert(1)">'
        '<button formaction="javascript:alert(1)">go</button></form>'
    ),
    "details ontoggle": "<details open ontoggle=alert(1)><summary>toggled</summary></details>",
    "noscript mutation": '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    "meta refresh and base": (
        '<meta http-equiv="refresh" content="0;url=javascript:alert(1)"><base href="javascript:/">'
    ),
}

SAFE_SCHEMES = ("http://", "https://", "mailto:", "tel:", "/", "#")
ACTIVE_TAGS = {
    "script", "style", "iframe", "object", "embed", "img", "svg", "math", "form", "button",
    "input", "meta", "base", "link", "noscript", "template", "details", "frame", "frameset",
}  # fmt: skip


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []

    def handle_starttag(self, tag, attrs):
        if tag in ACTIVE_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name in {"style", "srcdoc", "formaction"}:
                self.problems.append(f"<{tag} {name}>")
            if name in {"href", "src", "action", "xlink:href", "data"}:
                cleaned = "".join(ch for ch in (value or "") if ch > " ").lower()
                if not cleaned.startswith(SAFE_SCHEMES):
                    self.problems.append(f"<{tag} {name}={value!r}>")


def active_content(html: str) -> list[str]:
    """Every element or attribute in `html` that could run script or restyle the page."""
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector.problems
