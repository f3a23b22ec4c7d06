"""The detail panel: everything about one cluster, and its member list.

The top part explains the cluster (headline, who saw it first and when, why
it sits in its pane, the lead text, the tracked quotes and how widely they
are carried). Below, :class:`MemberList` lists every member story with its
outlet, time, link and the evidence that joined it to the cluster; its keys
split a story out or open / copy its link.

All feed text is wrapped in ``Content`` (never parsed as markup), and the
option list runs with ``markup=False``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import ClassVar, Literal

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from app.models import ClusterDetail, Signal, Story
from widgets.format import ago, format_clock, one_line
from widgets.pane_view import pane_label

__all__ = ["DetailPanel", "MemberList", "detail_summary", "member_prompt"]

LinkAction = Literal["open_link", "copy_link"]

_SIGNAL_TEXT = {
    Signal.FOUNDER: "started the cluster",
    Signal.GUID: "same guid",
    Signal.LINK: "same link",
    Signal.TITLE: "similar title",
    Signal.LEAD: "similar title and lead",
    Signal.TOPIC: "same distinctive words",
    Signal.QUOTE: "shares a quote",
    Signal.USER: "merged by you",
}


def _safe(text: str, max_len: int = 1000) -> Content:
    return Content(one_line(text, max_len=max_len))


def detail_summary(detail: ClusterDetail, now: datetime) -> Content:
    """The explanatory top of the panel as one multi-line ``Content``.

    Args:
        detail: The cluster.
        now: The moment ages are measured from.

    Returns:
        Headline, provenance line, pane reasoning, lead and quotes.
    """
    row = detail.row
    lines: list[Content] = [Content.styled(one_line(row.headline, max_len=2000), "bold")]
    lines.append(
        Content.assemble(
            f"First seen {ago(row.first_seen, now)} ({format_clock(row.first_seen, now)} UTC) by ",
            (one_line(detail.first_outlet, max_len=200) or "unknown", "bold"),
            f" · {row.size} stor{'y' if row.size == 1 else 'ies'}"
            f" from {row.outlets} outlet{'' if row.outlets == 1 else 's'}"
            f" · updated {ago(row.last_update, now)}",
        )
    )
    flags = [
        name
        for name, on in (
            ("unread", row.unread > 0),
            ("new", row.new),
            ("starred", row.starred),
            ("alert", row.alert),
            ("dismissed", row.dismissed),
        )
        if on
    ]
    if flags:
        lines.append(Content.styled(" · ".join(flags), "italic"))
    terms = ", ".join(one_line(t, max_len=80) for t in detail.pane_terms) or "no deciding terms"
    if detail.pane_overridden:
        why = Content.assemble(
            f"In {pane_label(row.pane)}: ",
            ("moved by you", "bold"),
            f" (classifier: score {detail.pane_score:.1f}; {terms})",
        )
    else:
        why = Content(f"In {pane_label(row.pane)}: score {detail.pane_score:.1f}; terms: {terms}")
    lines.append(why)
    if detail.lead:
        lines.append(Content(""))
        lines.append(Content(" ".join(detail.lead.split())[:2000]))
    if detail.quotes:
        lines.append(Content(""))
        lines.append(Content.styled("Quotes", "bold underline"))
        for quote in detail.quotes:
            lines.append(
                Content.assemble(
                    "“",
                    (one_line(quote.text, max_len=400), "italic"),
                    f"” — {quote.outlets} outlet{'' if quote.outlets == 1 else 's'},"
                    f" {quote.stories} stor{'y' if quote.stories == 1 else 'ies'}",
                )
            )
    return Content("\n").join(lines)


def member_prompt(story: Story, members: dict[str, Story], now: datetime) -> Content:
    """One member story as a multi-line option.

    Args:
        story: The member.
        members: All members by id, to name the one it matched.
        now: The moment ages are measured from.

    Returns:
        Outlet and time, title, link, and why it joined.
    """
    when = f"{ago(story.published, now)} ({format_clock(story.published, now)})"
    if story.published_estimated:
        when += " ~"
    head = Content.assemble(
        (one_line(story.outlet, max_len=120) or "unknown", "bold"),
        f" · {when}",
        ("" if story.read else " · unread", "italic"),
    )
    title = Content.assemble("  ", one_line(story.title, max_len=600))
    link = Content.assemble(
        "  ", (one_line(story.url or "(no link)", max_len=600), "dim underline")
    )
    why = _SIGNAL_TEXT.get(story.cluster_signal, story.cluster_signal.value)
    parts: list[Content | str | tuple[str, str]] = ["  joined: ", (why, "italic")]
    if story.cluster_signal is not Signal.FOUNDER:
        parts.append(f" · score {story.cluster_score:.0f}")
        matched = members.get(story.cluster_matched or "")
        if matched is not None:
            parts.append(" · matched ")
            parts.append(_safe(f"{matched.outlet}: {matched.title}", max_len=200))
    return Content("\n").join([head, title, link, Content.assemble(*parts)])


class MemberList(OptionList):
    """The member stories of the shown cluster."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("x", "split", "Split out", id="split", tooltip="Split this story into its own"),
        Binding("o", "link('open_link')", "Browser", id="open_link", tooltip="Open link"),
        Binding("c", "link('copy_link')", "Copy", id="copy_link", tooltip="Copy link"),
    ]

    @dataclass
    class SplitRequested(Message):
        """Split ``story`` out of its cluster."""

        member_list: MemberList
        story: Story

        @property
        def control(self) -> MemberList:
            return self.member_list

    @dataclass
    class LinkRequested(Message):
        """Open or copy ``story``'s link."""

        member_list: MemberList
        story: Story
        action: LinkAction

        @property
        def control(self) -> MemberList:
            return self.member_list

    def __init__(self, *, id: str | None = None) -> None:
        """An empty member list (plain text only)."""
        super().__init__(markup=False, id=id)
        self.stories: tuple[Story, ...] = ()

    @property
    def highlighted_story(self) -> Story | None:
        """The story under the cursor."""
        index = self.highlighted
        if index is None or not 0 <= index < len(self.stories):
            return None
        return self.stories[index]

    def show(self, stories: tuple[Story, ...], now: datetime) -> None:
        """List ``stories``, keeping the cursor on the same story when it is still here."""
        keep = self.highlighted_story
        self.stories = stories
        by_id = {story.id: story for story in stories}
        self.set_options(
            Option(member_prompt(story, by_id, now), id=f"m{index}")
            for index, story in enumerate(stories)
        )
        if not stories:
            return
        target = 0
        if keep is not None:
            target = next((i for i, s in enumerate(stories) if s.id == keep.id), 0)
        self.highlighted = target

    def action_split(self) -> None:
        """Ask to split the highlighted story out."""
        story = self.highlighted_story
        if story is not None:
            self.post_message(self.SplitRequested(self, story))

    def action_link(self, action: LinkAction) -> None:
        """Ask to open or copy the highlighted story's link."""
        story = self.highlighted_story
        if story is not None:
            self.post_message(self.LinkRequested(self, story, action))


class DetailPanel(Vertical):
    """Explanation on top, member list below."""

    DEFAULT_CSS = """
    DetailPanel { height: 1fr; width: 1fr; }
    DetailPanel > #detail-info { height: auto; max-height: 60%; }
    DetailPanel > #detail-info > Static { width: 1fr; }
    DetailPanel > MemberList { height: 1fr; min-height: 3; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        """An empty panel."""
        super().__init__(id=id)
        self.detail: ClusterDetail | None = None
        self._shown_at: datetime | None = None

    def compose(self) -> ComposeResult:
        """Info over members."""
        with VerticalScroll(id="detail-info"):
            yield Static(Content("Nothing selected"), id="detail-text", markup=False)
        yield MemberList(id="detail-members")

    @property
    def members(self) -> MemberList:
        """The member list."""
        return self.query_one(MemberList)

    def show(self, detail: ClusterDetail | None, now: datetime | None = None) -> None:
        """Show ``detail`` (None: nothing selected)."""
        now = now or datetime.now(UTC)
        shown_at = now.replace(second=0, microsecond=0)
        if detail == self.detail and shown_at == self._shown_at:
            return  # nothing to redraw (a reload that did not touch this cluster)
        self._shown_at = shown_at
        same_cluster = (
            detail is not None and self.detail is not None and detail.row.id == self.detail.row.id
        )
        self.detail = detail
        text = self.query_one("#detail-text", Static)
        if detail is None:
            text.update(Content("Nothing selected"))
            self.members.show((), now)
            return
        text.update(detail_summary(detail, now))
        if not same_cluster:
            self.members.highlighted = None
            self.query_one("#detail-info", VerticalScroll).scroll_home(animate=False)
        self.members.show(detail.members, now)
