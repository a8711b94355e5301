"""
Geometry of the SCO membership timeline, drawn as inline SVG on the server.

Dates are drawn only as precisely as the sources give them: a full date is a
point in its year, a bare year starts at that year with a faded lead-in
(“some time in 2017”), and a start the sources do not date at all (“joined
later”) is a dashed outline over the span it could lie in — from the
organisation's founding to today — never a solid bar.
"""

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from sco.models import MembershipStatus

WIDTH = 760
LABEL_WIDTH = 170
RIGHT_PAD = 20
ROW_HEIGHT = 26
GROUP_HEIGHT = 30
AXIS_HEIGHT = 34
STATUS_ORDER = [
    MembershipStatus.MEMBER,
    MembershipStatus.OBSERVER,
    MembershipStatus.DIALOGUE_PARTNER,
    MembershipStatus.FORMER_MEMBER,
]


@dataclass
class Bar:
    membership: object
    y: float
    x: float
    width: float
    precision: str  # "date", "year" or "unknown"
    lead_width: float  # width of the faded lead-in for a year-only start
    is_open: bool
    label: str

    @property
    def bar_y(self):
        return self.y + 12

    @property
    def name_y(self):
        return self.y + 21

    @property
    def label_y(self):
        return self.y + 9

    @property
    def solid_x(self):
        """Where the solid part starts: after the faded lead-in of a year-only start."""
        return self.x + self.lead_width

    @property
    def solid_width(self):
        return max(self.width - self.lead_width, 0)

    @property
    def label_anchor(self):
        """Labels of bars starting late on the axis end at the bar's right edge instead."""
        return "end" if self.x > (LABEL_WIDTH + WIDTH) / 2 else "start"

    @property
    def label_x(self):
        return self.x + self.width if self.label_anchor == "end" else self.x


@dataclass
class Group:
    label: str
    y: float
    bars: list = field(default_factory=list)

    @property
    def label_y(self):
        return self.y + 20


@dataclass
class Timeline:
    groups: list
    ticks: list
    height: float
    plot_left: float = LABEL_WIDTH
    plot_right: float = WIDTH - RIGHT_PAD
    width: int = WIDTH

    @property
    def axis_y(self):
        return self.height - AXIS_HEIGHT + 6

    @property
    def tick_label_y(self):
        return self.axis_y + 16

    @property
    def name_x(self):
        return self.plot_left - 10


def reading_order(membership):
    """Members first, then observers, partners, former members; earliest start first."""
    return (
        STATUS_ORDER.index(membership.status),
        membership.start_year or 9999,
        membership.start_date or date.max,
        membership.state.name,
    )


def year_fraction(day):
    start = date(day.year, 1, 1)
    return day.year + (day - start).days / 365.25


def build(memberships, founded_year=None, today=None):
    """Lay out memberships (any order) by status, then by start, on a shared year axis."""
    today = today or timezone.localdate()
    memberships = list(memberships)
    known = [m.start_date.year if m.start_date else m.start_year for m in memberships]
    known = [year for year in known if year]
    first = min(known + ([founded_year] if founded_year else []), default=today.year - 1)
    founded = founded_year or first
    last = today.year + 1
    span = last - first

    def x(value):
        return LABEL_WIDTH + (value - first) / span * (WIDTH - LABEL_WIDTH - RIGHT_PAD)

    now = year_fraction(today)
    groups, y = [], 0.0
    for status in STATUS_ORDER:
        rows = sorted((m for m in memberships if m.status == status), key=reading_order)
        if not rows:
            continue
        group = Group(label=f"{MembershipStatus(status).label}s", y=y)
        y += GROUP_HEIGHT
        for membership in rows:
            group.bars.append(bar(membership, y, x, now, founded))
            y += ROW_HEIGHT
        groups.append(group)
    ticks = [(year, x(year)) for year in range(first, last + 1) if tick_wanted(year, first, last)]
    return Timeline(groups=groups, ticks=ticks, height=y + AXIS_HEIGHT)


def tick_wanted(year, first, last):
    step = 5 if last - first > 15 else 1
    return year in (first, last) or year % step == 0 and last - year >= step / 2


def bar(membership, y, x, now, founded):
    if membership.end_date:
        end = year_fraction(membership.end_date)
    elif membership.end_year:
        end = membership.end_year + 1
    else:
        end = now
    if membership.start_date:
        precision, start, lead = "date", year_fraction(membership.start_date), 0.0
    elif membership.start_year:
        precision, start = "year", membership.start_year
        lead = x(min(start + 1, end)) - x(start)
    else:
        precision, start, lead = "unknown", founded, 0.0
    left = x(start)
    return Bar(
        membership=membership,
        y=y,
        x=left,
        width=max(x(end) - left, 3),
        precision=precision,
        lead_width=lead,
        is_open=not (membership.end_date or membership.end_year),
        label=period_label(membership),
    )


def period_label(membership):
    """The dates in words, exactly as precise as the sources."""
    if membership.start_date:
        start = f"{membership.start_date:%-d %b %Y}"
    elif membership.start_year:
        start = str(membership.start_year)
    else:
        start = membership.date_text or "date not given"
        start = f"{start} (date not given)" if membership.date_text else start
    if membership.end_date or membership.end_year:
        end = f"{membership.end_date:%-d %b %Y}" if membership.end_date else membership.end_year
        return f"{start} – {end}"
    return f"since {start}" if (membership.start_date or membership.start_year) else start
