from datetime import date, datetime, time, timedelta

from django.db.models import Count, Max, Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.generic.dates import DayArchiveView, MonthArchiveView, YearArchiveView

from core import dates
from core.http_caching import public_conditional_response

from .models import Post
from .views import PostDetailView, PostPages


class PublishedArchiveMixin:
    """List published posts of one period, newest first, a page at a time, as WordPress does."""

    date_field = "published_at"
    make_object_list = True
    template_name = "blog/archive.html"

    def get_queryset(self):
        return Post.objects.listed()

    def get(self, request, *args, **kwargs):
        # Resolving the period first turns a bad year or month into 404 before any headers.
        since, until = self.period_bounds()
        in_period = Q(published_at__gte=since, published_at__lt=until)
        # What a reader sees in the list changes with a post's text, its author's name, its
        # comment count, and a scheduled post going live; the links to the neighbouring
        # periods change with any post published or removed elsewhere.
        state = (
            Post.objects.published()
            .posts()
            .aggregate(
                count=Count("pk", filter=in_period),
                updated=Max("updated_at", filter=in_period),
                comments=Max("comments_changed_at", filter=in_period),
                published=Max("published_at", filter=in_period),
                profile=Max("author__author_profile__updated_at", filter=in_period),
                site_count=Count("pk"),
                site_published=Max("published_at"),
            )
        )
        changed = [state[key] for key in ("updated", "comments", "published", "profile")]
        return public_conditional_response(
            request,
            last_modified=max(filter(None, [*changed, state["site_published"]]), default=since),
            etag_parts=[request.get_full_path(), *state.values()],
            render=lambda: super(PublishedArchiveMixin, self).get(request, *args, **kwargs),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        period = context[self.period]
        neighbours = [
            ("prev", context[f"previous_{self.period}"]),
            ("next", context[f"next_{self.period}"]),
        ]
        return {
            **context,
            "heading": self.heading % {"period": date_format(period, self.label_format)},
            "period_label": date_format(period, self.label_format),
            "neighbours": [
                (rel, self.address_of(day), date_format(day, self.label_format))
                for rel, day in neighbours
                if day
            ],
        }


class PostYearArchiveView(PublishedArchiveMixin, PostPages, YearArchiveView):
    period = "year"
    label_format = "Y"
    heading = _lazy("Year: %(period)s")

    def period_bounds(self):
        return period_bounds(self.kwargs["year"], 1, months=12)

    def address_of(self, day):
        return reverse("blog:archive_year", kwargs={"year": f"{day.year:04d}"})


class PostMonthArchiveView(PublishedArchiveMixin, PostPages, MonthArchiveView):
    period = "month"
    label_format = "F Y"
    heading = _lazy("Month: %(period)s")
    month_format = "%m"

    def period_bounds(self):
        return period_bounds(self.kwargs["year"], self.kwargs["month"], months=1)

    def address_of(self, day):
        return reverse(
            "blog:archive_month", kwargs={"year": f"{day.year:04d}", "month": f"{day.month:02d}"}
        )


class PostDayArchiveView(PublishedArchiveMixin, PostPages, DayArchiveView):
    period = "day"
    label_format = "j F Y"
    heading = _lazy("Day: %(period)s")
    month_format = "%m"
    day_format = "%d"

    def period_bounds(self):
        try:
            start = date(
                int(self.kwargs["year"]), int(self.kwargs["month"]), int(self.kwargs["day"])
            )
        except ValueError:
            raise Http404(_("There are no posts for that date.")) from None
        end = start + timedelta(days=1)
        return tuple(timezone.make_aware(datetime.combine(day, time.min)) for day in (start, end))

    def address_of(self, day):
        return reverse(
            "blog:archive_day",
            kwargs={
                "year": f"{day.year:04d}",
                "month": f"{day.month:02d}",
                "day": f"{day.day:02d}",
            },
        )


def day_archive_or_post(request, year, month, day):
    """Serve `/2012/01/03/`: a post whose slug is `03` there, else that day's archive."""
    # Imported the way WordPress numbers untitled posts, a slug can be two digits.
    if Post.objects.filter(kind=Post.Kind.POST, slug=day).exists():
        return PostDetailView.as_view()(request, year=int(year), month=month, slug=day)
    return PostDayArchiveView.as_view()(request, year=year, month=month, day=day)


def period_bounds(year, month, *, months: int) -> tuple[datetime, datetime]:
    """Return the start of the month and of `months` months later, in the site's time zone."""
    if int(year) not in dates.PERIOD_YEARS:
        raise Http404(_("There are no posts for that date."))
    try:
        start = date(int(year), int(month), 1)
        months_from_zero = start.year * 12 + start.month - 1 + months
        end = date(months_from_zero // 12, months_from_zero % 12 + 1, 1)
    except ValueError:
        raise Http404(_("There are no posts for that date.")) from None
    return tuple(timezone.make_aware(datetime.combine(day, time.min)) for day in (start, end))
