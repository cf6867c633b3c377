"""Every element reached with Tab shows where the focus is: a ring at least 2 px wide whose
colour stands out 3:1 from what is behind it (WCAG 2.2, 1.4.11 and 2.4.13). Fresh eyes,
session 31: the amber ring alone was faint on white fields and links; the menu bar is dark.
Checked by tabbing through whole pages in Chromium, not by reading the style sheet."""

import re

import pytest

from grants.models import Application

pytestmark = pytest.mark.django_db(transaction=True)

FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  // The ring is drawn around the element, on its parent's background.
  let behind = 'rgb(255, 255, 255)';
  for (let e = el.parentElement; e; e = e.parentElement) {
    const c = getComputedStyle(e).backgroundColor;
    if (c && c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent') { behind = c; break; }
  }
  return {
    name: el.tagName + ' ' + (el.getAttribute('aria-label') || el.innerText || el.name
      || el.id || '').trim().slice(0, 40),
    outline: [style.outlineStyle, style.outlineWidth, style.outlineColor],
    shadow: style.boxShadow,
    behind,
  };
}"""
RGB = re.compile(r"rgba?\((\d+), (\d+), (\d+)")


def luminance(rgb) -> float:
    def channel(value):
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(v) for v in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(one, other) -> float:
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def rgb(text: str):
    return tuple(int(v) for v in RGB.search(text).groups())


def ring_colours(focused) -> list:
    """The colours of the rings drawn around the element: its outline (when at least 2 px)
    and each box shadow that spreads at least 2 px."""
    style, width, colour = focused["outline"]
    rings = []
    if style not in ("none", "hidden") and float(width.removesuffix("px")) >= 2:
        rings.append(rgb(colour))
    for shadow in re.findall(r"rgba?\([^)]*\)[^,]*", focused["shadow"] or ""):
        sizes = [float(v) for v in re.findall(r"(-?[\d.]+)px", shadow)]
        if len(sizes) >= 4 and sizes[3] >= 2 and "inset" not in shadow:
            rings.append(rgb(shadow))
    return rings


def tab_through(page, stops: int = 60) -> list[str]:
    problems, seen = [], set()
    page.locator("body").focus()
    for _ in range(stops):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused["name"].startswith("BODY"):
            break
        key = (focused["name"], focused["behind"])
        if key in seen:
            continue
        seen.add(key)
        behind = rgb(focused["behind"])
        best = max((contrast(ring, behind) for ring in ring_colours(focused)), default=0)
        if best < 3:
            problems.append(f"{focused['name']!r}: best ring contrast {best:.2f} on {behind}")
    return problems


@pytest.fixture
def demo_server(live_server, demo):
    return live_server


@pytest.mark.parametrize("width", [1280, 390])
def test_every_focus_stop_shows_a_clear_ring(demo_server, browser, screenshot, width):
    project = Application.objects.get(title="Kvinder i job")
    context = browser.new_context(locale="da-DK", viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        problems = []
        for path in ["/projekter/?q=sprog", f"/projekter/{project.pk}/", "/login/"]:
            page.goto(demo_server.url + path)
            problems += [f"{path} {problem}" for problem in tab_through(page)]
        page.goto(demo_server.url + "/projekter/?q=sprog")
        page.locator("body").focus()
        for _ in range(3):
            page.keyboard.press("Tab")
        screenshot(page, f"focus-ring-{width}")
        assert problems == []
    finally:
        context.close()
