"""Material's settings and search box: left out of the pages that share the build's, kept elsewhere."""
import json

from jinja2 import Template

from generator.shared_chrome import SharedSettings, site_wide


def element(base: str, **extra) -> str:
    prefix = "" if base == "." else base + "/"
    settings = {"base": base, "features": ["navigation.top"], "search": prefix + "assets/w/search.1.js",
                "translations": {"clipboard.copy": "复制"}, **extra}
    return f'\n<script id="__config" type="application/json">{json.dumps(settings, ensure_ascii=False)}</script>\n'


def test_settings_from_pages_at_any_depth_are_the_same_from_the_site_root():
    assert site_wide(element("."), ".") == site_wide(element("../.."), "../..") == {
        "base": "", "features": ["navigation.top"], "search": "assets/w/search.1.js",
        "translations": {"clipboard.copy": "复制"}}


def test_a_page_whose_settings_differ_or_cannot_be_read_keeps_its_element():
    shared = SharedSettings()
    assert shared.take(element("."), ".") == "" and shared.take(element("../.."), "../..") == ""
    different = element("..", version={"provider": "mike"})
    assert shared.take(different, "..") == different
    for unknown in ('<script id="__config" type="application/json">{oops</script>', "<p>no settings</p>",
                    element("..")):  # a base that is not the page's
        assert shared.take(unknown, "../..") == unknown


def test_the_script_holds_the_first_pages_settings_or_null():
    template = Template("var shared = {{ shared }}")
    assert SharedSettings().script(template) == "var shared = null"
    shared = SharedSettings()
    shared.take(element("../.."), "../..")
    assert json.loads(shared.script(template).removeprefix("var shared = ")) == shared.kept


def header(base: str, icon_base: str | None = None) -> str:
    prefix = "" if base == "." else base.rstrip("/") + "/"
    icon = (prefix if icon_base is None else icon_base) + "assets/images/icons.svg#magnify"
    return (f'<header><a href="{prefix}index.html">home</a>\n'
            f'  <div class="md-search" data-md-component="search" role="dialog">\n'
            f'    <label for="__search"><svg><use href="{icon}"/></svg></label>\n'
            f'    <div class="md-search__inner"><div>正在初始化搜索引擎</div></div>\n'
            f'  </div>\n</header>')


def test_the_search_box_is_left_out_for_a_script_wherever_its_links_lead_from_the_root():
    from generator.shared_chrome import SEARCH_BOX_SCRIPT, SharedSearchBox

    shared = SharedSearchBox()
    for base in (".", "../..", "/"):
        page = shared.take(header(base), base)
        prefix = "" if base == "." else base.rstrip("/") + "/"
        assert page == (f'<header><a href="{prefix}index.html">home</a>\n'
                        f'  <script src="{prefix}{SEARCH_BOX_SCRIPT}"></script>\n</header>'), base
    assert shared.kept == ('<div class="md-search" data-md-component="search" role="dialog"> <label for="__search">'
                          '<svg><use href="{root}assets/images/icons.svg#magnify"/></svg></label> '
                          '<div class="md-search__inner"><div>正在初始化搜索引擎</div></div> </div>')
    assert json.loads(shared.script(Template("{{ shared }}"))) == shared.kept


def test_a_search_box_that_differs_or_leads_outside_the_site_stays_in_its_page():
    from generator.shared_chrome import SharedSearchBox

    shared = SharedSearchBox()
    shared.take(header("../.."), "../..")
    different = header("..").replace("正在", "还在")
    outside = header("..", icon_base="../../../")
    unclosed = header("..").replace("</div>\n</header>", "</header>")
    for page in (different, outside, unclosed, "<header>no search</header>"):
        assert shared.take(page, "..") == page
